import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one wall clock of a server: every time it shows or judges (the `Date` header, signature skew and presigned
/// expiry, Last-Modified, bucket creation, upload initiation) comes from here, so a test can offset, set, advance or
/// freeze time through the control plane. Intervals (timeouts, durations) keep using the monotonic clock.
///
/// `@unchecked Sendable`: the two fields are guarded by `lock`; a read is one uncontended lock and `clock_gettime`.
final class ServerClock: @unchecked Sendable {
    /// What the control plane reports.
    struct State: Equatable {
        var nowMicroseconds: Int64
        var offsetMicroseconds: Int64
        var frozen: Bool
    }

    private let lock = NSLock()
    /// Added to the system clock while running.
    private var offset: Int64 = 0
    /// The instant shown while frozen.
    private var frozenAt: Int64?
    private let system: @Sendable () -> Int64

    /// The real clock, untouched: the default of stores and generators built outside a server (tests).
    static let system = ServerClock()

    /// `system`: microseconds since 1970 of the real clock (tests pass a fake one).
    init(system: @escaping @Sendable () -> Int64 = ServerClock.systemMicroseconds) {
        self.system = system
    }

    /// Microseconds since 1970 as the server sees them.
    func nowMicroseconds() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        return frozenAt ?? system() + offset
    }

    /// Whole seconds since 1970 (rounded down, also before 1970).
    func now() -> Int64 {
        let micros = nowMicroseconds()
        return micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    }

    var state: State {
        lock.lock()
        defer { lock.unlock() }
        let real = system()
        let now = frozenAt ?? real + offset
        return State(nowMicroseconds: now, offsetMicroseconds: now - real, frozen: frozenAt != nil)
    }

    /// Moves time by `micros` (negative: back), frozen or not.
    func advance(micros: Int64) {
        lock.withLock {
            if let frozen = frozenAt { frozenAt = frozen + micros } else { offset += micros }
        }
    }

    /// Makes the clock read the system clock plus `micros`.
    func setOffset(micros: Int64) {
        lock.withLock {
            if frozenAt != nil { frozenAt = system() + micros } else { offset = micros }
        }
    }

    /// Makes the clock read `micros` now (and run on from there unless frozen).
    func set(micros: Int64) {
        lock.withLock {
            if frozenAt != nil { frozenAt = micros } else { offset = micros - system() }
        }
    }

    /// Freezing stops the clock at its current reading; thawing lets it run on from the instant it was frozen at.
    func freeze(_ frozen: Bool) {
        lock.withLock {
            switch (frozenAt, frozen) {
            case (nil, true): frozenAt = system() + offset
            case (let instant?, false):
                offset = instant - system()
                frozenAt = nil
            default: break
            }
        }
    }

    static let systemMicroseconds: @Sendable () -> Int64 = {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}

/// Time stamps of the control plane's JSON: ISO 8601 UTC with milliseconds, `2026-12-01T23:46:52.123Z`.
enum ControlTime {
    static func format(micros: Int64) -> String {
        let millis = micros >= 0 ? micros / 1000 : (micros - 999) / 1000
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &parts)
        let head = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let digits = String(fraction)
        return head + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil otherwise.
    static func parse(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return micros(date) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map(micros)
    }

    private static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
