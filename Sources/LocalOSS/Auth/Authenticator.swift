/// Decides who sent a request: verifies V1, V2 or V4 signatures (header or presigned URL) before any body is read.
/// A failure is an `OSSError` carrying what the server signed, so a user can diff it with the client's. Signatures
/// are compared in constant time.
struct Authenticator: Sendable {
    /// What a verified request still owes: the SHA-256 of its body, when V4 signed one.
    struct Verdict {
        var accessKeyID: String?
        var payloadSHA256: [UInt8]?
        /// No signature at all: what the caller may do is then decided by ACLs (`AnonymousAccess`).
        var isAnonymous = false
    }

    /// The longest a V4 presigned URL may live (OSS: 7 days).
    static let maxPresignedLifetime: Int64 = 7 * 24 * 3600

    let credentials: Credentials
    let enabled: Bool
    /// Allowed distance between the request's time and the server's clock, in seconds.
    let maxSkew: Int64
    /// V4 credential scopes must name this region, as OSS refuses a signature scoped to another one.
    var region = Region.default
    /// Seconds since 1970: the server's clock (skew checks, presigned expiry).
    var now: @Sendable () -> Int64 = { ServerClock.system.now() }

    func authenticate(_ request: SignedRequest) throws(OSSError) -> Verdict {
        guard enabled else { return Verdict() }
        if request.headers.contains("x-oss-security-token") || request.query.has("security-token")
            || request.query.has("x-oss-security-token")
        {
            throw OSSError(
                .invalidAccessKeyId, "The security token you provided is invalid: LocalOSS does not issue STS tokens.")
        }
        if let authorization = request.headers["Authorization"] {
            if authorization.hasPrefix("OSS4-HMAC-SHA256 ") {
                return try verifyV4Header(request, Substring(authorization).dropFirst(17))
            }
            if authorization.hasPrefix("OSS2 ") { return try verifyV2Header(request, authorization.dropFirst(5)) }
            if authorization.hasPrefix("OSS ") { return try verifyV1Header(request, authorization.dropFirst(4)) }
            throw OSSError(.accessDenied, "Authorization header is invalid or uses an unsupported signature version.")
        }
        if request.query["x-oss-signature-version"] == SignatureV2.version { return try verifyV2Query(request) }
        if request.query["x-oss-signature-version"] == SignatureV4.algorithm { return try verifyV4Query(request) }
        if request.query.has("OSSAccessKeyId") || request.query.has("Signature") || request.query.has("Expires") {
            return try verifyV1Query(request)
        }
        return Verdict(isAnonymous: true)
    }

    // MARK: V1

    private func verifyV1Header(_ request: SignedRequest, _ value: Substring) throws(OSSError) -> Verdict {
        guard let colon = value.lastIndex(of: ":") else {
            throw OSSError(.accessDenied, "Authorization header is invalid.")
        }
        let accessKeyID = String(value[..<colon])
        let provided = String(value[value.index(after: colon)...])
        let secret = try secret(for: accessKeyID)
        // oss2 and pyv2 sign x-oss-date instead of Date when both are sent; Go always signs Date.
        let dates = [request.headers["Date"], request.headers["x-oss-date"]].compactMap { $0 }
        guard let date = dates.first else { throw OSSError(.accessDenied, "The Date header is required.") }
        let unlisted = SignatureV1.unlistedOperationNames(request)
        for candidate in dates {
            for alsoSigned in unlisted.isEmpty ? [[]] : [[], unlisted] {
                let stringToSign = SignatureV1.stringToSign(request, date: candidate, alsoSigned: alsoSigned)
                if ConstantTime.equal(provided, SignatureV1.signature(stringToSign, secret: secret)) {
                    // The time that was signed is the one that must be current, or an old request could be replayed.
                    try checkClock(HTTPDate.parseRFC1123(candidate), header: candidate)
                    return Verdict(accessKeyID: accessKeyID)
                }
            }
        }
        try checkClock(HTTPDate.parseRFC1123(date), header: date)
        throw signatureMismatch(
            stringToSign: SignatureV1.stringToSign(request, date: date), provided: provided, accessKeyID: accessKeyID)
    }

    private func verifyV1Query(_ request: SignedRequest) throws(OSSError) -> Verdict {
        guard let accessKeyID = request.query["OSSAccessKeyId"], let expires = request.query["Expires"],
            let provided = request.query["Signature"]
        else {
            throw OSSError(
                .accessDenied,
                "Query-string authentication requires the Signature, Expires and OSSAccessKeyId parameters")
        }
        let secret = try secret(for: accessKeyID)
        guard let expiry = Int64(expires) else {
            throw OSSError(.accessDenied, "Expires must be a Unix time in seconds.", ec: "0002-00000069")
        }
        guard now() <= expiry else { throw OSSError(.accessDenied, "Request has expired.", ec: "0002-00000069") }
        let stringToSign = SignatureV1.stringToSign(request, date: expires)
        let unlisted = SignatureV1.unlistedOperationNames(request)
        let matches =
            [stringToSign]
            + (unlisted.isEmpty
                ? []
                : [
                    SignatureV1.stringToSign(request, date: expires, alsoSigned: unlisted)
                ])
        guard matches.contains(where: { ConstantTime.equal(provided, SignatureV1.signature($0, secret: secret)) })
        else {
            throw signatureMismatch(stringToSign: stringToSign, provided: provided, accessKeyID: accessKeyID)
        }
        return Verdict(accessKeyID: accessKeyID)
    }

