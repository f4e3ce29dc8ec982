/// OSS signature version 4 (`OSS4-HMAC-SHA256`), in the Authorization header or in presigned query parameters.
enum SignatureV4 {
    static let algorithm = "OSS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    struct Scope {
        let accessKeyID: String
        let date: String
        let region: String
        let product: String

        /// `<id>/<yyyymmdd>/<region>/<product>/aliyun_v4_request`
        init?(credential: String) {
            let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[4] == "aliyun_v4_request", parts[1].count == 8, !parts[0].isEmpty else {
                return nil
            }
            accessKeyID = String(parts[0])
            date = String(parts[1])
            region = String(parts[2])
            product = String(parts[3])
        }

        var text: String { "\(date)/\(region)/\(product)/aliyun_v4_request" }
    }

    /// The canonical request: verb, URI, query, headers, additional header names, payload hash.
    static func canonicalRequest(
        _ request: SignedRequest, additionalHeaders: [String], payloadHash: String, excludingQuery: String?
    ) -> String {
        var uri = "/"
        if let bucket = request.bucket {
            uri += bucket + "/"
            if let key = request.key { uri += Encoding.urlEncode(key, keepSlash: true) }
        }
        let query = request.query.pairs.filter { $0.name != excludingQuery }
            .map { (name: Encoding.urlEncode($0.name), value: Encoding.urlEncode($0.value)) }
            .sorted { ($0.name, $0.value) < ($1.name, $1.value) }
            .map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }
            .joined(separator: "&")
        let additional = Set(additionalHeaders)
        let headers = request.canonicalHeaders { name in
            name.hasPrefix("x-oss-") || name == "content-type" || name == "content-md5" || additional.contains(name)
        }
        var text = request.method + "\n" + uri + "\n" + query + "\n"
        for header in headers { text += "\(header.name):\(header.value)\n" }
        text += "\n" + additionalHeaders.joined(separator: ";") + "\n" + payloadHash
        return text
    }

    static func stringToSign(canonicalRequest: String, timestamp: String, scope: Scope) -> String {
        let hash = Encoding.lowerHex(EVPDigest.hash(.sha256, Array(canonicalRequest.utf8)))
        return "\(algorithm)\n\(timestamp)\n\(scope.text)\n\(hash)"
    }

    static func signature(_ stringToSign: String, secret: String, scope: Scope) -> String {
        var key = HMAC.sha256(key: Array("aliyun_v4\(secret)".utf8), message: Array(scope.date.utf8))
        for part in [scope.region, scope.product, "aliyun_v4_request"] {
            key = HMAC.sha256(key: key, message: Array(part.utf8))
        }
        return Encoding.lowerHex(HMAC.sha256(key: key, message: Array(stringToSign.utf8)))
    }

    /// `Credential=…,AdditionalHeaders=…,Signature=…`, separated by `,` or `, `, in any order.
    static func parseAuthorization(_ value: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for item in value.split(separator: ",") {
            let trimmed = item.trimmingSpaces()
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            fields[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        return fields
    }
}
