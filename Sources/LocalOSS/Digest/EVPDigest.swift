import COpenSSL

/// A streaming hash over OpenSSL's EVP interface; one type serves MD5 (ETags, Content-MD5) and SHA-256 (signatures).
final class EVPDigest {
    enum Algorithm {
        case md5
        case sha256

        fileprivate var evp: OpaquePointer? {
            switch self {
            case .md5: EVP_md5()
            case .sha256: EVP_sha256()
            }
        }
    }

    private let context: OpaquePointer

    init(_ algorithm: Algorithm) {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        self.context = context
        EVP_DigestInit_ex(context, algorithm.evp, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
    }

    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return Array(output.prefix(Int(length)))
    }

    static func hash(_ algorithm: Algorithm, _ bytes: [UInt8]) -> [UInt8] {
        let digest = EVPDigest(algorithm)
        digest.update(bytes)
        return digest.finalize()
    }
}

/// HMAC in one call, for request signatures.
enum HMAC {
    static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] { compute(EVP_sha1(), key: key, message: message) }
    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] { compute(EVP_sha256(), key: key, message: message) }

    private static func compute(_ md: OpaquePointer?, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = COpenSSL.HMAC(md, key, Int32(key.count), message, message.count, &output, &length)
        return Array(output.prefix(Int(length)))
    }
}
