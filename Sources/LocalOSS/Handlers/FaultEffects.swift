#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a fired fault rule does inside the request pipeline; the socket-level part is left to `FaultedReply`
/// through `HTTPResponse.fault`. `Service` calls `beforeRunning` once the operation is known, before the bucket
/// lookup and authentication (so a fault fires for the requests a client really makes, signed or not), and
/// `shaping` on whatever reply came out, error or not.
extension FiredFault {
    /// An `error` is thrown, to be rendered like any OSS error (RequestId, HostId, EC); a `stall` gives a reply that
    /// is never sent. Nil: run the operation, with body faults and `beforeBody` delays in place.
    func beforeRunning(body: RequestBody) throws(OSSError) -> HTTPResponse? {
        switch action {
        case .error(let status, let code, let message, let ec, let retryAfter):
            var error = OSSError(
                OSSErrorCode(rawValue: code) ?? .internalError, message,
                headers: retryAfter.map { [("Retry-After", String($0))] } ?? [], ec: ec)
            error.injected = (code, status)
            throw error
        case .stall:
            // Never sent; status 0 so that logs (and the journal) do not show an answer that was not given.
            var placeholder = HTTPResponse(status: 0)
            placeholder.fault = .stall(inForce: { [self] in isStillInForce })
            return placeholder
        case .delay(let milliseconds, .beforeBody):
            Self.sleep(milliseconds)
        case .throttle(let bytesPerSecond, .request):
            body.fault = .throttle(Pacer(bytesPerSecond: bytesPerSecond))
        case .resetAfterBodyBytes(let bytes):
            body.fault = .resetAfter(UInt64(bytes))
        default:
            break
        }
        return nil
    }

    /// The reply as the fault wants it sent.
    func shaping(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        switch action {
        case .delay(let milliseconds, .beforeResponse): Self.sleep(milliseconds)
        case .throttle(let bytesPerSecond, .response): response.fault = .throttle(bytesPerSecond: bytesPerSecond)
        case .resetAfterBodyBytes, .dropResponseAfterCommit: response.fault = .reset
        case .truncateBody(let bytes): response.fault = .truncate(after: Int64(bytes))
        case .corruptBody(let offset): response.fault = .corrupt(offset: Int64(offset))
        case .wrongChecksum:
            if let crc = response.headers["x-oss-hash-crc64ecma"].flatMap(UInt64.init) {
                response.headers.set("x-oss-hash-crc64ecma", String(crc ^ 1))
            }
        default: break
        }
        return response
    }

    private static func sleep(_ milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
