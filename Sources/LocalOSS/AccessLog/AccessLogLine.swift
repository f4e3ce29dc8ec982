#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request as a line of an OSS access log (protocol notes §4.5): space-separated fields in OSS's order, the
/// textual ones in double quotes, `-` for what is unknown or empty:
///
///     RemoteIP - - [Time] "RequestURL" HTTPStatus SentBytes RequestTime "Referer" "UserAgent" "HostName"
///     "RequestID" "LoggingFlag" "RequesterAliyunID" "Operation" "BucketName" "ObjectName" ObjectSize
///     ServerCostTime "ErrorCode" RequestLength "UserID" DeltaDataSize "SyncRequest" "StorageClass"
///     "TargetStorageClass" "TransmissionAccelerationAccessPoint" "AccessKeyID"
struct AccessLogLine: Equatable {
    var remoteIP: String?
    /// Server-clock microseconds when the request arrived.
    var timeMicros: Int64
    /// `GET /key?query HTTP/1.1`, the request line as sent.
    var requestLine: String
    var status: Int
    var sentBytes: Int64
    var requestMillis: Int64
    var referer: String?
    var userAgent: String?
    var host: String?
    var requestID: String
    /// The requester's account; nil for an anonymous caller.
    var requester: String?
    var operation: String?
    var bucket: String?
    /// The object key as stored; written URL-encoded (`/` kept).
    var key: String?
    var objectSize: Int64?
    var serverMillis: Int64
    var errorCode: String?
    /// Request line, headers and body, in bytes.
    var requestLength: Int64
    /// The bucket owner's account.
    var owner: String?
    var accessKeyID: String?

    func formatted() -> String {
        var out = ""
        out.reserveCapacity(256)
        out += remoteIP ?? "-"
        out += " - - ["
        out += Self.time(micros: timeMicros)
        out += "] "
        out += Self.quoted(requestLine)
        out += " \(status) \(sentBytes) \(requestMillis) "
        for text in [referer, userAgent, host, requestID, "true", requester, operation, bucket] {
            out += Self.quoted(text)
            out += " "
        }
        out += Self.quoted(key.map { Encoding.urlEncode($0, keepSlash: true) })
        out += " "
        out += objectSize.map(String.init) ?? "-"
        out += " \(serverMillis) "
        out += Self.quoted(errorCode)
        out += " \(requestLength) "
        out += Self.quoted(owner)
        // DeltaDataSize, SyncRequest, StorageClass, TargetStorageClass, TransmissionAccelerationAccessPoint: no
        // value this server knows.
        out += " - \"-\" \"-\" \"-\" \"-\" "
        out += Self.quoted(accessKeyID)
        return out
    }

    /// `"text"`, or `"-"` for nothing; a quote, a backslash or a control character inside is escaped (`\"`,
    /// `\\`, `\xHH`), so a line is always one line and its fields split unambiguously.
    static func quoted(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "\"-\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `02/May/2012:00:00:04 +0000`: the server clock, in UTC.
    static func time(micros: Int64) -> String { utc(micros: micros, "%d/%b/%Y:%H:%M:%S +0000") }

    /// `2012-05-02-00-00-04`: the time in a log object's name.
    static func stamp(micros: Int64) -> String { utc(micros: micros, "%Y-%m-%d-%H-%M-%S") }

    private static func utc(micros: Int64, _ format: String) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 40)
        let count = strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
