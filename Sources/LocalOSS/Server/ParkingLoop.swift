import CEpoll
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One thread and one epoll set for every socket that is waiting for input: the listener, new connections, and
/// keep-alive connections between requests (or with a request head half in). A socket with input is handed to
/// `onReadable` (the worker pool) and is disarmed until it is parked again (EPOLLONESHOT), so exactly one thread
/// owns a connection at any time. Parked connections whose deadline passes are closed here. The loop itself never
/// blocks on a client: it accepts without waiting and does no reads or writes.
///
/// `@unchecked Sendable`: `parked`, `nextSweep` and `stopping` are behind `lock`; the rest is set up before the
/// thread starts.
final class ParkingLoop: @unchecked Sendable {
    /// Deadlines are checked at least this often, and the list of parked sockets walked at most this often.
    static let sweepMilliseconds: Int64 = 100

    private let epoll: Int32
    private let listener: Int32
    private let wake: (read: Int32, write: Int32)
    private let lock = NSLock()
    private var parked: [Int32: (connection: Connection, deadline: Int64)] = [:]
    private var nextSweep = Int64.max
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// A new client socket was accepted; the callee parks it, refuses it, or closes it.
    private let onAccept: (Int32) -> Void
    /// A parked connection has input; the callee now owns it.
    private let onReadable: (Connection) -> Void
    /// A parked connection was closed here (deadline passed, or the loop stopped), after its socket was closed.
    private let onClosed: (Connection) -> Void

    init(
        listener: Int32, onAccept: @escaping (Int32) -> Void, onReadable: @escaping (Connection) -> Void,
        onClosed: @escaping (Connection) -> Void
    ) throws(SocketCallFailure) {
        self.listener = listener
        self.onAccept = onAccept
        self.onReadable = onReadable
        self.onClosed = onClosed
        epoll = try SocketCalls.epollCreate()
        do {
            wake = try SocketCalls.makePipe()
        } catch {
            close(epoll)
            throw error
        }
        do {
            try SocketCalls.setNonBlocking(listener)
            try SocketCalls.watch(epoll, listener)
            try SocketCalls.watch(epoll, wake.read)
        } catch {
            closeDescriptors()
            throw error
        }
    }

    /// Starts the loop's thread.
    func start(with startThread: DetachedThread.Starter) throws {
        let status = startThread(512 << 10) { [self] in
            run()
            finished.signal()
        }
        guard status == 0 else {
            closeDescriptors()
            throw ServerError.cannotStartThread(String(cString: strerror(status)))
        }
    }

    /// Waits for input on `connection` until `deadline`; the loop owns it from now on. Once stopping (or if it
    /// cannot be watched), the connection is closed instead.
    func park(_ connection: Connection, until deadline: Int64) {
        // Armed under the lock: once armed, the loop may hand the connection to another worker at once, and a sweep
        // must not close it between being listed and being armed.
        let parkedNow = lock.withLock { () -> Bool in
            guard !stopping else { return false }
            let adding = !connection.isWatched
            connection.isWatched = true
            parked[connection.fd] = (connection, deadline)
            do {
                try SocketCalls.watchOnce(epoll, connection.fd, adding: adding)
            } catch {
                // Only if the epoll set cannot grow (out of memory): the connection cannot be watched, so it ends.
                parked.removeValue(forKey: connection.fd)
                return false
            }
            nextSweep = min(nextSweep, deadline)
            return true
        }
        if !parkedNow { closeParked(connection) }
    }

    /// Parked connections, for tests and logs.
    var parkedCount: Int { lock.withLock { parked.count } }

    /// Ends the loop and closes every parked connection.
    func stop() {
        lock.withLock { stopping = true }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        finished.wait()
        let remaining = lock.withLock { () -> [Connection] in
            defer { parked.removeAll() }
            return parked.values.map(\.connection)
        }
        for connection in remaining { closeParked(connection) }
        closeDescriptors()
    }

    private func run() {
        let events = UnsafeMutableBufferPointer<epoll_event>.allocate(capacity: 256)
        defer { events.deallocate() }
        while true {
            let now = HTTPDate.monotonicMilliseconds()
            let timeout = lock.withLock { Int32(clamping: max(0, min(nextSweep - now, Self.sweepMilliseconds))) }
            let ready: [Int32]
            do {
                ready = try SocketCalls.wait(epoll, events: events, timeout: timeout)
            } catch {
                // Cannot happen with a valid epoll set and buffer; waiting again at once would spin.
                usleep(10_000)
                continue
            }
            for fd in ready {
                if fd == wake.read {
                    var scratch = [UInt8](repeating: 0, count: 64)
                    while read(wake.read, &scratch, scratch.count) > 0 {}
                } else if fd == listener {
                    acceptWaiting()
                } else if let connection = lock.withLock({ parked.removeValue(forKey: fd)?.connection }) {
                    onReadable(connection)
                }
            }
            if lock.withLock({ stopping }) { return }
            closeExpired(now: HTTPDate.monotonicMilliseconds())
        }
    }

    /// Accepts what is waiting, a bounded number at a time so parked sockets with input are not kept waiting.
    private func acceptWaiting() {
        for _ in 0..<64 {
            switch try? SocketCalls.acceptConnection(listener) {
            case .connection(let fd): onAccept(fd)
            case .outOfDescriptors:
                // Let the backlog wait; the next sweep interval retries instead of spinning on the listener.
                usleep(50_000)
                return
            case .nothingWaiting, nil: return
            }
        }
    }

    private func closeExpired(now: Int64) {
        let expired = lock.withLock { () -> [Connection] in
            guard now >= nextSweep else { return [] }
            var expired: [Connection] = []
            var earliest = Int64.max
            for entry in parked.values {
                if entry.deadline <= now {
                    expired.append(entry.connection)
                } else {
                    earliest = min(earliest, entry.deadline)
                }
            }
            for connection in expired { parked.removeValue(forKey: connection.fd) }
            nextSweep = earliest == .max ? .max : max(earliest, now + Self.sweepMilliseconds)
            return expired
        }
        for connection in expired { closeParked(connection) }
    }

    /// Closing the socket also takes it out of the epoll set: no other descriptor refers to it.
    private func closeParked(_ connection: Connection) {
        close(connection.fd)
        onClosed(connection)
    }

    private func closeDescriptors() {
        close(epoll)
        close(wake.read)
        close(wake.write)
    }
}
