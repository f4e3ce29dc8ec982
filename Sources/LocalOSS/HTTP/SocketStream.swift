#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered, blocking reads and writes on one connected socket, through its `ByteTransport` (plain or TLS).
/// Timeouts come from SO_RCVTIMEO/SO_SNDTIMEO.
final class SocketStream {
    enum Failure: Error, Equatable {
        /// The peer closed the connection.
        case closed
        /// No bytes arrived within the socket's receive timeout, or the read deadline passed.
        case timedOut
        /// Nothing is waiting to be read, and the stream was asked not to wait (`withoutWaiting`).
        case wouldBlock
        case system(Int32)
    }

    let fd: Int32
    private let transport: ByteTransport
    private let bufferSize: Int
    /// Allocated when first needed and released while the connection is parked with nothing buffered.
    private var buffer: UnsafeMutableRawBufferPointer?
    private var storage: UnsafeMutableRawBufferPointer {
        if let buffer { return buffer }
        let allocated = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        buffer = allocated
        return allocated
    }
    private var start = 0
    private var end = 0

    /// The receive timeout the socket was configured with (SO_RCVTIMEO), in milliseconds.
    private let idleTimeoutMilliseconds: Int64
    private var currentTimeoutMilliseconds: Int64
    /// When set (a monotonic time in milliseconds), reads fail with `timedOut` once it has passed, however steadily
    /// bytes trickle in: the idle timeout alone would let a client hold a request open forever.
    var readDeadline: Int64? {
        didSet { if readDeadline == nil { setReceiveTimeout(idleTimeoutMilliseconds) } }
    }
    private var waits = true

    init(fd: Int32, bufferSize: Int, idleTimeout: Int, transport: ByteTransport? = nil) {
        self.fd = fd
        self.transport = transport ?? PlainTransport(fd: fd)
        self.bufferSize = bufferSize
        idleTimeoutMilliseconds = Int64(idleTimeout) * 1000
        currentTimeoutMilliseconds = idleTimeoutMilliseconds
    }

    deinit { buffer?.deallocate() }

    /// Looks for a complete request head in what has arrived, reading from the socket without waiting. Returns nil
    /// when the head is not all here yet (see `hasBufferedBytes` for whether part of it is); throws `closed` when
    /// the peer closed or reset the connection, and the parser's failure for a head that is too large or malformed.
    func readHeadIfArrived(limits: HTTPRequestParser.Limits) throws -> HTTPRequestHead? {
        var scanned = 0
        while true {
            let window = UnsafeRawBufferPointer(rebasing: storage[start..<end])
            // Resume the search a little before where the last one ended: the CRLFCRLF may straddle two reads.
            let from = max(0, scanned - 3)
            if let headEnd = HTTPRequestParser.headEnd(in: UnsafeRawBufferPointer(rebasing: window[from...])) {
                let length = from + headEnd
                let head = try HTTPRequestParser.parse(
                    UnsafeRawBufferPointer(rebasing: window[..<length]), limits: limits)
                start += length
                return head
            }
            scanned = window.count
            if window.count >= limits.maxHeadBytes { throw HTTPRequestParser.Failure.headTooLarge }
            compactIfNeeded()
            let received: Int
            do {
                received = try withoutWaiting {
                    try receive(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
                }
            } catch Failure.wouldBlock {
                return nil
            }
            if received == 0 { throw Failure.closed }
            end += received
        }
    }

    /// Waits until input (or the peer's close) is there, or `milliseconds` have passed; buffered bytes count.
    func waitForInput(milliseconds: Int32) {
        guard end == start, !transport.hasPendingInput else { return }
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&ready, 1, milliseconds)
    }

    /// Gives the read buffer back while nothing is in it, so a parked idle connection costs no buffer.
    func releaseBufferIfEmpty() {
        guard start == end, let buffer else { return }
        buffer.deallocate()
        self.buffer = nil
        start = 0
        end = 0
    }

    /// Bytes received but not consumed yet (a pipelined request, or the rest of an unread body).
    var hasBufferedBytes: Bool { end > start }

    /// Runs `body` with reads that fail with `wouldBlock` instead of waiting for bytes that have not arrived.
    func withoutWaiting<T>(_ body: () throws -> T) rethrows -> T {
        waits = false
        defer { waits = true }
        return try body()
    }

    /// One CRLF-terminated line (without the CRLF), for chunked framing.
    func readLine(maxLength: Int) throws -> Substring {
        while true {
            let window = UnsafeRawBufferPointer(rebasing: storage[start..<end])
            if let lf = window.firstIndex(of: 10) {
                var lineEnd = lf
                if lineEnd > 0, window[lineEnd - 1] == 13 { lineEnd -= 1 }
                let line = String(decoding: UnsafeRawBufferPointer(rebasing: window[..<lineEnd]), as: UTF8.self)
                start += lf + 1
                return Substring(line)
            }
            if window.count >= maxLength { throw HTTPRequestParser.Failure.malformed("line too long") }
            compactIfNeeded()
            let received = try receive(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
            if received == 0 { throw Failure.closed }
            end += received
        }
    }

    /// Reads up to `destination.count` bytes: buffered bytes first, then straight from the socket. 0 means EOF.
    func readSome(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !destination.isEmpty else { return 0 }
        if end > start {
            let count = min(end - start, destination.count)
            destination.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: count)
            start += count
            return count
        }
        return try receive(into: destination)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            offset += try transport.send(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
    }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Sends `length` bytes of an open file from `offset` (without copying them through user space, in the clear).
    func sendFile(_ file: Int32, offset: Int64, length: Int64) throws {
        var position = off_t(offset)
        var remaining = length
        while remaining > 0 {
            let sent = try transport.sendFile(file, offset: &position, count: Int(min(remaining, 1 << 30)))
            if sent == 0 { throw Failure.closed }
            remaining -= Int64(sent)
        }
    }

    private func setReceiveTimeout(_ milliseconds: Int64) {
        guard milliseconds != currentTimeoutMilliseconds else { return }
        var timeout = timeval(tv_sec: Int(milliseconds / 1000), tv_usec: Int((milliseconds % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        currentTimeoutMilliseconds = milliseconds
    }

    private func compactIfNeeded() {
        let buffer = storage
        if start == end {
            start = 0
            end = 0
        } else if end == buffer.count || start > buffer.count / 2 {
            let count = end - start
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: count)
            start = 0
            end = count
        }
    }

    private func receive(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !destination.isEmpty else { throw HTTPRequestParser.Failure.headTooLarge }
        if let readDeadline {
            let left = readDeadline - HTTPDate.monotonicMilliseconds()
            guard left > 0 else { throw Failure.timedOut }
            setReceiveTimeout(min(left, idleTimeoutMilliseconds))
        }
        return try transport.receive(into: destination, waiting: waits)
    }
}
