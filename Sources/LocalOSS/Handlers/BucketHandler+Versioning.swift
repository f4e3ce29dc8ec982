/// PutBucketVersioning, GetBucketVersioning and ListObjectVersions.
extension BucketHandler {
    /// `<VersioningConfiguration><Status>Enabled|Suspended</Status></VersioningConfiguration>`; any other status
    /// (none, `None` as oss2 sends for an empty configuration, `Disabled`) is MalformedXML, as OSS answers.
    func putBucketVersioning(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        _ = try objects.bucket(bucket)
        let root = try XMLDocument.parse(try context.smallBody(limit: 64 * 1024))
        guard root.name == "VersioningConfiguration", let text = root.child("Status")?.text,
            let state = VersioningState(rawValue: text)
        else { throw OSSError.malformedXML }
        try objects.setVersioning(bucket, state)
        return HTTPResponse(status: 200)
    }

    /// A bucket that never had versioning enabled answers an empty configuration, without `Status`.
    func getBucketVersioning(_ bucket: BucketName) throws -> HTTPResponse {
        let record = try objects.bucket(bucket)
        var xml = XMLWriter()
        xml.open("VersioningConfiguration")
        if let state = record.versioning { xml.element("Status", state.rawValue) }
        xml.close("VersioningConfiguration")
        return .xml(xml.finish())
    }

    /// `GET /?versions`. Every element oss2's parser requires is written, empty when unset; `NextKeyMarker` and
    /// `NextVersionIdMarker` only when truncated; versions and markers interleaved in listing order, then the common
    /// prefixes. Version ids are never URL-encoded.
    func listObjectVersions(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let query = context.query
        _ = try objects.bucket(bucket)
        for name in ["prefix", "key-marker", "version-id-marker", "delimiter"] {
            if let value = query[name], value.utf8.count > 1024 {
                throw OSSError.invalidArgument("\(name) must be shorter than 1025 bytes.", name: name, value: value)
            }
        }
        var maxKeys = 100
        if let text = query.nonEmpty("max-keys") {
            guard let value = Int(text), (1...1000).contains(value) else {
                throw OSSError.invalidArgument(
                    "Argument max-keys must be an integer between 1 and 1000.", name: "max-keys", value: text)
            }
            maxKeys = value
        }
        let prefix = query.nonEmpty("prefix") ?? ""
        let delimiter = query.nonEmpty("delimiter")
        let keyMarker = query.nonEmpty("key-marker")
        let versionIDMarker = try VersionSelector.parse(query.nonEmpty("version-id-marker"))
        if versionIDMarker != nil, keyMarker == nil {
            throw OSSError(
                .invalidArgument, "A version-id marker cannot be specified without a key marker.",
                details: [("ArgumentName", "version-id-marker"), ("ArgumentValue", query["version-id-marker"] ?? "")],
                ec: "0012-00000106")
        }
        let page = try objects.listVersions(
            bucket, prefix: prefix, delimiter: delimiter, keyMarker: keyMarker, versionIDMarker: versionIDMarker,
            maxKeys: maxKeys)
        var xml = XMLWriter()
        xml.open("ListVersionsResult")
        xml.element("Name", bucket.value)
        xml.element("Prefix", context.listedKey(prefix))
        xml.element("KeyMarker", context.listedKey(keyMarker ?? ""))
        xml.element("VersionIdMarker", query["version-id-marker"] ?? "")
        xml.element("MaxKeys", maxKeys)
        xml.element("Delimiter", context.listedKey(delimiter ?? ""))
        if query.wantsURLEncoding { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", page.isTruncated)
        if page.isTruncated, let last = page.entries.last {
            xml.element("NextKeyMarker", context.listedKey(last.key))
            if case .row(let row) = last {
                xml.element("NextVersionIdMarker", row.versionName)
            } else {
                xml.element("NextVersionIdMarker", "")
            }
        }
        // RestoreInfo of the page's archived versions that are being or have been restored.
        let restoreInfo = try objects.restoreInfo(
            versionIDs: page.rows.filter { !$0.isDeleteMarker && $0.storageClass.needsRestore }.map(\.id))
        var previousKey: String?
        for entry in page.entries {
            guard case .row(let version) = entry else { continue }
            // The first entry of a key is its current version; a page that starts inside a key (a version-id
            // marker) starts with older versions.
            let isLatest = version.key != previousKey && !(version.key == keyMarker && versionIDMarker != nil)
            previousKey = version.key
            let element = version.isDeleteMarker ? "DeleteMarker" : "Version"
            xml.open(element)
            xml.element("Key", context.listedKey(version.key))
            xml.element("VersionId", version.versionName)
            xml.element("IsLatest", isLatest)
            xml.element("LastModified", HTTPDate.iso8601(version.lastModified))
            if !version.isDeleteMarker {
                xml.element("ETag", version.etag)
                xml.element("Type", version.type.rawValue)
                xml.element("Size", version.size)
                xml.element("StorageClass", version.storageClass.rawValue)
                if let info = restoreInfo[version.id] { xml.element("RestoreInfo", info) }
            }
            Self.writeOwner(&xml)
            xml.close(element)
        }
        for commonPrefix in page.commonPrefixes {
            xml.open("CommonPrefixes")
            xml.element("Prefix", context.listedKey(commonPrefix))
            xml.close("CommonPrefixes")
        }
        xml.close("ListVersionsResult")
        return .xml(xml.finish())
    }
}
