import Foundation

/// Upload ids whose byte order is their creation order: 16 uppercase hex digits of a strictly increasing
/// microsecond stamp, then 16 hex digits of a random sequence. OSS lists one key's uploads in initiation order but
/// compares `upload-id-marker` byte-wise; such ids satisfy both. They start with `0`, as OSS's older ids do. The
/// stamp comes from the server clock but never goes back: set back or frozen, the clock still yields later ids.
final class UploadIDGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var last: UInt64 = 0
    private let nowMicroseconds: @Sendable () -> Int64
    private let random: SplitMixSequence

    /// `after`: the greatest upload id in progress, if any. New ids follow it, so they stay in initiation order
    /// across a restart even if the clock was set back before it (and a seeded sequence cannot repeat an id).
    init(
        nowMicroseconds: @escaping @Sendable () -> Int64 = ServerClock.systemMicroseconds,
        random: SplitMixSequence = SplitMixSequence(), after latest: String? = nil
    ) {
        self.nowMicroseconds = nowMicroseconds
        self.random = random
        if let latest, latest.utf8.count >= 16, let stamp = UInt64(latest.prefix(16), radix: 16) { last = stamp }
    }

    func next() -> String {
        lock.lock()
        last = max(UInt64(max(nowMicroseconds(), 0)), last + 1)
        let stamp = last
        // Drawn under the lock: with a seeded sequence, the n-th id always gets the n-th draw.
        var bytes = random.bytes(16)
        lock.unlock()
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: stamp >> (56 - 8 * UInt64(index))) }
        return Encoding.upperHex(bytes)
    }
}

/// Request ids in OSS's shape (24 uppercase hex characters) for replies made outside a server's pipeline.
enum RequestID {
    static func make() -> String {
        Encoding.upperHex(RandomBytes.make(12))
    }
}
