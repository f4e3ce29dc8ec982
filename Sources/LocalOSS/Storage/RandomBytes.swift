import Foundation

/// Bytes for blob names and ids: SplitMix64 over a counter. `UInt8.random(in:)` asked the kernel once per byte,
/// 28 `getrandom` calls per PutObject; these names need to be unique, not secret. SplitMix64 is a bijection of its
/// counter, so no two draws of one sequence repeat; a sequence seeded from the system generator keeps runs apart
/// (blob files are also created with `O_EXCL`), one seeded by `--deterministic` repeats a run exactly.
final class SplitMixSequence: @unchecked Sendable {
    private let lock = NSLock()
    private var counter: UInt64

    init(seed: UInt64) { counter = seed }

    /// Seeded from the system generator.
    convenience init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    func bytes(_ count: Int) -> [UInt8] {
        let words = (count + 7) / 8
        let first = advance(by: UInt64(words))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words * 8)
        for index in 0..<words {
            let step: UInt64 = UInt64(index) &* Self.golden
            var value: UInt64 = Self.mix(first &+ step)
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Each draw takes the next `words` steps of the counter.
    private func advance(by words: UInt64) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let first = counter &+ Self.golden
        counter = counter &+ words &* Self.golden
        return first
    }

    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The process-wide random sequence, for names that never reach a response (blob files) and replies made outside
/// any server's request pipeline.
enum RandomBytes {
    private static let shared = SplitMixSequence()

    static func make(_ count: Int) -> [UInt8] { shared.bytes(count) }
}

/// Where a server's request ids and the random half of its upload ids come from: two independent sequences, so
/// the one does not shift the other when requests interleave differently. Seeded, they repeat a run byte for byte.
struct Identifiers: Sendable {
    let requests: SplitMixSequence
    let uploads: SplitMixSequence
    /// The random half of version ids.
    let versions: SplitMixSequence

    /// From the system generator.
    init() {
        requests = SplitMixSequence()
        uploads = SplitMixSequence()
        versions = SplitMixSequence()
    }

    /// From `--deterministic SEED`: any text, hashed (FNV-1a) into the sequences' seeds.
    init(seed: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in seed.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        requests = SplitMixSequence(seed: SplitMixSequence.mix(hash ^ 1))
        uploads = SplitMixSequence(seed: SplitMixSequence.mix(hash ^ 2))
        versions = SplitMixSequence(seed: SplitMixSequence.mix(hash ^ 3))
    }

    /// OSS's shape: 24 uppercase hex characters.
    func requestID() -> String { Encoding.upperHex(requests.bytes(12)) }
}
