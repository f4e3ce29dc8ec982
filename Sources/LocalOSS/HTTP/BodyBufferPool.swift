import Foundation

/// Body buffers lent to one request at a time: taken when a request's body is read, given back when it is answered.
/// Only workers borrow, so at most one buffer per worker is out; a few are kept for the next requests and the rest
/// freed, so connections that uploaded once hold no memory afterwards. `@unchecked Sendable`: `spare` is behind
/// `lock`.
final class BodyBufferPool: @unchecked Sendable {
    /// Bytes in each of the two halves `RequestBody` reads into (one is filled while the other is consumed).
    let halfSize: Int
    /// Buffers kept for reuse once returned; more than this are freed.
    let maxSpare: Int
    private let lock = NSLock()
    private var spare: [UnsafeMutableRawBufferPointer] = []

    init(halfSize: Int, maxSpare: Int) {
        self.halfSize = halfSize
        self.maxSpare = maxSpare
    }

    deinit { for buffer in spare { buffer.deallocate() } }

    func borrow() -> UnsafeMutableRawBufferPointer {
        lock.withLock { spare.popLast() } ?? .allocate(byteCount: 2 * halfSize, alignment: 64)
    }

    func giveBack(_ buffer: UnsafeMutableRawBufferPointer) {
        let kept = lock.withLock {
            guard spare.count < maxSpare else { return false }
            spare.append(buffer)
            return true
        }
        if !kept { buffer.deallocate() }
    }

    /// The two halves of a borrowed buffer, as `RequestBody` takes them.
    func halves(of buffer: UnsafeMutableRawBufferPointer) -> (
        UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer
    ) {
        (
            UnsafeMutableRawBufferPointer(rebasing: buffer[..<halfSize]),
            UnsafeMutableRawBufferPointer(rebasing: buffer[halfSize...])
        )
    }

    var spareCount: Int { lock.withLock { spare.count } }
}

/// One request's claim on a pool buffer: borrowed on first use, given back by `end()`.
final class BodyBufferLease {
    private let pool: BodyBufferPool
    private var buffer: UnsafeMutableRawBufferPointer?

    init(pool: BodyBufferPool) { self.pool = pool }

    var halves: (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer) {
        let buffer = self.buffer ?? pool.borrow()
        self.buffer = buffer
        return pool.halves(of: buffer)
    }

    var isBorrowed: Bool { buffer != nil }

    func end() {
        if let buffer { pool.giveBack(buffer) }
        buffer = nil
    }
}
