/// Everything a body is hashed for, fed in one pass as the bytes stream from the socket to disk.
final class BodyDigests {
    private let md5 = EVPDigest(.md5)
    private let sha256: EVPDigest?
    private(set) var crc64 = CRC64()
    private(set) var length: UInt64 = 0

    init(includeSHA256: Bool = false) {
        sha256 = includeSHA256 ? EVPDigest(.sha256) : nil
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        md5.update(bytes)
        sha256?.update(bytes)
        crc64.update(bytes)
        length += UInt64(bytes.count)
    }

    /// Finishes the hashes; call once, after the last byte.
    func finish() -> BodySummary {
        BodySummary(md5: md5.finalize(), sha256: sha256?.finalize(), crc64: crc64.value, length: length)
    }
}

struct BodySummary: Sendable {
    let md5: [UInt8]
    let sha256: [UInt8]?
    let crc64: UInt64
    let length: UInt64

    /// A single-part ETag: the quoted uppercase MD5.
    var etag: String { "\"\(Encoding.upperHex(md5))\"" }
    var contentMD5: String { Encoding.base64(md5) }
}
