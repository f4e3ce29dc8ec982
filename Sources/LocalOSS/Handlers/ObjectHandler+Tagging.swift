/// Object tagging (`?tagging`) and symlinks (`?symlink`) on an object.
extension ObjectHandler {
    func getObjectTagging(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let (object, tags) = try objects.objectTags(address, version: try context.versionSelector())
        var response = HTTPResponse.xml(TaggingDocument.render(tags))
        try addVersion(object, to: &response.headers)
        return response
    }

    func putObjectTagging(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let version = try context.versionSelector()
        let tags = try TaggingDocument.parse(try context.smallBody(limit: 64 * 1024))
        try TagRules.object.validate(tags)
        var response = HTTPResponse(status: 200)
        try addVersion(try objects.setObjectTags(address, version: version, tags), to: &response.headers)
        return response
    }

    /// Removes the tags only: the object stays (the route table keeps DeleteObject away from `?tagging`).
    func deleteObjectTagging(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        var response = HTTPResponse(status: 204)
        let object = try objects.setObjectTags(address, version: try context.versionSelector(), [])
        try addVersion(object, to: &response.headers)
        return response
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
        try addVersion(link, to: &headers)
        return HTTPResponse(status: 200, headers: headers)
    }

    /// `GET /K?symlink`: the link's own headers and its target, percent-encoded (oss2 and Go v1 decode it).
    func getSymlink(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let link = try objects.symlink(address, version: try context.versionSelector())
        var headers = HTTPHeaders()
        headers.add("x-oss-symlink-target", Encoding.urlEncode(link.symlinkTarget ?? "", keepSlash: true))
        headers.add("ETag", link.etag)
        headers.add("Last-Modified", HTTPDate.rfc1123(link.lastModified))
        for pair in link.metadata.headers where pair.count == 2 && pair[0].hasPrefix("x-oss-meta-") {
            headers.add(pair[0], pair[1])
        }
        try addVersion(link, to: &headers)
        return HTTPResponse(status: 200, headers: headers)
    }
}

extension RequestContext {
    /// The version a `versionId` parameter names (tagging, GetSymlink); nil without one: the current version.
    func versionSelector() throws(OSSError) -> VersionSelector? {
        try VersionSelector.parse(query["versionId"])
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
