#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The two time formats OSS puts on the wire, and parsing of the HTTP one. Uses the C library: no shared formatter.
/// The current time is not here: it is the server's `ServerClock`, which tests can move.
enum HTTPDate {
    /// A clock for measuring intervals: it never jumps with the wall clock.
    static func monotonicMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// `Tue, 04 Dec 2018 15:56:38 GMT`
    static func rfc1123(_ seconds: Int64) -> String { format(seconds, "%a, %d %b %Y %H:%M:%S GMT") }

    /// `20181204`: the date of a signature V4 scope.
    static func compactDate(_ seconds: Int64) -> String { format(seconds, "%Y%m%d") }

    /// `2018-12-04T15:56:38.000Z`: OSS's XML timestamps, milliseconds always `.000`.
    static func iso8601(_ seconds: Int64) -> String { format(seconds, "%Y-%m-%dT%H:%M:%S.000Z") }

    /// `2020-10-15T15:50:32`: the retention policy's dates, as OSS's GetBucketWorm sample shows them.
    static func isoSeconds(_ seconds: Int64) -> String { format(seconds, "%Y-%m-%dT%H:%M:%S") }

    private static func format(_ seconds: Int64, _ pattern: String) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses RFC 1123 (`Sun, 06 Nov 1994 08:49:37 GMT`); nil if it is not that shape.
    static func parseRFC1123(_ text: String) -> Int64? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
            let day = Int(fields[1]), let month = months.firstIndex(of: String(fields[2])), let year = Int(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]) else {
            return nil
        }
        return seconds(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses the compact ISO 8601 form used by signature V4 (`20240102T030405Z`).
    static func parseCompactISO8601(_ text: String) -> Int64? {
        let chars = Array(text.utf8)
        guard chars.count == 16, chars[8] == UInt8(ascii: "T"), chars[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: chars[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        return seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Seconds since 1970 for a UTC civil time (Howard Hinnant's days-from-civil).
    static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
            (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        return Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
