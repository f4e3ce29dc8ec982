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

    /// CRC of A‖B from crc(A), crc(B) and len(B): zlib's crc32_combine carried over to 64 bits.
    static func combine(_ first: UInt64, _ second: UInt64, secondLength: UInt64) -> UInt64 {
        guard secondLength > 0 else { return first }
        var odd = [UInt64](repeating: 0, count: 64)
        odd[0] = 0xC96C_5795_D787_0F42
        var row: UInt64 = 1
        for n in 1..<64 {
            odd[n] = row
            row <<= 1
        }
        var even = square(odd)
        odd = square(even)
        var crc = first
        var length = secondLength
        while true {
            even = square(odd)
            if length & 1 != 0 { crc = times(even, crc) }
            length >>= 1
            if length == 0 { break }
            odd = square(even)
            if length & 1 != 0 { crc = times(odd, crc) }
            length >>= 1
            if length == 0 { break }
        }
        return crc ^ second
    }

    private static func times(_ matrix: [UInt64], _ vector: UInt64) -> UInt64 {
        var sum: UInt64 = 0
        var vector = vector
        var index = 0
        while vector != 0 {
            if vector & 1 != 0 { sum ^= matrix[index] }
            vector >>= 1
            index += 1
        }
        return sum
    }

    private static func square(_ matrix: [UInt64]) -> [UInt64] { matrix.map { times(matrix, $0) } }
}
