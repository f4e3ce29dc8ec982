import Foundation

/// Bytes for blob names and request ids: SplitMix64 over a counter seeded once from the system generator.
/// `UInt8.random(in:)` asked the kernel once per byte, 28 `getrandom` calls per PutObject; these names need to be
/// unique, not secret. SplitMix64 is a bijection of its counter, so no two draws in one process repeat, and the
/// random seed keeps runs apart (blob files are also created with `O_EXCL`).
enum RandomBytes {
    private static let state: Counter = {
        var system = SystemRandomNumberGenerator()
        return Counter(system.next())
    }()

    static func make(_ count: Int) -> [UInt8] {
        let words = (count + 7) / 8
        let first: UInt64 = state.advance(by: UInt64(words))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words * 8)
        for index in 0..<words {
            let step: UInt64 = UInt64(index) &* golden
            var value: UInt64 = mix(first &+ step)
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    private static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    private static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The counter, behind a lock: each draw takes the next `count` steps.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var counter: UInt64

        init(_ seed: UInt64) { counter = seed }

        func advance(by words: UInt64) -> UInt64 {
            lock.lock()
            defer { lock.unlock() }
            let first = counter &+ golden
            counter = counter &+ words &* golden
            return first
        }
    }
}
