#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a fault rule changes the way a reply goes out on the socket.
enum ReplyFault: Sendable {
    /// A TCP reset (SO_LINGER 0, then close) instead of any byte of the reply.
    case reset
    /// The head as it is (announcing the full Content-Length), then only this many body bytes, then close.
    case truncate(after: Int64)
    /// The body byte at this offset is flipped.
    case corrupt(offset: Int64)
    /// The body at most this fast.
    case throttle(bytesPerSecond: Int)
    /// No reply: wait, without a thread spinning, while `inForce` holds and the client is still there; then close.
    case stall(inForce: @Sendable () -> Bool)
}

/// Writes a reply that a fault rule changes. Object bodies go through memory here rather than `sendfile`, so that
/// a byte can be flipped and the pace kept; this is only ever done for faulted replies and for downloads with an
/// `x-oss-traffic-limit` (which are paced like a `throttle` fault).
struct FaultedReply {
    enum Outcome: Equatable {
        /// Written; the connection goes on as after any reply.
        case written
        /// The connection must be closed now (reset, truncated, stalled).
        case close
    }

    /// How often a stalled reply looks whether its rule is still in force and its client still there.
    static let stallPollMilliseconds: Int32 = 100
    static let chunkSize = 64 << 10
    /// POLLRDHUP (Linux), which Glibc exports only under _GNU_SOURCE: the peer shut its side down.
    private static let peerClosed: Int16 = 0x2000

    let stream: SocketStream
    let serverName: String
    let dates: DateCache

    func write(_ response: HTTPResponse, fault: ReplyFault, requestID: String, omitBody: Bool, keepAlive: Bool) throws
        -> Outcome
    {
        switch fault {
        case .reset:
            Self.resetOnClose(stream.fd)
            return .close
        case .stall(let inForce):
            stall(while: inForce)
            return .close
        case .truncate, .corrupt, .throttle:
            break
        }
        try stream.write(
            ResponseWriter.head(
                of: response, requestID: requestID, serverName: serverName, keepAlive: keepAlive, dates: dates))
        if omitBody { return .written }
        var limit = response.body.length
        var flip: Int64?
        var pacer: Pacer?
        switch fault {
        case .truncate(let after): limit = min(limit, after)
        case .corrupt(let offset): flip = offset
        case .throttle(let bytesPerSecond): pacer = Pacer(bytesPerSecond: bytesPerSecond)
        default: break
        }
        let chunkSize = pacer?.chunkSize ?? Self.chunkSize
        var position: Int64 = 0
        try Self.forEachChunk(of: response.body, size: chunkSize) { chunk in
            let count = Int(min(Int64(chunk.count), limit - position))
            if count <= 0 { return false }
            if let flip, flip >= position, flip < position + Int64(count) { chunk[Int(flip - position)] ^= 0xFF }
            try chunk.withUnsafeBytes { try stream.write(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            position += Int64(count)
            pacer?.sent(count)
            return position < limit
        }
        if case .truncate = fault, position < response.body.length { return .close }
        return .written
    }

    /// Closing after this sends RST instead of FIN: the client sees "connection reset by peer".
    static func resetOnClose(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Blocks one worker (the pool is bounded by `--workers`), polling every 100 ms for the client's close
    /// (POLLRDHUP, or POLLHUP once the server shuts the socket down on stop) and for the rule's removal.
    private func stall(while inForce: () -> Bool) {
        while inForce() {
            var ready = pollfd(fd: stream.fd, events: Self.peerClosed, revents: 0)
            let result = poll(&ready, 1, Self.stallPollMilliseconds)
            if result < 0, errno != EINTR { return }
            if result > 0, ready.revents & (Self.peerClosed | Int16(POLLHUP | POLLERR | POLLNVAL)) != 0 { return }
        }
    }

    /// The body in chunks of at most `size` bytes, read into memory; `body` returns false to stop.
    private static func forEachChunk(of body: ResponseBody, size: Int, _ consume: (inout [UInt8]) throws -> Bool)
        throws
    {
        switch body {
        case .empty:
            return
        case .bytes(let bytes):
            var start = 0
            while start < bytes.count {
                var chunk = Array(bytes[start..<min(bytes.count, start + size)])
                guard try consume(&chunk) else { return }
                start += chunk.count
            }
        case .object(let reader):
            var stop = false
            var chunk = [UInt8](repeating: 0, count: size)
            try reader.forEachChunk { piece in
                let (fd, offset, length): (Int32, Int64, Int64)
                switch piece {
                case .memory(let memory):
                    var start = 0
                    while !stop, start < memory.count {
                        chunk = Array(memory[start..<min(memory.count, start + size)])
                        start += chunk.count
                        stop = try !consume(&chunk)
                    }
                    return
                case .file(let file, let from, let count): (fd, offset, length) = (file, from, count)
                }
                var done: Int64 = 0
                while !stop, done < length {
                    let wanted = Int(min(Int64(size), length - done))
                    if chunk.count != wanted { chunk = [UInt8](repeating: 0, count: wanted) }
                    let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(offset + done)) }
                    guard count > 0 else { throw SocketStream.Failure.system(count < 0 ? errno : EIO) }
                    if count < wanted { chunk.removeLast(wanted - count) }
                    stop = try !consume(&chunk)
                    done += Int64(count)
                }
            }
        }
    }
}

/// Keeps bytes moving at no more than a given rate: after each chunk, sleeps until the bytes sent so far are due.
final class Pacer {
    let bytesPerSecond: Int
    private let started = HTTPDate.monotonicMilliseconds()
    private var total: Int64 = 0

    init(bytesPerSecond: Int) { self.bytesPerSecond = max(1, bytesPerSecond) }

    /// About ten chunks a second, so the pace is even; never more than 64 KiB.
    var chunkSize: Int { max(1, min(64 << 10, bytesPerSecond / 10)) }

    func sent(_ count: Int) {
        total += Int64(count)
        let due = started + total * 1000 / Int64(bytesPerSecond)
        let wait = due - HTTPDate.monotonicMilliseconds()
        if wait > 0 { usleep(useconds_t(min(wait, 60_000) * 1000)) }
    }
}
