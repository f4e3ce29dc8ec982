import CEpoll

#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call, named with the errno it set, so a log line says which call failed and why.
struct SocketCallFailure: Error, Equatable, CustomStringConvertible {
    let call: String
    let code: Int32

    init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    var description: String { "\(call): \(String(cString: strerror(code))) (errno \(code))" }
}

/// The socket and epoll calls the connection layer makes, in one place: each either succeeds or throws a
/// `SocketCallFailure` naming itself, and EINTR is retried here so no caller has to.
enum SocketCalls {
    /// What `acceptConnection` found.
    enum Accepted: Equatable {
        case connection(Int32)
        /// Nothing is waiting (the listener is non-blocking).
        case nothingWaiting
        /// The process or system is out of descriptors; accepting again at once would spin.
        case outOfDescriptors
    }

    static func acceptConnection(_ listener: Int32) throws(SocketCallFailure) -> Accepted {
        while true {
            let fd = accept(listener, nil, nil)
            if fd >= 0 { return .connection(fd) }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return .nothingWaiting
            case EMFILE, ENFILE: return .outOfDescriptors
            default: throw SocketCallFailure("accept")
            }
        }
    }

    static func setNonBlocking(_ fd: Int32) throws(SocketCallFailure) {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { throw SocketCallFailure("fcntl") }
    }

    /// No Nagle delay, and blocking reads and writes that give up after `timeout` seconds (a worker waiting on a
    /// stalled client is freed again).
    static func configureClient(_ fd: Int32, timeout seconds: Int) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The client's address as text (`127.0.0.1`, `::1`), nil when the socket has none: what a bucket policy's
    /// `acs:SourceIp` condition tests.
    static func peerAddress(_ fd: Int32) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        guard found else { return nil }
        let family = Int32(storage.ss_family)
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let capacity = socklen_t(text.count)
        var written = false
        switch family {
        case AF_INET:
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }.sin_addr
            written = inet_ntop(AF_INET, &address, &text, capacity) != nil
        case AF_INET6:
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }.sin6_addr
            written = inet_ntop(AF_INET6, &address, &text, capacity) != nil
        default: return nil
        }
        guard written, let end = text.firstIndex(of: 0) else { return nil }
        return String(decoding: text[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func epollCreate() throws(SocketCallFailure) -> Int32 {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketCallFailure("epoll_create1") }
        return fd
    }

    /// Watches `fd` for input (or its peer closing) once: after one event it is disarmed until `rearm`.
    static func watchOnce(_ epoll: Int32, _ fd: Int32, adding: Bool) throws(SocketCallFailure) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue
        event.data.fd = fd
        guard epoll_ctl(epoll, adding ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event) == 0 else {
            throw SocketCallFailure(adding ? "epoll_ctl(ADD)" : "epoll_ctl(MOD)")
        }
    }

    /// Watches `fd` for input for as long as it is registered (the listener, the wake-up pipe).
    static func watch(_ epoll: Int32, _ fd: Int32) throws(SocketCallFailure) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = fd
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { throw SocketCallFailure("epoll_ctl(ADD)") }
    }

    /// Waits up to `timeout` milliseconds (-1: for ever) and returns the descriptors that are ready.
    static func wait(_ epoll: Int32, events: UnsafeMutableBufferPointer<epoll_event>, timeout: Int32)
        throws(SocketCallFailure) -> [Int32]
    {
        while true {
            let count = epoll_wait(epoll, events.baseAddress, Int32(events.count), timeout)
            if count >= 0 { return (0..<Int(count)).map { events[$0].data.fd } }
            if errno == EINTR { continue }
            throw SocketCallFailure("epoll_wait")
        }
    }

    static func makePipe() throws(SocketCallFailure) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SocketCallFailure("pipe") }
        do {
            try setNonBlocking(ends[0])
            try setNonBlocking(ends[1])
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        return (ends[0], ends[1])
    }
}