    // MARK: V4

    private func verifyV4Header(_ request: SignedRequest, _ value: Substring) throws(OSSError) -> Verdict {
        let fields = SignatureV4.parseAuthorization(value)
        guard let credential = fields["Credential"], let provided = fields["Signature"],
            let scope = SignatureV4.Scope(credential: credential)
        else {
            throw OSSError(.accessDenied, "Authorization header is invalid: it needs Credential and Signature.")
        }
        guard scope.region == region.id else {
            throw OSSError(.invalidArgument, "Invalid signing region in Authorization header.", ec: "0002-00000226")
        }
        let secret = try secret(for: scope.accessKeyID)
        // Go v1's V4 signer sends no x-oss-date and signs the Date header verbatim.
        guard let timestamp = request.headers["x-oss-date"] ?? request.headers["Date"] else {
            throw OSSError(.accessDenied, "The x-oss-date header is required.")
        }
        let signedAt = HTTPDate.parseCompactISO8601(timestamp) ?? HTTPDate.parseRFC1123(timestamp)
        try checkClock(signedAt, header: timestamp)
        if let signedAt, HTTPDate.compactDate(signedAt) != scope.date {
            throw OSSError(.accessDenied, "The date of the credential scope differs from the request time.")
        }
        let payloadHash = request.headers["x-oss-content-sha256"] ?? SignatureV4.unsignedPayload
        let additional = Self.additionalHeaders(fields["AdditionalHeaders"], request)
        let canonical = SignatureV4.canonicalRequest(
            request, additionalHeaders: additional, payloadHash: payloadHash, excludingQuery: nil)
        let stringToSign = SignatureV4.stringToSign(canonicalRequest: canonical, timestamp: timestamp, scope: scope)
        guard
            ConstantTime.equal(provided.lowercased(), SignatureV4.signature(stringToSign, secret: secret, scope: scope))
        else {
            throw signatureMismatch(
                stringToSign: stringToSign, provided: provided, accessKeyID: scope.accessKeyID,
                canonicalRequest: canonical)
        }
        var verdict = Verdict(accessKeyID: scope.accessKeyID)
        if payloadHash != SignatureV4.unsignedPayload {
            guard payloadHash.utf8.count == 64, let digest = Encoding.hexBytes(payloadHash) else {
                throw OSSError(.invalidArgument, "x-oss-content-sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256.")
            }
            verdict.payloadSHA256 = digest
        }
        return verdict
    }

    private func verifyV4Query(_ request: SignedRequest) throws(OSSError) -> Verdict {
        guard let credential = request.query["x-oss-credential"], let scope = SignatureV4.Scope(credential: credential),
            let timestamp = request.query["x-oss-date"], let expiresText = request.query["x-oss-expires"],
            let provided = request.query["x-oss-signature"]
        else {
            throw OSSError(
                .accessDenied,
                "Query-string authentication V4 requires x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature."
            )
        }
        // oss2 presigns without a region when none is configured; the scope then names the empty region.
        guard scope.region == region.id else {
            throw OSSError(
                .invalidArgument, "The signing region in credential is invalid.",
                details: [("ArgumentName", "x-oss-credential"), ("ArgumentValue", credential)], ec: "0002-00000226")
        }
        let secret = try secret(for: scope.accessKeyID)
        guard let signedAt = HTTPDate.parseCompactISO8601(timestamp), let expires = Int64(expiresText),
            (0...Self.maxPresignedLifetime).contains(expires)
        else {
            throw OSSError(
                .accessDenied, "x-oss-date or x-oss-expires is malformed (x-oss-expires is at most 7 days).",
                ec: "0002-00000505")
        }
        if signedAt > now() + maxSkew {
            throw OSSError(.accessDenied, "x-oss-date is in the future.", ec: "0002-00000235")
        }
        guard HTTPDate.compactDate(signedAt) == scope.date else {
            throw OSSError(.accessDenied, "The date of x-oss-credential's scope differs from x-oss-date.")
        }
        guard now() - signedAt <= expires else {
            throw OSSError(.accessDenied, "Request has expired.", ec: "0002-00000069")
        }
        let additional = Self.additionalHeaders(request.query["x-oss-additional-headers"], request)
        let canonical = SignatureV4.canonicalRequest(
            request, additionalHeaders: additional, payloadHash: SignatureV4.unsignedPayload,
            excludingQuery: "x-oss-signature")
        let stringToSign = SignatureV4.stringToSign(canonicalRequest: canonical, timestamp: timestamp, scope: scope)
        guard
            ConstantTime.equal(provided.lowercased(), SignatureV4.signature(stringToSign, secret: secret, scope: scope))
        else {
            throw signatureMismatch(
                stringToSign: stringToSign, provided: provided, accessKeyID: scope.accessKeyID,
                canonicalRequest: canonical)
        }
        return Verdict(accessKeyID: scope.accessKeyID)
    }

