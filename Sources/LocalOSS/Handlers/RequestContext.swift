/// One request as handlers see it: head, decoded query, streaming body, and its id.
struct RequestContext {
    let head: HTTPRequestHead
    let query: QueryParameters
    let body: RequestBody
    let requestID: String
    /// The body's SHA-256 as signed by a V4 request, verified while the body streams.
    var expectedSHA256: [UInt8]?
    /// The access key that signed the request, once verified; nil for an anonymous caller (the access log).
    var accessKeyID: String?
    /// Who sent it, once authenticated.
    var caller = Caller.owner
    /// Whether Block Public Access is on for the bucket (or, for nil, the account): set by `Service`.
    var publicAccessBlocked: (String?) throws -> Bool = { _ in false }
    /// The configuration documents of the bucket the request names, read once by `Service` when it exists.
    var configurations: BucketConfigurations?

    var headers: HTTPHeaders { head.headers }

    /// The same request without its query parameters: a website's internal rewrite that does not pass them on.
    func withoutQuery() -> RequestContext {
        // Everything but the query: who is asking stays who is asking.
        var context = RequestContext(head: head, query: QueryParameters(raw: nil), body: body, requestID: requestID)
        context.expectedSHA256 = expectedSHA256
        context.accessKeyID = accessKeyID
        context.caller = caller
        context.publicAccessBlocked = publicAccessBlocked
        context.configurations = configurations
        return context
    }
    var host: String { head.headers["Host"] ?? "127.0.0.1" }

    /// The decoded `Content-Md5` header; malformed is `InvalidDigest` like a mismatch.
    func expectedMD5() throws(OSSError) -> [UInt8]? {
        guard let header = headers["Content-MD5"] else { return nil }
        guard let bytes = Encoding.base64Decode(header.trimmingCharacters(in: " ").description), bytes.count == 16
        else {
            throw OSSError.invalidDigest
        }
        return bytes
    }

    func expectedDigests() throws(OSSError) -> ExpectedDigests {
        ExpectedDigests(md5: try expectedMD5(), sha256: expectedSHA256)
    }

    /// Reads a small body (an XML document) and verifies its Content-MD5 if one was sent.
    func smallBody(limit: Int) throws -> [UInt8] {
        let bytes = try body.readAll(limit: limit)
        if let expected = try expectedMD5(), expected != EVPDigest.hash(.md5, bytes) { throw OSSError.invalidDigest }
        if let expected = expectedSHA256, expected != EVPDigest.hash(.sha256, bytes) {
            throw OSSError.payloadHashMismatch
        }
        return bytes
    }

    func bool(_ header: String) -> Bool { headers[header]?.lowercased() == "true" }

    /// `x-oss-forbid-overwrite`: `true` or `false` only; anything else is refused (EC 0017-00000279; OSS's code is
    /// not documented, InvalidArgument as for other bad header values).
    func forbidOverwrite() throws(OSSError) -> Bool {
        guard let value = headers["x-oss-forbid-overwrite"] else { return false }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw OSSError(
                .invalidArgument, "x-oss-forbid-overwrite must be true or false.",
                details: [("ArgumentName", "x-oss-forbid-overwrite"), ("ArgumentValue", value)], ec: "0017-00000279")
        }
    }

    /// `max-keys`-style parameters: absent or empty → `defaultValue`, above `maximum` → `maximum`,
    /// anything but a positive integer → InvalidArgument.
    func limit(_ name: String, defaultValue: Int, maximum: Int) throws(OSSError) -> Int {
        guard let text = query.nonEmpty(name) else { return defaultValue }
        guard let value = Int(text), value >= 1 else {
            throw OSSError.invalidArgument(
                "Argument \(name) must be an integer between 1 and \(maximum).", name: name, value: text)
        }
        return min(value, maximum)
    }

    /// Keys in listings: percent-encoded when the client asked for `encoding-type=url`.
    func listedKey(_ key: String) -> String { query.wantsURLEncoding ? Encoding.urlEncode(key) : key }
}
