import Logging

/// One client connection: read a request head, build its body, let `Service` answer, write the reply, repeat while
/// keep-alive holds. Errors in HTTP framing are answered here, as OSS error XML, and end the connection.
final class Connection: @unchecked Sendable {
    /// A body left unread by an error reply is drained up to this size to keep the connection; larger ones close it.
    static let drainLimit: UInt64 = 64 << 20

    private let stream: SocketStream
    private let service: Service
    private let configuration: Configuration
    private let logger: Logger
    private let limits = HTTPRequestParser.Limits()

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
                    ))
            } catch {
                let response = ErrorResponder.response(
                    for: error, requestID: requestID, host: head.headers["Host"] ?? "", isHead: head.method == "HEAD")
                try? writer.write(response, requestID: requestID, omitBody: head.method == "HEAD", keepAlive: false)
                return
            }
            let response = service.respond(to: head, body: body, requestID: requestID)
            let keepAlive = head.keepAlive && body.discardRemaining(limit: Self.drainLimit)
            do {
                try writer.write(response, requestID: requestID, omitBody: head.method == "HEAD", keepAlive: keepAlive)
            } catch {
                return
            }
            if !keepAlive { return }
        }
    }
}