    // MARK: V2

    private func verifyV2Header(_ request: SignedRequest, _ value: Substring) throws(OSSError) -> Verdict {
        let fields = SignatureV2.parseAuthorization(value)
        guard let accessKeyID = fields["AccessKeyId"], let provided = fields["Signature"] else {
            throw OSSError(.accessDenied, "Authorization header is invalid: it needs AccessKeyId and Signature.")
        }
        let secret = try secret(for: accessKeyID)
        // The Date header is signed; x-oss-date, when sent, is the request time OSS judges (oss2's suite sends an
        // old x-oss-date with a current Date and expects RequestTimeTooSkewed). Both are covered by the signature.
        guard let date = request.headers["Date"] ?? request.headers["x-oss-date"] else {
            throw OSSError(.accessDenied, "The Date header is required.")
        }
        let requestTime = request.headers["x-oss-date"] ?? date
        try checkClock(HTTPDate.parseRFC1123(requestTime), header: requestTime)
        let stringToSign = SignatureV2.stringToSign(
            request, date: date, additionalHeaders: SignatureV2.additionalHeaders(fields["AdditionalHeaders"]),
            excludingQuery: nil)
        guard ConstantTime.equal(provided, SignatureV2.signature(stringToSign, secret: secret)) else {
            throw signatureMismatch(stringToSign: stringToSign, provided: provided, accessKeyID: accessKeyID)
        }
        return Verdict(accessKeyID: accessKeyID)
    }

    private func verifyV2Query(_ request: SignedRequest) throws(OSSError) -> Verdict {
        guard let accessKeyID = request.query["x-oss-access-key-id"], let expires = request.query["x-oss-expires"],
            let provided = request.query["x-oss-signature"]
        else {
            throw OSSError(
                .accessDenied,
                "Query-string authentication V2 requires x-oss-access-key-id, x-oss-expires and x-oss-signature.")
        }
        let secret = try secret(for: accessKeyID)
        guard let expiry = Int64(expires) else {
            throw OSSError(.accessDenied, "x-oss-expires must be a Unix time in seconds.", ec: "0002-00000069")
        }
        guard now() <= expiry else { throw OSSError(.accessDenied, "Request has expired.", ec: "0002-00000069") }
        let stringToSign = SignatureV2.stringToSign(
            request, date: expires,
            additionalHeaders: SignatureV2.additionalHeaders(request.query["x-oss-additional-headers"]),
            excludingQuery: "x-oss-signature")
        guard ConstantTime.equal(provided, SignatureV2.signature(stringToSign, secret: secret)) else {
            throw signatureMismatch(stringToSign: stringToSign, provided: provided, accessKeyID: accessKeyID)
        }
        return Verdict(accessKeyID: accessKeyID)
    }

    /// Names listed as additional headers count only when the request has them and they are not signed anyway.
    private static func additionalHeaders(_ list: String?, _ request: SignedRequest) -> [String] {
        guard let list else { return [] }
        return list.split(separator: ";").map { $0.trimmingSpaces().lowercased() }
            .filter {
                request.headers.contains($0) && !$0.hasPrefix("x-oss-") && $0 != "content-type" && $0 != "content-md5"
            }
            .sorted()
    }

    // MARK: Shared

    private func secret(for accessKeyID: String) throws(OSSError) -> String {
        guard let secret = credentials.secret(for: accessKeyID) else {
            throw OSSError(
                .invalidAccessKeyId, "The OSS Access Key Id you provided does not exist in our records.",
                details: [("OSSAccessKeyId", accessKeyID)], ec: "0002-00000902")
        }
        return secret
    }

    private func checkClock(_ time: Int64?, header: String) throws(OSSError) {
        guard let time else {
            throw OSSError(.accessDenied, "The request time \(header) is not a valid date.", ec: "0002-00000505")
        }
        guard abs(time - now()) <= maxSkew else {
            throw OSSError(
                .requestTimeTooSkewed, "The difference between the request time and the current time is too large.",
                details: [("RequestTime", header), ("ServerTime", HTTPDate.rfc1123(now()))], ec: "0002-00000504")
        }
    }

    private func signatureMismatch(
        stringToSign: String, provided: String, accessKeyID: String, canonicalRequest: String? = nil
    ) -> OSSError {
        var details = [
            ("StringToSign", stringToSign), ("SignatureProvided", provided), ("OSSAccessKeyId", accessKeyID),
            ("StringToSignBytes", Array(stringToSign.utf8).map { Encoding.upperHex([$0]) }.joined(separator: " ")),
        ]
        if let canonicalRequest { details.insert(("CanonicalRequest", canonicalRequest), at: 1) }
        return OSSError(
            .signatureDoesNotMatch,
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            details: details, ec: "0002-00000040")
    }
}
