import Foundation

/// One OSS request as the journal keeps it: what arrived and how it was answered. Filled by `Service` (through
/// `RequestObserver`) with values it has anyway; formatting and masking wait until a test asks for it.
struct JournalEntry: Sendable {
    /// Assigned by the journal: 1 for the first request it keeps, then one more per request.
    var seq: UInt64 = 0
    /// Server-clock microseconds when the request head was taken up.
    var timeMicros: Int64
    var requestID: String
    var method: String
    /// The request target as sent (path and query).
    var target: String
    var headers: HTTPHeaders
    /// `Operation.name`; nil when the request could not be routed to one.
    var operation: String?
    var bucket: String?
    var key: String?
    var status = 0
    var errorCode: String?
    /// Request body bytes read from the socket while the request was handled.
    var bodyBytes: UInt64 = 0
    /// The body's MD5, where the handler computed one anyway (PutObject, UploadPart, AppendObject).
    var bodyMD5: [UInt8]?
    var durationNanos: UInt64 = 0
    /// The fault applied to this request, if any.
    var fault: String?
    /// What the server signed, for a SignatureDoesNotMatch: taken from the error the authenticator built.
    var stringToSign: String?
    var canonicalRequest: String?
    /// The headers the handler answered with (the writer adds Date, Server and Content-Length).
    var responseHeaders = HTTPHeaders()
    /// The error reply's XML, as sent, up to `maxErrorBodyBytes`.
    var errorBody: String?

    static let maxErrorBodyBytes = 8 << 10
}

/// What a query of the journal may ask for; every filter present must match.
struct JournalFilter: Equatable {
    var operation: String?
    var bucket: String?
    var key: String?
    var keyPrefix: String?
    var status: Int?
    /// Entries after this sequence number.
    var sinceSeq: UInt64?
    /// Entries later than this server-clock instant (microseconds), compared at the milliseconds the records show:
    /// passing a record's own `time` leaves that record out.
    var sinceMicros: Int64?

    func matches(_ entry: JournalEntry) -> Bool {
        if let operation, entry.operation != operation { return false }
        if let bucket, entry.bucket != bucket { return false }
        if let key, entry.key != key { return false }
        if let keyPrefix {
            guard let key = entry.key, key.hasPrefix(keyPrefix) else { return false }
        }
        if let status, entry.status != status { return false }
        if let sinceSeq, entry.seq <= sinceSeq { return false }
        if let sinceMicros, entry.timeMicros - entry.timeMicros % 1000 <= sinceMicros { return false }
        return true
    }
}

/// The last requests, in a ring of fixed capacity (`--journal-size`; 0 keeps nothing). Appending is a lock and
/// one slot store; the oldest entry makes room for the newest.
///
/// `@unchecked Sendable`: the ring is guarded by `lock`.
final class RequestJournal: @unchecked Sendable {
    static let defaultCapacity = 10_000

    let capacity: Int
    private let lock = NSLock()
    private var ring: [JournalEntry?]
    /// Where the next entry goes.
    private var next = 0
    private var stored = 0
    private var lastSeq: UInt64 = 0

    init(capacity: Int = RequestJournal.defaultCapacity) {
        self.capacity = max(capacity, 0)
        ring = []
    }

    var isEnabled: Bool { capacity > 0 }

    func append(_ entry: JournalEntry) {
        guard capacity > 0 else { return }
        var entry = entry
        lock.lock()
        defer { lock.unlock() }
        // Allocated on first use, so a server nobody inspects pays for no empty slots.
        if ring.isEmpty { ring = Array(repeating: nil, count: capacity) }
        lastSeq += 1
        entry.seq = lastSeq
        ring[next] = entry
        next = (next + 1) % capacity
        stored = min(stored + 1, capacity)
    }

    /// Matching entries, oldest first; with `limit`, only the newest `limit` of them (still oldest first).
    func entries(matching filter: JournalFilter, limit: Int? = nil) -> [JournalEntry] {
        let all: [JournalEntry] = lock.withLock {
            var found: [JournalEntry] = []
            let first = (next - stored + capacity) % max(capacity, 1)
            for offset in 0..<stored {
                if let entry = ring[(first + offset) % capacity], filter.matches(entry) { found.append(entry) }
            }
            return found
        }
        guard let limit, limit < all.count else { return all }
        return Array(all.suffix(max(limit, 0)))
    }

    func count(matching filter: JournalFilter) -> Int { entries(matching: filter).count }

    /// Forgets every entry; sequence numbers go on from where they were, so a `since` taken earlier stays valid.
    func clear() {
        lock.withLock {
            if !ring.isEmpty { ring = Array(repeating: nil, count: capacity) }
            next = 0
            stored = 0
        }
    }
}

