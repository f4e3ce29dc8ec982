import Logging

/// One client connection, served by a worker whenever input arrives: read the request head, build its body, let
/// `Service` answer, write the reply, and go on while further requests are already here; then hand the socket back
/// to be parked. `ConnectionStateMachine` decides each step; this type only does the I/O. Errors in HTTP framing
/// are answered here, as OSS error XML, and end the connection.
///
/// A reply sent before its request body was read (most errors: wrong signature, missing bucket) cannot keep the
/// connection unless the rest of the body has already arrived; otherwise it says `Connection: close` and ends with a
/// `LingeringClose`, so the client reads the error instead of a reset, and a body that never comes (a GET that
/// declares one) is not waited for before answering.
///
/// `@unchecked Sendable`: a connection is used by one thread at a time, handed between the parking loop and the
/// workers (the loop's one-shot epoll registration guarantees that only one of them owns it).
final class Connection: @unchecked Sendable {
    /// An unread body is discarded to keep the connection only if it has all arrived and is at most this large.
    static let keepAliveDiscardLimit: UInt64 = 1 << 20

    /// How long a worker waits for a keep-alive client's next request before parking it (see `Timeouts`). Long
    /// enough for a client sending requests back to back on a loaded machine; short enough that a client going idle
    /// costs a worker little. Measured with 4 KiB GETs on 64 connections: 20,000 requests/s parking at once,
    /// 33,000 with 2 ms, 38,000–41,000 with 10 ms.
    static let nextRequestMilliseconds: Int32 = 10

    /// What the worker does with the connection once `serveArrived` returns.
    enum Disposition: Equatable {
        /// Park it until input arrives, closing it at `until` (monotonic milliseconds) if none does.
        case park(until: Int64)
        case close
    }

    let fd: Int32
    /// Registered with the parking loop's epoll; set by the loop.
    var isWatched = false
    private let stream: SocketStream
    private let service: Service
    private let bodyBuffers: BodyBufferPool
    private let configuration: Configuration
    private let logger: Logger
    private let limits = HTTPRequestParser.Limits()
    private let lingeringClose = LingeringClose()
    private var machine: ConnectionStateMachine
    private var head: HTTPRequestHead?
    private var requestID = ""
    private var pendingResponse: HTTPResponse?
    /// Where the client is, and whether it speaks TLS: facts a bucket policy's conditions test.
    private let client: ClientEndpoint

    /// `transport`: TLS, or nil for plain TCP.
    init(
        fd: Int32, transport: ByteTransport? = nil, service: Service, bodyBuffers: BodyBufferPool,
        configuration: Configuration, logger: Logger, now: Int64 = HTTPDate.monotonicMilliseconds()
    ) {
        self.fd = fd
        client = ClientEndpoint(address: SocketCalls.peerAddress(fd), secure: transport != nil)
        stream = SocketStream(
            fd: fd, bufferSize: limits.maxHeadBytes + 4096, idleTimeout: configuration.idleTimeout,
            transport: transport)
        self.service = service
        self.bodyBuffers = bodyBuffers
        self.configuration = configuration
        self.logger = logger
        machine = ConnectionStateMachine(
            timeouts: .init(
                idleMilliseconds: Int64(configuration.idleTimeout) * 1000,
                headMilliseconds: Int64(configuration.headTimeout) * 1000,
                nextRequestMilliseconds: Self.nextRequestMilliseconds),
            now: now)
    }

    /// When a new connection must have sent something by.
    var initialDeadline: Int64 { HTTPDate.monotonicMilliseconds() + machine.timeouts.idleMilliseconds }

