#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Closing a socket with unread input makes the kernel send a reset, and a reset destroys the reply the client has
/// not read yet: a client still writing a large body would see "connection reset" instead of the OSS error. So
/// after such a reply the server shuts down its sending side (the client sees the end of the reply) and reads and
/// discards input until the client closes too, for a bounded time and size, and only then closes.
struct LingeringClose {
    /// Longest the whole discard may take (Apache's lingering close: 30 s).
    var maxDuration: Int64 = 30_000
    /// Longest wait for the next bytes; a client that went quiet has read the reply or will never send more.
    var maxIdle: Int64 = 2_000
    /// Most bytes discarded: the largest body OSS accepts, plus room for the request head around it.
    var maxBytes: UInt64 = BodyIngest.maxSize + (1 << 20)

    enum Ending: Equatable {
        /// The client closed its side: everything it sent was read, no reset.
        case peerClosed
        case idle
        case tooLong
        case tooLarge
        case failed(Int32)
    }

    struct Outcome: Equatable {
        var ending: Ending
        var discarded: UInt64
        var milliseconds: Int64
    }

    /// Shuts down writing on `fd` and discards input until one of the limits ends it. Does not close `fd`.
    func perform(on fd: Int32, scratch: UnsafeMutableRawBufferPointer) -> Outcome {
        let started = HTTPDate.monotonicMilliseconds()
        shutdown(fd, Int32(SHUT_WR))
        var discarded: UInt64 = 0
        func outcome(_ ending: Ending) -> Outcome {
            Outcome(ending: ending, discarded: discarded, milliseconds: HTTPDate.monotonicMilliseconds() - started)
        }
        while true {
            let left = maxDuration - (HTTPDate.monotonicMilliseconds() - started)
            guard left > 0 else { return outcome(.tooLong) }
            guard discarded < maxBytes else { return outcome(.tooLarge) }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(min(left, maxIdle)))
            if polled < 0 {
                if errno == EINTR { continue }
                return outcome(.failed(errno))
            }
            if polled == 0 {
                return outcome(HTTPDate.monotonicMilliseconds() - started >= maxDuration ? .tooLong : .idle)
            }
            let wanted = Int(min(UInt64(scratch.count), maxBytes - discarded))
            let received = recv(fd, scratch.baseAddress, wanted, Int32(MSG_DONTWAIT))
            if received == 0 { return outcome(.peerClosed) }
            if received < 0 {
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                return outcome(.failed(errno))
            }
            discarded += UInt64(received)
        }
    }
}
