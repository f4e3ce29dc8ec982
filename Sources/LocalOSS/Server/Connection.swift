import Logging

/// One client connection: read a request head, build its body, let `Service` answer, write the reply, repeat while
/// keep-alive holds. Errors in HTTP framing are answered here, as OSS error XML, and end the connection.
///
/// A reply sent before its request body was read (most errors: wrong signature, missing bucket) cannot keep the
/// connection unless the rest of the body has already arrived; otherwise it says `Connection: close` and ends with a
/// `LingeringClose`, so the client reads the error instead of a reset, and a body that never comes (a GET that
/// declares one) is not waited for before answering.
final class Connection: @unchecked Sendable {
    /// An unread body is discarded to keep the connection only if it has all arrived and is at most this large.
    static let keepAliveDiscardLimit: UInt64 = 1 << 20

    private let stream: SocketStream
    private let service: Service
    private let configuration: Configuration
    private let logger: Logger
    private let limits = HTTPRequestParser.Limits()
    private let lingeringClose = LingeringClose()

    init(fd: Int32, service: Service, configuration: Configuration, logger: Logger) {
        stream = SocketStream(fd: fd, bufferSize: limits.maxHeadBytes + 4096, idleTimeout: configuration.idleTimeout)
        self.service = service
        self.configuration = configuration
        self.logger = logger
    }

    func serve() {
        // Allocated with the first request, so thousands of idle connections cost no body buffers.
        var allocatedBuffer: UnsafeMutableRawBufferPointer?
        defer { allocatedBuffer?.deallocate() }
        let writer = ResponseWriter(stream: stream, serverName: "AliyunOSS")
        while true {
            let requestID = RequestID.make()
            let head: HTTPRequestHead
            do {
                guard let parsed = try stream.readHead(limits: limits, headTimeout: configuration.headTimeout) else {
                    return
                }
                head = parsed
            } catch let failure as HTTPRequestParser.Failure {
                let error: OSSError
                switch failure {
                case .headTooLarge, .tooManyHeaders:
                    error = OSSError(.requestHeaderTooLarge, "Your request's headers or request line are too large.")
                case .malformed(let reason):
                    error = OSSError(.invalidArgument, "The HTTP request is malformed: \(reason).")
                }
                let response = ErrorResponder.response(for: error, requestID: requestID, host: "", isHead: false)
                try? writer.write(response, requestID: requestID, omitBody: false, keepAlive: false)
                linger(requestID)
                return
            } catch {
                return  // closed, reset or idle too long: nothing to answer
            }
            let bodyBuffers =
                allocatedBuffer ?? .allocate(byteCount: 2 * configuration.bodyChunkSize, alignment: 64)
            allocatedBuffer = bodyBuffers
            let half = configuration.bodyChunkSize
            let body: RequestBody
            do {
                body = try RequestBody(
                    head: head, stream: stream,
                    buffers: (
                        UnsafeMutableRawBufferPointer(rebasing: bodyBuffers[..<half]),
                        UnsafeMutableRawBufferPointer(rebasing: bodyBuffers[half...])
                    ), timeout: configuration.bodyTimeout)
            } catch {
                let response = ErrorResponder.response(
                    for: error, requestID: requestID, host: head.headers["Host"] ?? "", isHead: head.method == "HEAD")
                try? writer.write(response, requestID: requestID, omitBody: head.method == "HEAD", keepAlive: false)
                linger(requestID, scratch: bodyBuffers)
                return
            }
            let response = service.respond(to: head, body: body, requestID: requestID)
            let bodyRead = body.discardArrived(limit: Self.keepAliveDiscardLimit)
            stream.readDeadline = nil
            let keepAlive = head.keepAlive && bodyRead
            do {
                try writer.write(response, requestID: requestID, omitBody: head.method == "HEAD", keepAlive: keepAlive)
            } catch {
                return
            }
            if keepAlive { continue }
            // Input still on its way (the unread body, or requests pipelined after `Connection: close`) would turn
            // the close into a reset.
            if !bodyRead || stream.hasBufferedBytes { linger(requestID, scratch: bodyBuffers) }
            return
        }
    }

    private func linger(_ requestID: String, scratch: UnsafeMutableRawBufferPointer? = nil) {
        let buffer = scratch ?? .allocate(byteCount: 64 << 10, alignment: 16)
        defer { if scratch == nil { buffer.deallocate() } }
        let outcome = lingeringClose.perform(on: stream.fd, scratch: buffer)
        logger.debug(
            "\(requestID) lingering close: \(outcome.ending), \(outcome.discarded) bytes in \(outcome.milliseconds) ms")
    }
}
