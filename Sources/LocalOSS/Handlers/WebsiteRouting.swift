/// Static website hosting at run time: an anonymous GET of the bucket root serves the index document, a GET of a
/// "directory" (`dir/`, not itself an object) its index, and a GET of a missing key the redirect, index or error
/// document the bucket's `WebsiteRules` ask for (protocol notes §4.4). Signed GETs of the root stay listings.
struct WebsiteRouting {
    let objects: ObjectStore
    let rules: WebsiteRules

    /// The rules of `bucket`, or nil when it hosts no website.
    static func rules(of bucket: String, _ objects: ObjectStore) throws -> WebsiteRules? {
        try objects.configurations.document(WebsiteRules.subresource, bucket: bucket).flatMap(WebsiteRules.init)
    }

    /// The operation that answers the request instead: an index document's GET, or the operation itself.
    func rewrite(_ operation: Operation, anonymous: Bool, method: String, query: QueryParameters) throws -> Operation {
        switch operation {
        case .listObjects(let bucket, _) where anonymous && method == "GET" && query.pairs.isEmpty:
            return .getObject(ObjectAddress(bucket: bucket, key: try ObjectKey(validating: rules.suffix)))
        case .getObject(let address) where address.key.value.hasSuffix("/"):
            guard try !exists(address) else { return operation }
            let index = rules.index(forDirectory: address.key.value)
            return .getObject(ObjectAddress(bucket: address.bucket, key: try ObjectKey(validating: index)))
        default:
            return operation
        }
    }

    /// What a GET of a missing key answers: a redirect to its directory, that directory's index, the error
    /// document (with its status), or nil for the plain NoSuchKey. `readable` says whether the caller may read an
    /// object (anonymous callers need a public ACL on the index and error documents).
    func missing(
        _ address: ObjectAddress, readable: (ObjectAddress) throws -> Bool,
        serve: (ObjectAddress) throws -> HTTPResponse
    ) throws -> HTTPResponse? {
        let key = address.key.value
        if rules.supportSubDirectories, !key.hasSuffix("/") {
            let index = ObjectAddress(bucket: address.bucket, key: try ObjectKey(validating: key + "/" + rules.suffix))
            switch rules.missingKey {
            case .redirect where try exists(index):
                var response = HTTPResponse(status: 302)
                response.headers.set("Location", "/" + Self.encodePath(key) + "/")
                return response
            case .serveIndex where try exists(index) && readable(index):
                return try serve(index)
            default:
                break
            }
        }
        guard let errorKey = rules.errorDocument else { return nil }
        let errorDocument = ObjectAddress(bucket: address.bucket, key: try ObjectKey(validating: errorKey))
        guard try exists(errorDocument), try readable(errorDocument) else { return nil }
        var response = try serve(errorDocument)
        response.status = rules.errorStatus
        return response
    }

    private func exists(_ address: ObjectAddress) throws -> Bool {
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
