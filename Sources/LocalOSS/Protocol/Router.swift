/// Turns a request head into a typed `Operation`: addressing (virtual-hosted or path style), key decoding, and the
/// sub-resource routing table. Nothing after this reads the raw path or re-validates names.
struct Router: Sendable {
    /// Host names under which `<bucket>.<base>` means virtual-hosted addressing.
    var baseDomains: [String] = ["localhost"]

    /// Sub-resources OSS has that LocalOSS does not implement: refused rather than mistaken for a plain request.
    static let unimplementedSubresources: Set<String> = [
        "lifecycle", "cors", "website", "referer", "logging", "tagging", "versioning", "versions", "policy",
        "encryption", "stat", "worm", "inventory", "replication", "transferAcceleration", "requestPayment",
        "symlink", "restore", "qos", "qosInfo", "style", "cname", "processConfiguration", "select", "x-oss-process",
        "objectInfo",
    ]

    struct Addressing: Sendable {
        var bucket: String?
        /// The raw (still encoded) key part of the path.
        var rawKey: Substring
    }

    func addressing(of head: HTTPRequestHead) -> Addressing {
        let path = head.rawPath.hasPrefix("/") ? head.rawPath.dropFirst() : head.rawPath
        if let host = head.headers["Host"]?.lowercased() {
            let hostName = Self.stripPort(host)
            for base in baseDomains where hostName.hasSuffix("." + base) {
                let bucket = hostName.dropLast(base.count + 1)
                if !bucket.isEmpty, !bucket.contains(".") { return Addressing(bucket: String(bucket), rawKey: path) }
            }
        }
        guard !path.isEmpty else { return Addressing(bucket: nil, rawKey: "") }
        guard let slash = path.firstIndex(of: "/") else {
            return Addressing(bucket: Self.decode(path), rawKey: "")
        }
        return Addressing(bucket: Self.decode(path[..<slash]), rawKey: path[path.index(after: slash)...])
    }

    func classify(_ head: HTTPRequestHead, query: QueryParameters) throws(OSSError) -> Operation {
        let target = addressing(of: head)
        guard let bucketText = target.bucket else {
            guard head.method == "GET" else {
                throw OSSError(.methodNotAllowed, "The specified method is not allowed against this resource.")
            }
            return .listBuckets
        }
        let bucket = try BucketName(validating: bucketText)
        // Go 1.5 decodes spaces in paths as `+`; no other SDK sends a raw `+` (they send %2B).
        let keyBytes = Encoding.percentDecode(target.rawKey, plusIsSpace: true)
        if keyBytes.isEmpty { return try classifyBucket(bucket, head: head, query: query) }
        let address = ObjectAddress(bucket: bucket, key: try ObjectKey(validating: keyBytes))
        return try classifyObject(address, head: head, query: query)
    }

    private func classifyBucket(_ bucket: BucketName, head: HTTPRequestHead, query: QueryParameters) throws(OSSError)
        -> Operation
    {
        if query.has("uploadId") || query.has("partNumber") {
            throw OSSError.invalidArgument(
                "uploadId and partNumber need an object key.", name: query.has("uploadId") ? "uploadId" : "partNumber",
                value: query["uploadId"] ?? query["partNumber"] ?? "")
        }
        if let unsupported = query.pairs.first(where: { Self.unimplementedSubresources.contains($0.name) }) {
            throw notImplemented(unsupported.name)
        }
        switch head.method {
        case "GET":
            if query.has("uploads") { return .listMultipartUploads(bucket) }
            if query.has("acl") { return .getBucketACL(bucket) }
            if query.has("location") { return .getBucketLocation(bucket) }
            if query.has("bucketInfo") { return .getBucketInfo(bucket) }
            return .listObjects(bucket, version: query["list-type"] == "2" ? 2 : 1)
        case "HEAD": return .headBucket(bucket)
        case "PUT": return query.has("acl") ? .putBucketACL(bucket) : .createBucket(bucket)
        case "DELETE": return .deleteBucket(bucket)
        case "POST":
            if query.has("delete") { return .deleteMultipleObjects(bucket) }
            throw notImplemented(query.pairs.first?.name ?? "POST")
        default:
            throw OSSError(.methodNotAllowed, "The specified method is not allowed against this resource.")
        }
    }