/// Secret material out of what the journal shows: the signature part of Authorization, security tokens, and
/// signatures in presigned query strings become `***`.
enum SecretMask {
    static let mask = "***"

    static func header(name: String, value: String) -> String {
        switch name.lowercased() {
        case "authorization", "proxy-authorization": authorization(value)
        case "x-oss-security-token": mask
        default: value
        }
    }

    /// `OSS id:sig` → `OSS id:***`; `OSS2 …,Signature:sig` and `OSS4-HMAC-SHA256 …, Signature=sig` keep all but
    /// the signature; any other scheme keeps only its name.
    static func authorization(_ value: String) -> String {
        for marker in ["Signature=", "Signature:"] {
            if let range = value.range(of: marker) {
                let rest = value[range.upperBound...]
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                return String(value[..<range.upperBound]) + mask + String(rest[end...])
            }
        }
        if value.hasPrefix("OSS "), let colon = value.lastIndex(of: ":") {
            return String(value[...colon]) + mask
        }
        if let space = value.firstIndex(of: " ") { return String(value[...space]) + mask }
        return mask
    }

    static let secretParameters: Set<String> = [
        "signature", "x-oss-signature", "security-token", "x-oss-security-token",
    ]

    /// The raw query with the values of secret parameters replaced; everything else byte for byte as sent.
    static func query(_ raw: Substring) -> String {
        raw.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            let pieces = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: Encoding.percentDecode(pieces[0], plusIsSpace: true), as: UTF8.self)
            guard pieces.count == 2, secretParameters.contains(name.lowercased()) else { return String(item) }
            return String(pieces[0]) + "=" + mask
        }.joined(separator: "&")
    }
}

/// The JSON shape of one entry: the control plane's contract (`GET /_localoss/requests`).
struct JournalRecord: Encodable {
    var seq: UInt64
    var time: String
    var requestId: String
    var method: String
    var path: String
    var query: String
    var operation: String?
    var bucket: String?
    var key: String?
    var status: Int
    var errorCode: String?
    var bodyBytes: UInt64?
    var bodyMD5: String?
    var durationMs: Double
    var fault: String?
    var headers: [String: String]
    var stringToSign: String?
    var canonicalRequest: String?
    var responseHeaders: [String: String]
    var errorBody: String?

    init(_ entry: JournalEntry) {
        seq = entry.seq
        time = ControlTime.format(micros: entry.timeMicros)
        requestId = entry.requestID
        method = entry.method
        let mark = entry.target.firstIndex(of: "?")
        path = String(entry.target[..<(mark ?? entry.target.endIndex)])
        query = mark.map { SecretMask.query(entry.target[entry.target.index(after: $0)...]) } ?? ""
        operation = entry.operation
        bucket = entry.bucket
        key = entry.key
        status = entry.status
        errorCode = entry.errorCode
        bodyBytes = entry.bodyBytes
        bodyMD5 = entry.bodyMD5.map(Encoding.lowerHex)
        durationMs = Double(entry.durationNanos) / 1_000_000
        fault = entry.fault
        headers = Self.fields(entry.headers)
        stringToSign = entry.stringToSign
        canonicalRequest = entry.canonicalRequest
        responseHeaders = Self.fields(entry.responseHeaders)
        errorBody = entry.errorBody
    }

    /// One value per name (repeated fields joined with `, `), secret material masked.
    private static func fields(_ headers: HTTPHeaders) -> [String: String] {
        var fields: [String: String] = [:]
        for field in headers {
            let value = SecretMask.header(name: field.name, value: field.value)
            fields[field.name] = fields[field.name].map { $0 + ", " + value } ?? value
        }
        return fields
    }

    // Optional fields are written as null, not left out: clients can rely on every key being there.
    enum CodingKeys: String, CodingKey {
        case seq, time, requestId, method, path, query, operation, bucket, key, status, errorCode, bodyBytes, bodyMD5
        case durationMs, fault, headers, stringToSign, canonicalRequest, responseHeaders, errorBody
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(time, forKey: .time)
        try container.encode(requestId, forKey: .requestId)
        try container.encode(method, forKey: .method)
        try container.encode(path, forKey: .path)
        try container.encode(query, forKey: .query)
        try container.encode(operation, forKey: .operation)
        try container.encode(bucket, forKey: .bucket)
        try container.encode(key, forKey: .key)
        try container.encode(status, forKey: .status)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(bodyBytes, forKey: .bodyBytes)
        try container.encode(bodyMD5, forKey: .bodyMD5)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(fault, forKey: .fault)
        try container.encode(headers, forKey: .headers)
        try container.encode(stringToSign, forKey: .stringToSign)
        if let canonicalRequest { try container.encode(canonicalRequest, forKey: .canonicalRequest) }
        try container.encode(responseHeaders, forKey: .responseHeaders)
        try container.encode(errorBody, forKey: .errorBody)
    }
}
