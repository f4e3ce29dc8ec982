/// Static website hosting at run time: an anonymous GET of the bucket root serves the index document, a GET of a
/// "directory" (`dir/`, not itself an object) its index, and a GET of a missing key the redirect, index or error
/// document the bucket's `WebsiteRules` ask for (protocol notes §4.4). Signed GETs of the root stay listings.
/// Routing rules come first: those without `HttpErrorCodeReturnedEquals` before the object is read, the others
/// once the request has failed with their status, before the index and error documents.
struct WebsiteRouting {
    let objects: ObjectStore
    let rules: WebsiteRules
    /// The scheme of a redirect whose rule names no `Protocol`.
    var scheme = "http"

    /// What a routing rule made of a request.
    enum Routed {
        /// An `External` or `AliCDN` redirect.
        case reply(HTTPResponse)
        /// `Internal`: this object answers instead, with the request's query string or without it.
        case serve(ObjectAddress, passQueryString: Bool)
    }

    /// The rules of the bucket, or nil when it hosts no website.
    static func rules(in configurations: BucketConfigurations) -> WebsiteRules? {
        configurations.website.flatMap(WebsiteRules.init)
    }

    /// The operation that answers the request instead: an index document's GET, or the operation itself.
    func rewrite(_ operation: Operation, anonymous: Bool, method: String, query: QueryParameters) throws -> Operation {
        switch operation {
        case .listObjects(let bucket, _) where anonymous && method == "GET" && query.pairs.isEmpty:
            guard let index = rules.index(forDirectory: "") else { return operation }
            return .getObject(ObjectAddress(bucket: bucket, key: try ObjectKey(validating: index)))
        case .getObject(let address) where address.key.value.hasSuffix("/"):
            guard let index = rules.index(forDirectory: address.key.value), try !exists(address) else {
                return operation
            }
            return .getObject(ObjectAddress(bucket: address.bucket, key: try ObjectKey(validating: index)))
        default:
            return operation
        }
    }

    /// What a GET of a missing key answers: a redirect to its directory, that directory's index, the error
    /// document (with its status), or nil for the plain NoSuchKey. `readable` says whether the caller may read an
    /// object (anonymous callers need a public ACL on the index and error documents).
    func missing(
        _ address: ObjectAddress, head: HTTPRequestHead, readable: (ObjectAddress) throws -> Bool,
        serve: (ObjectAddress, _ passQueryString: Bool) throws -> HTTPResponse
    ) throws -> HTTPResponse? {
        if let answer = try failed(address, status: 404, head: head, readable: readable, serve: serve) {
            return answer
        }
        let key = address.key.value
        if rules.supportSubDirectories, !rules.suffix.isEmpty, !key.hasSuffix("/") {
            let index = ObjectAddress(bucket: address.bucket, key: try ObjectKey(validating: key + "/" + rules.suffix))
            switch rules.missingKey {
            case .redirect where try exists(index):
                var response = HTTPResponse(status: 302)
                response.headers.set("Location", "/" + Self.encodePath(key) + "/")
                return response
            case .serveIndex where try exists(index) && readable(index):
                return try serve(index, true)
            default:
                break
            }
        }
        guard let errorKey = rules.errorDocument else { return nil }
        let errorDocument = ObjectAddress(bucket: address.bucket, key: try ObjectKey(validating: errorKey))
        guard try exists(errorDocument), try readable(errorDocument) else { return nil }
        var response = try serve(errorDocument, true)
        response.status = rules.errorStatus
        return response
    }

    /// The first routing rule without `HttpErrorCodeReturnedEquals` that applies to a GET of `address`, tried
    /// before anything is read.
    func route(_ address: ObjectAddress, head: HTTPRequestHead) throws -> Routed? {
        try routed(address, status: nil, head: head)
    }

    /// What a request that failed with `status` answers instead, when a routing rule for that status applies: the
    /// redirect, or the rewritten key's content if it exists and the caller may read it.
    func failed(
        _ address: ObjectAddress, status: Int, head: HTTPRequestHead, readable: (ObjectAddress) throws -> Bool,
        serve: (ObjectAddress, _ passQueryString: Bool) throws -> HTTPResponse
    ) throws -> HTTPResponse? {
        switch try routed(address, status: status, head: head) {
        case .reply(let response)?:
            return response
        case .serve(let target, let passQueryString)? where try exists(target) && readable(target):
            return try serve(target, passQueryString)
        default:
            return nil
        }
    }

    private func routed(_ address: ObjectAddress, status: Int?, head: HTTPRequestHead) throws -> Routed? {
        let key = address.key.value
        guard
            let rule = rules.routingRules.first(where: { rule in
                rule.matches(key: key, status: status) { head.headers[$0] }
            })
        else { return nil }
        switch rule.type {
        case .external, .aliCDN:
            var response = HTTPResponse(status: rule.redirectCode)
            response.headers.set(
                "Location",
                rule.location(
                    key: key, scheme: scheme, origin: Self.origin(of: address.bucket.value, head: head),
                    rawQuery: head.rawQuery))
            return .reply(response)
        case .internal:
            // A rewritten key OSS could not store (empty, too long) names nothing: the rule does not apply.
            guard let target = try? ObjectKey(validating: rule.rewrittenKey(key)) else { return nil }
            return .serve(ObjectAddress(bucket: address.bucket, key: target), passQueryString: rule.passQueryString)
        case .mirror:
            return nil
        }
    }

    /// Where the request went, without its path: the host, and for a path-style request the bucket after it.
    static func origin(of bucket: String, head: HTTPRequestHead) -> String {
        let host = head.headers["Host"] ?? "127.0.0.1"
        return host.hasPrefix(bucket + ".") ? host : host + "/" + bucket
    }

    /// Whether the object exists: every stored object has an ACL, `default` at least.
    func exists(_ address: ObjectAddress) throws -> Bool {
        try objects.objectACL(bucket: address.bucket.value, key: address.key.value) != nil
    }

    /// A key as a URL path: `/` kept, everything outside unreserved characters percent-encoded.
    static func encodePath(_ key: String) -> String {
        var out = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
