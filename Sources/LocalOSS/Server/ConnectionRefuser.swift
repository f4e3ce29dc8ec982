import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers connections the server will not serve (over `--max-connections`, or no thread could be started for
/// them) with 503 ServiceUnavailable and closes them after a short lingering close, so the client reads the reply
/// rather than a reset. All refused sockets share one thread and one `poll`: refusing costs no thread per client.
/// `@unchecked Sendable`: `incoming` and `stopping` are guarded by `lock`; the rest belongs to the refuser's thread.
final class ConnectionRefuser: @unchecked Sendable {
    /// How long a refused client's request is read and discarded before the socket is closed.
    static let lingerMilliseconds: Int64 = 1000
    /// Refused sockets lingering at once; beyond it they are closed straight after the reply.
    static let maxLingering = 256

    private let lock = NSLock()
    private var incoming: [Int32] = []
    private var lingeringCount = 0
    private var stopping = false
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let finished = DispatchSemaphore(value: 0)

    /// The `Date` header of the 503 replies: the server's clock.
    private let dates: DateCache

    /// Starts the refuser's thread; fails if even that one cannot be created.
    init(startThread: DetachedThread.Starter, dates: DateCache = .system) throws {
        self.dates = dates
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw POSIXFailure("pipe") }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        for fd in ends { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let status = startThread(256 << 10) { [self] in
            run()
            finished.signal()
        }
        guard status == 0 else {
            close(wakeRead)
            close(wakeWrite)
            throw ServerError.cannotStartThread(String(cString: strerror(status)))
        }
    }

    /// Sends the 503 reply to `fd` at once (a new socket's send buffer is empty, so this never blocks), then hands
    /// the socket over to be closed. `fd` belongs to the refuser afterwards.
    func refuse(_ fd: Int32, message: String) {
        let requestID = RequestID.make()
        let response = ErrorResponder.response(
            for: OSSError(.serviceUnavailable, message), requestID: requestID, host: "", isHead: false)
        let bytes = ResponseWriter.serialize(response, requestID: requestID, serverName: "AliyunOSS", dates: dates)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        let accepted = lock.withLock {
            guard !stopping, lingeringCount + incoming.count < Self.maxLingering else { return false }
            incoming.append(fd)
            return true
        }
        guard accepted else {
            close(fd)
            return
        }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Closes every refused socket and ends the thread.
    func stop() {
        lock.withLock { stopping = true }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        close(wakeRead)
        close(wakeWrite)
    }

    private func run() {
        var lingering: [(fd: Int32, until: Int64)] = []
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { scratch.deallocate() }
        while true {
            let now = HTTPDate.monotonicMilliseconds()
            let (arrived, stop) = lock.withLock { () -> ([Int32], Bool) in
                defer { incoming.removeAll() }
                return (incoming, stopping)
            }
            lingering += arrived.map { ($0, now + Self.lingerMilliseconds) }
            if stop {
                for entry in lingering { close(entry.fd) }
                return
            }
            // Close what has gone quiet for long enough.
            lingering.removeAll { entry in
                guard entry.until <= now else { return false }
                close(entry.fd)
                return true
            }
            lock.withLock { lingeringCount = lingering.count }
            var polled = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            polled += lingering.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let timeout = lingering.map { $0.until - now }.min().map { Int32(max(1, $0)) } ?? -1
            guard poll(&polled, nfds_t(polled.count), timeout) >= 0 || errno == EINTR else { return }
            if polled[0].revents != 0 {
                while read(wakeRead, scratch.baseAddress, scratch.count) > 0 {}
            }
            var ended = Set<Int32>()
            for entry in polled.dropFirst() where entry.revents != 0 {
                // Discard what the client sent; the end of its stream (or an error) means it is done. A bounded
                // number of reads, so one client pouring bytes in cannot keep the others waiting.
                for _ in 0..<16 {
                    let count = recv(entry.fd, scratch.baseAddress, scratch.count, Int32(MSG_DONTWAIT))
                    if count > 0 { continue }
                    if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { break }
                    ended.insert(entry.fd)
                    break
                }
            }
            lingering.removeAll { entry in
                guard ended.contains(entry.fd) else { return false }
                close(entry.fd)
                return true
            }
        }
    }
}
