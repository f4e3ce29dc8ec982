import COpenSSL

/// Signature comparison whose time does not depend on where the strings first differ, so a client cannot find a
/// valid signature byte by byte from response times. Only the length may show.
enum ConstantTime {
    static func equal(_ provided: String, _ expected: String) -> Bool {
        let a = Array(provided.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }
}