    /// Serves every request that has arrived, on the calling worker, and says what to do with the socket next.
    /// Blocks only inside a request (reading its body, writing its reply), in a lingering close, and for the brief
    /// wait for a keep-alive client's next request.
    func serveArrived() -> Disposition {
        var action = machine.readable()
        while true {
            switch action {
            case .readHead:
                action = readHead()
            case .serve:
                action = serveRequest()
            case .reply(let keepAlive):
                action = writeReply(keepAlive: keepAlive)
            case .awaitInput(let milliseconds):
                stream.waitForInput(milliseconds: milliseconds)
                action = .readHead
            case .park(let until):
                stream.releaseBufferIfEmpty()
                return .park(until: until)
            case .lingerThenClose:
                linger()
                action = machine.lingerFinished()
            case .close:
                return .close
            }
        }
    }

    private func readHead() -> ConnectionStateMachine.Action {
        do {
            guard let parsed = try stream.readHeadIfArrived(limits: limits) else {
                return machine.headIncomplete(
                    buffered: stream.hasBufferedBytes, now: HTTPDate.monotonicMilliseconds())
            }
            // Drawn once per request that arrived (not per attempt to read one), so a seeded sequence repeats.
            requestID = service.identifiers.requestID()
            head = parsed
            return machine.headReceived()
        } catch let failure as HTTPRequestParser.Failure {
            let error: OSSError
            switch failure {
            case .headTooLarge, .tooManyHeaders:
                error = OSSError(.requestHeaderTooLarge, "Your request's headers or request line are too large.")
            case .malformed(let reason):
                error = OSSError(.invalidArgument, "The HTTP request is malformed: \(reason).")
            }
            head = nil
            requestID = service.identifiers.requestID()
            pendingResponse = ErrorResponder.response(for: error, requestID: requestID, host: "", isHead: false)
            return machine.requestRejected()
        } catch {
            return machine.connectionLost()  // closed or reset: nothing to answer
        }
    }

    private func serveRequest() -> ConnectionStateMachine.Action {
        guard let head else { return machine.connectionLost() }
        let lease = BodyBufferLease(pool: bodyBuffers)
        defer { lease.end() }
        let body: RequestBody
        do {
            body = try RequestBody(
                head: head, stream: stream, lease: { lease.halves }, timeout: configuration.bodyTimeout)
        } catch {
            pendingResponse = ErrorResponder.response(
                for: error, requestID: requestID, host: head.headers["Host"] ?? "", isHead: head.method == "HEAD")
            return machine.requestRejected()
        }
        pendingResponse = service.respond(to: head, body: body, requestID: requestID, client: client)
        let bodyConsumed = body.discardArrived(limit: Self.keepAliveDiscardLimit)
        stream.readDeadline = nil
        return machine.answered(clientKeepsAlive: head.keepAlive, bodyConsumed: bodyConsumed)
    }

    private func writeReply(keepAlive: Bool) -> ConnectionStateMachine.Action {
        guard let response = pendingResponse else { return machine.connectionLost() }
        pendingResponse = nil
        let writer = ResponseWriter(stream: stream, serverName: "AliyunOSS", dates: service.dates)
        do {
            if let fault = response.fault {
                let outcome = try FaultedReply(stream: stream, serverName: "AliyunOSS", dates: service.dates).write(
                    response, fault: fault, requestID: requestID, omitBody: head?.method == "HEAD",
                    keepAlive: keepAlive)
                if outcome == .close { return machine.connectionLost() }
            } else {
                try writer.write(
                    response, requestID: requestID, omitBody: head?.method == "HEAD", keepAlive: keepAlive)
            }
        } catch {
            return machine.connectionLost()
        }
        head = nil
        return machine.replyWritten(pendingInput: stream.hasBufferedBytes, now: HTTPDate.monotonicMilliseconds())
    }

    private func linger() {
        let buffer = bodyBuffers.borrow()
        defer { bodyBuffers.giveBack(buffer) }
        let outcome = lingeringClose.perform(on: fd, scratch: buffer)
        logger.debug(
            "\(requestID) lingering close: \(outcome.ending), \(outcome.discarded) bytes in \(outcome.milliseconds) ms")
    }
}
