import Foundation

/// Upload ids whose byte order is their creation order: 16 uppercase hex digits of a strictly increasing
/// microsecond clock, then 16 random hex digits. OSS lists one key's uploads in initiation order but compares
/// `upload-id-marker` byte-wise; such ids satisfy both. They start with `0`, as OSS's older ids do.
final class UploadIDGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var last: UInt64 = 0

    func next() -> String {
        lock.lock()
        last = max(UInt64(HTTPDate.nowMicroseconds()), last + 1)
        let stamp = last
        lock.unlock()
        var bytes = RandomBytes.make(16)
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: stamp >> (56 - 8 * UInt64(index))) }
        return Encoding.upperHex(bytes)
    }
}

/// Request ids in OSS's shape: 24 uppercase hex characters.
enum RequestID {
    static func make() -> String {
        Encoding.upperHex(RandomBytes.make(12))
    }
}
