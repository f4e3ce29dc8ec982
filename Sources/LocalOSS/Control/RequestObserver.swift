#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `Service` tells the test double about each OSS request: counted in the metrics, kept in the journal.
/// `begin` and `finish` are the whole per-request cost: two clock reads, a few stores, two short locks.
final class RequestObserver: Sendable {
    let clock: ServerClock
    let journal: RequestJournal
    let metrics: RequestMetrics

    init(clock: ServerClock, journal: RequestJournal, metrics: RequestMetrics = RequestMetrics()) {
        self.clock = clock
        self.journal = journal
        self.metrics = metrics
    }

    /// Header bytes a journal entry keeps: a head may be 64 KiB, and 10,000 of those would hold 640 MiB.
    static let maxJournaledHeaderBytes = 16 << 10

    func begin(_ head: HTTPRequestHead, requestID: String) -> RequestObservation {
        RequestObservation(
            startedNanos: Self.monotonicNanoseconds(),
            entry: JournalEntry(
                timeMicros: clock.nowMicroseconds(), requestID: requestID, method: head.method, target: head.target,
                headers: journal.isEnabled ? Self.bounded(head.headers) : HTTPHeaders()))
    }

    /// The headers as they are (shared, not copied) unless they are larger than the journal keeps; then the first
    /// ones that fit, and a field saying how many were left out.
    static func bounded(_ headers: HTTPHeaders) -> HTTPHeaders {
        var total = 0
        for field in headers { total += field.name.utf8.count + field.value.utf8.count }
        guard total > maxJournaledHeaderBytes else { return headers }
        var kept: [(String, String)] = []
        var used = 0
        for field in headers {
            let size = field.name.utf8.count + field.value.utf8.count
            if used + size > maxJournaledHeaderBytes { break }
            used += size
            kept.append((field.name, field.value))
        }
        let omitted = headers.fields.count - kept.count
        kept.append(("x-localoss-journal-omitted", "\(omitted) header fields (over \(maxJournaledHeaderBytes) bytes)"))
        return HTTPHeaders(kept)
    }

    /// Completes the entry, counts and journals it, and returns it (the access log's line is made from it).
    @discardableResult
    func finish(_ observation: RequestObservation, response: HTTPResponse, body: RequestBody) -> JournalEntry {
        var entry = observation.entry
        entry.status = response.status
        entry.bodyBytes = body.bytesReceived
        entry.bodyMD5 = body.digestedMD5
        entry.durationNanos = Self.monotonicNanoseconds() &- observation.startedNanos
        if journal.isEnabled {
            entry.responseHeaders = Self.bounded(response.headers)
            if response.status >= 400, case .bytes(let bytes) = response.body {
                entry.errorBody = String(decoding: bytes.prefix(JournalEntry.maxErrorBodyBytes), as: UTF8.self)
            }
        }
        let bytesOut = entry.method == "HEAD" ? 0 : UInt64(max(response.body.length, 0))
        metrics.record(
            operation: entry.operation ?? "Unknown", status: entry.status, durationNanos: entry.durationNanos,
            bytesIn: entry.bodyBytes, bytesOut: bytesOut)
        journal.append(entry)
        return entry
    }

    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// One request while it is served: what `Service` learns along the way.
struct RequestObservation {
    let startedNanos: UInt64
    var entry: JournalEntry

    /// The fault applied to the request, for the journal.
    var fault: String? {
        get { entry.fault }
        set { entry.fault = newValue }
    }

    mutating func routed(_ operation: Operation) {
        entry.operation = operation.name
        (entry.bucket, entry.key) = operation.resource
    }

    /// The error code, and for a signature mismatch what the server signed (the authenticator put it in the error's
    /// details for the XML reply; it is not computed again).
    mutating func failed(_ error: OSSError) {
        entry.errorCode = error.code.rawValue
        guard error.code == .signatureDoesNotMatch else { return }
        for (name, value) in error.details {
            if name == "StringToSign" { entry.stringToSign = value }
            if name == "CanonicalRequest" { entry.canonicalRequest = value }
        }
    }
}