    private func classifyObject(_ address: ObjectAddress, head: HTTPRequestHead, query: QueryParameters)
        throws(OSSError) -> Operation
    {
        let uploadID = query["uploadId"]
        switch head.method {
        case "POST":
            if query.has("uploads") { return .initiateMultipartUpload(address) }
            if let uploadID { return .completeMultipartUpload(address, uploadID: uploadID) }
            if query.has("append") { return .appendObject(address) }
        case "PUT":
            if let uploadID {
                guard let partText = query["partNumber"] else {
                    throw OSSError.invalidArgument("Part number must be specified.", name: "partNumber", value: "")
                }
                let part = try PartNumber(validating: partText)
                if let source = head.headers["x-oss-copy-source"] {
                    return .uploadPartCopy(
                        address, uploadID: uploadID, part: part, source: try Self.copySource(source))
                }
                return .uploadPart(address, uploadID: uploadID, part: part)
            }
            if query.has("acl") { return .putObjectACL(address) }
            if let source = head.headers["x-oss-copy-source"] {
                return .copyObject(address, source: try Self.copySource(source))
            }
            if let unsupported = query.pairs.first(where: { Self.unimplementedSubresources.contains($0.name) }) {
                throw notImplemented(unsupported.name)
            }
            return .putObject(address)
        case "GET":
            if let uploadID { return .listParts(address, uploadID: uploadID) }
            if query.has("acl") { return .getObjectACL(address) }
            if let unsupported = query.pairs.first(where: { Self.unimplementedSubresources.contains($0.name) }) {
                throw notImplemented(unsupported.name)
            }
            return .getObject(address)
        case "HEAD":
            return query.has("objectMeta") ? .getObjectMeta(address) : .headObject(address)
        case "DELETE":
            if let uploadID { return .abortMultipartUpload(address, uploadID: uploadID) }
            return .deleteObject(address)
        default:
            break
        }
        if let unsupported = query.pairs.first(where: { Self.unimplementedSubresources.contains($0.name) }) {
            throw notImplemented(unsupported.name)
        }
        throw OSSError(.methodNotAllowed, "The specified method is not allowed against this resource.")
    }

    /// `x-oss-copy-source: /bucket/key[?versionId=…]`, key percent-encoded in one of several ways (see protocol docs).
    static func copySource(_ header: String) throws(OSSError) -> CopySource {
        guard header.hasPrefix("/") else {
            throw OSSError.invalidArgument(
                "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
                name: "x-oss-copy-source", value: header)
        }
        var value = header.dropFirst()
        if let mark = value.range(of: "?versionId=") { value = value[..<mark.lowerBound] }
        guard let slash = value.firstIndex(of: "/"), slash != value.startIndex else {
            throw OSSError.invalidArgument(
                "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
                name: "x-oss-copy-source", value: header)
        }
        let bucket = decode(value[..<slash])
        let rawKey = value[value.index(after: slash)...]
        let key = String(decoding: Encoding.percentDecode(rawKey, plusIsSpace: false), as: UTF8.self)
        let alternate =
            rawKey.contains("+")
            ? String(decoding: Encoding.percentDecode(rawKey, plusIsSpace: true), as: UTF8.self) : nil
        return CopySource(bucket: bucket, key: key, alternateKey: alternate)
    }

    private func notImplemented(_ what: String) -> OSSError {
        OSSError(
            .notImplemented,
            "A header or sub-resource you provided implies functionality that is not implemented (\(what)).")
    }

    private static func decode(_ text: Substring) -> String {
        String(decoding: Encoding.percentDecode(text, plusIsSpace: false), as: UTF8.self)
    }

    private static func stripPort(_ host: String) -> Substring {
        if host.hasPrefix("[") { return Substring(host) }
        guard let colon = host.lastIndex(of: ":") else { return Substring(host) }
        return host[..<colon]
    }
}
