import CISAL

/// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones), the value OSS sends as
/// `x-oss-hash-crc64ecma`. ISA-L computes it at memory speed; `combine` joins the CRCs of parts without their bytes.
struct CRC64: Sendable, Equatable {
    private(set) var value: UInt64 = 0

    init(value: UInt64 = 0) { self.value = value }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        value = crc64_ecma_refl(value, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var crc = CRC64()
        bytes.withUnsafeBytes { crc.update($0) }
        return crc.value
    }

    /// The reflected CRC-64/XZ polynomial.
    private static let polynomial: UInt64 = 0xC96C_5795_D787_0F42

    /// CRC of A‖B from crc(A), crc(B) and len(B), without the bytes: crc(A) is multiplied by x^(8·len(B)) modulo the
    /// polynomial (zlib's crc32_combine method, widened to 64 bits). O(log len) carry-less multiplications.
    static func combine(_ first: UInt64, _ second: UInt64, secondLength: UInt64) -> UInt64 {
        guard secondLength > 0 else { return first }
        return Shift(length: secondLength).combine(first, second)
    }

    /// The operator that appends `length` bytes' worth of zeros to a CRC: computed once, it combines in one
    /// multiplication, so joining many parts of the same size costs the same per part whatever that size is.
    struct Shift {
        let operand: UInt64

        init(length: UInt64) { operand = CRC64.xPowerOf2NTimes(length, k: 3) }

        func combine(_ first: UInt64, _ second: UInt64) -> UInt64 { CRC64.multiplyModP(operand, first) ^ second }
    }

    /// a(x)·b(x) modulo the polynomial, in reflected bit order (bit 63 is x⁰).
    private static func multiplyModP(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var a = a
        var b = b
        var product: UInt64 = 0
        while a != 0 {
            if a & (1 << 63) != 0 { product ^= b }
            a <<= 1
            b = b & 1 != 0 ? (b >> 1) ^ polynomial : b >> 1
        }
        return product
    }

    /// x^(2^k) modulo the polynomial for k = 0..<64.
    private static let xPowersOf2: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 64)
        var power: UInt64 = 1 << 62  // x¹
        for k in 0..<64 {
            table[k] = power
            power = multiplyModP(power, power)
        }
        return table
    }()

    /// x^(n·2^k) modulo the polynomial.
    private static func xPowerOf2NTimes(_ n: UInt64, k: Int) -> UInt64 {
        var result: UInt64 = 1 << 63  // x⁰
        var n = n
        var k = k
        while n != 0 {
            if n & 1 != 0 { result = multiplyModP(xPowersOf2[k & 63], result) }
            n >>= 1
            k += 1
        }
        return result
    }
}
