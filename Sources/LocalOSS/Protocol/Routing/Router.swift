/// Turns a request head into a typed `Operation`: addressing (virtual-hosted or path style), key decoding, and the
/// route table behind its sub-resource gate. Nothing after this reads the raw path or re-validates names.
struct Router: Sendable {
    /// Host names under which `<bucket>.<base>` means virtual-hosted addressing.
    var baseDomains: [String] = ["localhost"]

    struct Addressing: Sendable {
        var bucket: String?
        /// The raw (still encoded) key part of the path.
        var rawKey: Substring
    }

    func addressing(of head: HTTPRequestHead) -> Addressing {
        // The path ends at the first `?`; searched on bytes (all delimiters here are ASCII), as the character-wise
        // split cost a tenth of a small GET.
        let target = head.target
        let pathEnd = target.utf8.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex
        var path = target[..<pathEnd]
        if path.utf8.first == UInt8(ascii: "/") { path = path.dropFirst() }
        if let host = head.headers["Host"]?.lowercased() {
            let hostName = Self.stripPort(host)
            for base in baseDomains where hostName.hasSuffix(base) && hostName.dropLast(base.count).hasSuffix(".") {
                let bucket = hostName.dropLast(base.count + 1)
                if !bucket.isEmpty, !bucket.contains(".") { return Addressing(bucket: String(bucket), rawKey: path) }
            }
        }
        guard !path.isEmpty else { return Addressing(bucket: nil, rawKey: "") }
        guard let slash = path.utf8.firstIndex(of: UInt8(ascii: "/")) else {
            return Addressing(bucket: Self.decode(path), rawKey: "")
        }
        return Addressing(bucket: Self.decode(path[..<slash]), rawKey: path[path.index(after: slash)...])
    }

    /// Resolves the addressed resource, then lets the route table build the operation. The gate: a request naming
    /// an OSS sub-resource that no row claims is never served by a plain operation — it is `NotImplemented` when OSS
    /// defines the name for this method and level, otherwise `MethodNotAllowed`.
    func classify(_ head: HTTPRequestHead, query: QueryParameters) throws(OSSError) -> Operation {
        let target = addressing(of: head)
        let bucket = try target.bucket.map { name throws(OSSError) in try BucketName(validating: name) }
        // Go 1.5 decodes spaces in paths as `+`; no other SDK sends a raw `+` (they send %2B).
        let keyBytes = Encoding.percentDecode(target.rawKey, plusIsSpace: true)
        let key = keyBytes.isEmpty || bucket == nil ? nil : try ObjectKey(validating: keyBytes)
        let level: ResourceLevel = bucket == nil ? .service : key == nil ? .bucket : .object
        if level == .bucket, let name = ["uploadId", "partNumber", "versionId"].first(where: query.has) {
            // Go 1.5's negative test: a naive router would run PutBucket, DeleteBucket or ListObjects here (and
            // `DELETE /bucket?versionId=` would delete the bucket).
            throw OSSError.invalidArgument(
                "uploadId, partNumber and versionId need an object key.", name: name, value: query[name] ?? "")
        }
        let named = query.pairs.map(\.name).filter(SubresourceCatalog.all.contains)
        guard let route = RouteTable.route(method: head.method, level: level, named: Set(named)) else {
            let undefined = named.filter { !SubresourceCatalog.isDefined($0, method: head.method, level: level) }
            guard !named.isEmpty, undefined.isEmpty else { throw Self.methodNotAllowed(head.method, level: level) }
            var orderedNames: [String] = []
            for name in named where !orderedNames.contains(name) { orderedNames.append(name) }
            return .unimplemented(
                UnimplementedRequest(bucket: bucket, key: key, feature: orderedNames.joined(separator: "&")))
        }
        let request = RouteRequest(head: head, query: query)
        switch route.builder {
        case .service(let build): return try build(request)
        case .bucket(let build): return try build(bucket!, request)
        case .object(let build): return try build(ObjectAddress(bucket: bucket!, key: key!), request)
        }
    }

    static func methodNotAllowed(_ method: String, level: ResourceLevel) -> OSSError {
        OSSError(
            .methodNotAllowed, "The specified method is not allowed against this resource.",
            details: [("ResourceType", level.resourceType), ("Method", method)],
            headers: [("Allow", RouteTable.methods(at: level).joined(separator: ", "))])
    }

    /// `x-oss-copy-source: /bucket/key[?versionId=…]`, key percent-encoded in one of several ways (see protocol docs).
    static func copySource(_ header: String) throws(OSSError) -> CopySource {
        guard header.hasPrefix("/") else {
            throw OSSError.invalidArgument(
                "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
                name: "x-oss-copy-source", value: header)
        }
        var value = header.dropFirst()
        var version: VersionSelector?
        if let mark = value.range(of: "?versionId=") {
            version = try VersionSelector.parse(String(value[mark.upperBound...]))
            value = value[..<mark.lowerBound]
        }
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
        return CopySource(bucket: bucket, key: key, alternateKey: alternate, version: version)
    }

    private static func decode(_ text: Substring) -> String {
        String(decoding: Encoding.percentDecode(text, plusIsSpace: false), as: UTF8.self)
    }

    private static func stripPort(_ host: String) -> Substring {
        if host.hasPrefix("[") { return Substring(host) }
        guard let colon = host.utf8.lastIndex(of: UInt8(ascii: ":")) else { return Substring(host) }
        return host[..<colon]
    }
}
