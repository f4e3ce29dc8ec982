/// Object tagging (`?tagging`) and symlinks (`?symlink`) on an object.
extension ObjectHandler {
    func getObjectTagging(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        try VersionSelector.currentOnly(context.query)
        return .xml(TaggingDocument.render(try objects.objectTags(address)))
    }

    func putObjectTagging(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        try VersionSelector.currentOnly(context.query)
        let tags = try TaggingDocument.parse(try context.smallBody(limit: 64 * 1024))
        try TagRules.object.validate(tags)
        try objects.setObjectTags(address, tags)
        return HTTPResponse(status: 200)
    }

    /// Removes the tags only: the object stays (the route table keeps DeleteObject away from `?tagging`).
    func deleteObjectTagging(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        try VersionSelector.currentOnly(context.query)
        try objects.setObjectTags(address, [])
        return HTTPResponse(status: 204)
    }

    /// `PUT /K?symlink`, `x-oss-symlink-target` naming a key of the same bucket, URL-encoded by most SDKs
    /// (Go v1 form-encodes, so `+` reads as a space, as in paths).
    func putSymlink(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        guard let header = context.headers["x-oss-symlink-target"], !header.isEmpty else {
            throw OSSError(
                .missingArgument, "Missing Some Required Arguments: x-oss-symlink-target.",
                details: [("ArgumentName", "x-oss-symlink-target")])
        }
        let target = try ObjectKey(validating: Encoding.percentDecode(Substring(header), plusIsSpace: true))
        let options = ObjectStore.SymlinkOptions(
            metadata: try ObjectMetadata.from(context.headers),
            acl: try CannedACL(header: context.headers["x-oss-object-acl"], allowDefault: true),
            storageClass: try StorageClass.parse(header: context.headers["x-oss-storage-class"]),
            forbidOverwrite: context.bool("x-oss-forbid-overwrite"),
            tags: try TaggingDocument.objectTags(header: context.headers["x-oss-tagging"]) ?? [])
        let link = try objects.putSymlink(address, target: target.value, options: options)
        var headers = HTTPHeaders()
        headers.add("ETag", link.etag)
        headers.add("x-oss-hash-crc64ecma", String(link.crc64))
        return HTTPResponse(status: 200, headers: headers)
    }

    /// `GET /K?symlink`: the link's own headers and its target, percent-encoded (oss2 and Go v1 decode it).
    func getSymlink(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        try VersionSelector.currentOnly(context.query)
        let link = try objects.symlink(address)
        var headers = HTTPHeaders()
        headers.add("x-oss-symlink-target", Encoding.urlEncode(link.symlinkTarget ?? "", keepSlash: true))
        headers.add("ETag", link.etag)
        headers.add("Last-Modified", HTTPDate.rfc1123(link.lastModified))
        for pair in link.metadata.headers where pair.count == 2 && pair[0].hasPrefix("x-oss-meta-") {
            headers.add(pair[0], pair[1])
        }
        return HTTPResponse(status: 200, headers: headers)
    }
}

/// The `versionId` parameter of the operations that take one (tagging, GetSymlink). Without versioning every object
/// has one version, `null`, the current one, which an absent, empty or `null` id selects. Other ids are served as
/// the current version too until versions exist: resolving them (or answering NoSuchVersion) is the one change to
/// make here once buckets keep versions.
extension VersionSelector {
    /// Tags and symlinks are kept for current objects only: a `versionId` is checked for its shape and then read
    /// as the current version (a noncurrent version's tags are not kept).
    static func currentOnly(_ query: QueryParameters) throws(OSSError) {
        _ = try parse(query["versionId"])
    }
}

extension ObjectHandler {
    /// CopyObject's `x-oss-tagging-directive`: `Copy` (the default) keeps the source's tags, `Replace` takes the
    /// request's `x-oss-tagging` (none without it). oss2 and Go v1 send upper case, pyv2 compares lower-cased.
    static func copiedTags(_ context: RequestContext) throws(OSSError) -> [Tag]? {
        let directive = context.headers["x-oss-tagging-directive"] ?? "Copy"
        switch directive.lowercased() {
        case "copy": return nil
        case "replace": return try TaggingDocument.objectTags(header: context.headers["x-oss-tagging"]) ?? []
        default:
            throw OSSError.invalidArgument(
                "x-oss-tagging-directive must be Copy or Replace.", name: "x-oss-tagging-directive", value: directive)
        }
    }
}
