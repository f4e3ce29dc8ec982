extension AccessLogLine {
    /// The line of a request that was answered: what the journal entry recorded, plus the few header values and
    /// sizes only a log line shows.
    init(
        _ entry: JournalEntry, head: HTTPRequestHead, response: HTTPResponse, accessKeyID: String?,
        remoteIP: String?, owner: String
    ) {
        let requestLine = head.method + " " + head.target + " " + head.version
        var headerBytes = requestLine.utf8.count + 4
        for field in head.headers { headerBytes += field.name.utf8.count + field.value.utf8.count + 4 }
        let millis = Int64(entry.durationNanos / 1_000_000)
        self.init(
            remoteIP: remoteIP, timeMicros: entry.timeMicros, requestLine: requestLine, status: response.status,
            sentBytes: head.method == "HEAD" ? 0 : max(response.body.length, 0), requestMillis: millis,
            referer: head.headers["Referer"], userAgent: head.headers["User-Agent"], host: head.headers["Host"],
            requestID: entry.requestID, requester: accessKeyID == nil ? nil : owner, operation: entry.operation,
            bucket: entry.bucket, key: entry.key,
            objectSize: Self.objectSize(entry, head: head, response: response), serverMillis: millis,
            errorCode: entry.errorCode, requestLength: Int64(headerBytes) + Int64(entry.bodyBytes), owner: owner,
            accessKeyID: accessKeyID)
    }

    /// The size of the object a request read or wrote: a read's whole object (a range reply's total), a write's
    /// body; unknown when the request failed or named no object.
    static func objectSize(_ entry: JournalEntry, head: HTTPRequestHead, response: HTTPResponse) -> Int64? {
        guard entry.key != nil, (200..<300).contains(response.status) else { return nil }
        switch head.method {
        case "GET", "HEAD":
            if let range = response.headers["Content-Range"], let slash = range.lastIndex(of: "/") {
                return Int64(range[range.index(after: slash)...])
            }
            return response.headers["Content-Length"].flatMap { Int64($0) }
                ?? (head.method == "GET" ? response.body.length : nil)
        case "PUT", "POST":
            return Int64(entry.bodyBytes)
        default:
            return nil
        }
    }
}
