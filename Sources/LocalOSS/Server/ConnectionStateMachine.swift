/// The life of one client connection, as states and the actions their transitions call for, without sockets: the
/// caller does the I/O an action names and reports what happened. It decides keep-alive, when a connection is
/// parked (and until when), and when a reply must end with a lingering close rather than a plain one.
///
/// idle → head → body → responding → idle (keep-alive) | lingering → closed | closed
struct ConnectionStateMachine: Equatable {
    enum State: Equatable {
        /// Between requests, since the given monotonic time (milliseconds).
        case idle(since: Int64)
        /// Part of a request head has arrived; all of it must be in by `startedAt` + the head timeout.
        case head(startedAt: Int64)
        /// A head was parsed; its body is being read and the request answered.
        case body
        /// The answer is being written.
        case responding(keepAlive: Bool, bodyConsumed: Bool)
        /// The reply is out, but input may still be arriving: it is read and discarded before closing.
        case lingering
        case closed
    }

    enum Action: Equatable {
        /// Read what has arrived, without waiting, and look for a complete request head.
        case readHead
        /// Read the body and let the service answer the request.
        case serve
        /// Write the reply, saying whether the connection stays open.
        case reply(keepAlive: Bool)
        /// Wait up to this many milliseconds for input on the socket, then read again.
        case awaitInput(milliseconds: Int32)
        /// Hand the socket back to the loop; close it if nothing arrives by `until` (monotonic milliseconds).
        case park(until: Int64)
        /// Shut down sending, discard input for a while, then close.
        case lingerThenClose
        case close
    }

    struct Timeouts: Equatable {
        /// How long a connection may sit between requests.
        var idleMilliseconds: Int64
        /// How long a request head may take once its first byte is in.
        var headMilliseconds: Int64
        /// How long a worker waits for the next request right after a reply before parking the connection: a client
        /// sending requests back to back is then served without a round trip through the loop (0: park at once).
        var nextRequestMilliseconds: Int32 = 0
    }

    let timeouts: Timeouts
    private(set) var state: State
    /// A reply has just been written and no wait for the next request has been made since.
    private var justAnswered = false
    /// Requests answered on this connection. The brief wait for the next one starts with the second: a client that
    /// sent one request and went quiet (one of thousands of pooled connections) then costs a worker nothing.
    private(set) var requestsAnswered = 0

    init(timeouts: Timeouts, now: Int64) {
        self.timeouts = timeouts
        state = .idle(since: now)
    }

    /// A parked socket has input, or its peer closed.
    mutating func readable() -> Action {
        switch state {
        case .idle, .head: return .readHead
        default: return fail()
        }
    }

    /// A read found no complete head and nothing more to read yet; `buffered` says whether part of one is in.
    mutating func headIncomplete(buffered: Bool, now: Int64) -> Action {
        switch state {
        case .idle(let since):
            if !buffered, justAnswered, requestsAnswered >= 2, timeouts.nextRequestMilliseconds > 0 {
                justAnswered = false
                return .awaitInput(milliseconds: timeouts.nextRequestMilliseconds)
            }
            justAnswered = false
            guard buffered else { return park(until: since + timeouts.idleMilliseconds, now: now) }
            state = .head(startedAt: now)
            return park(until: now + timeouts.headMilliseconds, now: now)
        case .head(let startedAt):
            return park(until: startedAt + timeouts.headMilliseconds, now: now)
        default:
            return fail()
        }
    }

    mutating func headReceived() -> Action {
        justAnswered = false
        switch state {
        case .idle, .head:
            state = .body
            return .serve
        default:
            return fail()
        }
    }

    /// The head could not be parsed (or was too large), or its body's framing was refused: an error reply is
    /// written with `Connection: close`, and whatever the client still sends must not turn the close into a reset.
    mutating func requestRejected() -> Action {
        state = .lingering
        return .reply(keepAlive: false)
    }

    /// The service answered. The connection is kept only if the client allows it and the whole body was read:
    /// an unread body would be taken for the next request.
    mutating func answered(clientKeepsAlive: Bool, bodyConsumed: Bool) -> Action {
        guard state == .body else { return fail() }
        let keepAlive = clientKeepsAlive && bodyConsumed
        state = .responding(keepAlive: keepAlive, bodyConsumed: bodyConsumed)
        return .reply(keepAlive: keepAlive)
    }

    /// The reply is written. `pendingInput`: bytes beyond this request are already buffered (a pipelined request,
    /// or the rest of an unread body).
    mutating func replyWritten(pendingInput: Bool, now: Int64) -> Action {
        switch state {
        case .responding(let keepAlive, let bodyConsumed):
            if keepAlive {
                // The next request may already be here (pipelined, or sent at once): look before parking.
                state = .idle(since: now)
                justAnswered = true
                requestsAnswered += 1
                return .readHead
            }
            if !bodyConsumed || pendingInput {
                state = .lingering
                return .lingerThenClose
            }
            state = .closed
            return .close
        case .lingering:
            return .lingerThenClose
        default:
            return fail()
        }
    }

    /// The peer closed, reset, timed out, or a write failed: nothing more can be said to it.
    mutating func connectionLost() -> Action { fail() }

    mutating func lingerFinished() -> Action { fail() }

    private mutating func park(until deadline: Int64, now: Int64) -> Action {
        guard deadline > now else { return fail() }
        return .park(until: deadline)
    }

    private mutating func fail() -> Action {
        state = .closed
        return .close
    }
}
