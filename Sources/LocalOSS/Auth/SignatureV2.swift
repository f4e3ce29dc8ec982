/// OSS signature version 2 (`OSS2`, oss2 `AuthV2`): base64 HMAC-SHA256 over a V1-like string that also signs every
/// query parameter and the listed additional headers.
///
/// Header: `Authorization: OSS2 AccessKeyId:<id>[,AdditionalHeaders:<h1;h2>],Signature:<base64>`.
/// Presigned: `x-oss-signature-version=OSS2`, `x-oss-access-key-id`, `x-oss-expires` (Unix time),
/// `[x-oss-additional-headers]`, `x-oss-signature`; the expiry takes the Date line.
enum SignatureV2 {
    static let version = "OSS2"

    /// `VERB\nContent-MD5\nContent-Type\nDate\n` + `x-oss-*` and additional headers + the additional header names
    /// joined by `;` + `\n` + the canonical resource.
    static func stringToSign(
        _ request: SignedRequest, date: String, additionalHeaders: [String], excludingQuery: String?
    ) -> String {
        var text = request.method + "\n"
        text += (request.headers["Content-MD5"] ?? "") + "\n"
        text += (request.headers["Content-Type"] ?? "") + "\n"
        text += date + "\n"
        let listed = Set(additionalHeaders)
        for header in request.canonicalHeaders({ $0.hasPrefix("x-oss-") || listed.contains($0) }) {
            text += "\(header.name):\(header.value)\n"
        }
        text += additionalHeaders.joined(separator: ";") + "\n"
        text += canonicalResource(request, excludingQuery: excludingQuery)
        return text
    }

    /// The path `/bucket/key` percent-encoded whole (`/` too), then `?` and every query parameter, names and values
    /// percent-encoded, sorted by encoded name, `name` alone when the value is empty.
    static func canonicalResource(_ request: SignedRequest, excludingQuery: String?) -> String {
        var path = "/"
        if let bucket = request.bucket {
            path += bucket + "/"
            if let key = request.key { path += key }
        }
        var resource = Encoding.urlEncode(path)
        let query = request.query.pairs.filter { $0.name != excludingQuery }
            .map { (name: Encoding.urlEncode($0.name), value: Encoding.urlEncode($0.value)) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }
        if !query.isEmpty { resource += "?" + query.joined(separator: "&") }
        return resource
    }

    static func signature(_ stringToSign: String, secret: String) -> String {
        Encoding.base64(HMAC.sha256(key: Array(secret.utf8), message: Array(stringToSign.utf8)))
    }

    /// `AccessKeyId:…,AdditionalHeaders:…,Signature:…`: comma-separated `name:value` fields in any order.
    static func parseAuthorization(_ value: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for item in value.split(separator: ",") {
            let trimmed = item.trimmingSpaces()
            guard let colon = trimmed.firstIndex(of: ":") else { continue }
            fields[String(trimmed[..<colon])] = String(trimmed[trimmed.index(after: colon)...])
        }
        return fields
    }

    /// The names a request lists as additional headers, lower-cased and sorted as the signer sorts them.
    static func additionalHeaders(_ list: String?) -> [String] {
        guard let list else { return [] }
        return list.split(separator: ";").map { $0.trimmingSpaces().lowercased() }.filter { !$0.isEmpty }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
