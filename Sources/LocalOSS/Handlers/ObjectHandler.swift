/// Whole-object operations: PutObject, GetObject (ranges, conditions, overrides), HeadObject, GetObjectMeta,
/// DeleteObject and object ACLs.
struct ObjectHandler {
    let objects: ObjectStore

    func putObject(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        if context.headers.contains("If-Modified-Since") {
            throw OSSError(.notImplemented, "A header you provided implies functionality that is not implemented.")
        }
        if context.body.framing == .empty, !context.headers.contains("Content-Length") {
            throw OSSError(.missingContentLength, "You must provide the Content-Length HTTP header.")
        }
        try TrafficLimit.applyToBody(context)
        let options = ObjectStore.PutOptions(
            metadata: try ObjectMetadata.from(context.headers), expected: try context.expectedDigests(),
            acl: try CannedACL(header: context.headers["x-oss-object-acl"], allowDefault: true),
            storageClass: try StorageClass.parse(header: context.headers["x-oss-storage-class"]),
            forbidOverwrite: try context.forbidOverwrite(),
            tags: try TaggingDocument.objectTags(header: context.headers["x-oss-tagging"]) ?? [])
        let object = try objects.putObject(address, body: context.body, options: options)
        var headers = HTTPHeaders()
        headers.add("ETag", object.etag)
        headers.add("x-oss-hash-crc64ecma", String(object.crc64))
        if let md5 = object.contentMD5 { headers.add("Content-MD5", md5) }
        Self.addEncryption(object.metadata, to: &headers)
        try addVersion(object, to: &headers)
        return HTTPResponse(status: 200, headers: headers)
    }

    func copyObject(_ address: ObjectAddress, source: CopySource, _ context: RequestContext) throws -> HTTPResponse {
        let directive = context.headers["x-oss-metadata-directive"]?.uppercased() ?? "COPY"
        guard directive == "COPY" || directive == "REPLACE" else {
            throw OSSError.invalidArgument(
                "x-oss-metadata-directive must be COPY or REPLACE.", name: "x-oss-metadata-directive", value: directive)
        }
        let replacement = MetadataReplacement(
            metadata: try ObjectMetadata.from(context.headers),
            hasContentType: !(context.headers["Content-Type"] ?? "").isEmpty)
        // A copy moves no bytes here, so a traffic limit is only validated.
        _ = try TrafficLimit.parse(context)
        let options = ObjectStore.CopyOptions(
            replacement: directive == "REPLACE" ? replacement : nil,
            encryption: try ServerSideEncryption.requested(by: context.headers),
            storageClass: try StorageClass.parse(header: context.headers["x-oss-storage-class"]),
            acl: try CannedACL(header: context.headers["x-oss-object-acl"], allowDefault: true),
            forbidOverwrite: try context.forbidOverwrite(), tags: try Self.copiedTags(context))
        var sourceVersion: String?
        let object = try objects.copyObject(from: source, to: address, options: options) { source in
            try MultipartHandler.checkCopyConditions(source, context.headers)
            sourceVersion = source.versionName
        }
        var xml = XMLWriter()
        xml.open("CopyObjectResult")
        xml.element("ETag", object.etag)
        xml.element("LastModified", HTTPDate.iso8601(object.lastModified))
        xml.close("CopyObjectResult")
        var headers = HTTPHeaders()
        headers.add("ETag", object.etag)
        headers.add("x-oss-hash-crc64ecma", String(object.crc64))
        Self.addEncryption(object.metadata, to: &headers)
        if let sourceVersion, try objects.isVersioned(source.bucket) {
            headers.add("x-oss-copy-source-version-id", sourceVersion)
        }
        try addVersion(object, to: &headers)
        return .xml(xml.finish(), headers: headers)
    }

    func appendObject(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        if let version = context.query["versionId"] {
            // EC 0016-00000504: an append always goes to the current version.
            throw OSSError(
                .invalidArgument, "versionId is not supported by AppendObject.",
                details: [("ArgumentName", "versionId"), ("ArgumentValue", version)], ec: "0016-00000504")
        }
        guard let text = context.query["position"], let position = Int64(text), position >= 0 else {
            throw OSSError.invalidArgument(
                "position must be a non-negative integer.", name: "position", value: context.query["position"] ?? "")
        }
        let acl = try context.headers["x-oss-object-acl"].map { header throws(OSSError) in
            try CannedACL(header: header, allowDefault: true)
        }
        try TrafficLimit.applyToBody(context)
        let storageClass = try StorageClass.parse(header: context.headers["x-oss-storage-class"])
        // Appendable objects are Standard, IA or Archive only (OSS's EC 0016-00000503; the code is not
        // documented), and take no KMS key id (AppendObject's "Limits").
        if let storageClass, storageClass == .coldArchive || storageClass == .deepColdArchive {
            throw OSSError(
                .invalidArgument, "An appendable object cannot be of storage class \(storageClass.rawValue).",
                details: [("ArgumentName", "x-oss-storage-class"), ("ArgumentValue", storageClass.rawValue)],
                ec: "0016-00000503")
        }
        if let keyID = context.headers[ServerSideEncryption.keyIDHeader] {
            throw OSSError.invalidArgument(
                "An appendable object cannot be encrypted with a KMS key id.", name: ServerSideEncryption.keyIDHeader,
                value: keyID)
        }
        // Only the append that creates the object reads x-oss-tagging; later ones ignore it, even when it is invalid
        // (oss2's suite appends with 15 tags after the first append and expects success).
        let tags = position == 0 ? try TaggingDocument.objectTags(header: context.headers["x-oss-tagging"]) ?? [] : []
        let object = try objects.appendObject(
            address, position: position, body: context.body, expected: try context.expectedDigests(),
            metadata: try ObjectMetadata.from(context.headers), acl: acl, storageClass: storageClass, tags: tags)
        var headers = HTTPHeaders()
        headers.add("ETag", object.etag)
        headers.add("x-oss-next-append-position", String(object.size))
        headers.add("x-oss-hash-crc64ecma", String(object.crc64))
        // The creating append fixed the encryption; every reply echoes it (oss2's suite,
        // test_append_object_with_encryption).
        Self.addEncryption(object.metadata, to: &headers)
        try addVersion(object, to: &headers)
        return HTTPResponse(status: 200, headers: headers)
    }

    /// `POST /?delete`: `<Delete><Quiet>…</Quiet><Object><Key>…</Key></Object>…</Delete>`, Content-MD5 required.
    func deleteMultipleObjects(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        // OSS answers NoSuchBucket before it looks at the request document or its keys.
        _ = try objects.bucket(bucket)
        guard context.headers.contains("Content-MD5") else {
            throw OSSError(.missingArgument, "Missing Some Required Arguments: Content-MD5.", ec: "0016-00000606")
        }
        let root = try XMLDocument.parse(
            try context.smallBody(limit: 2 * 1024 * 1024), allowingControlCharacters: true)
        let entries = root.children("Object")
        guard root.name == "Delete", (1...1000).contains(entries.count) else { throw OSSError.malformedXML }
        let requested = try entries.map { entry throws(OSSError) in
            guard let key = entry.child("Key")?.text else {
                throw OSSError(
                    .malformedXML, "Every Object in a Delete request needs a Key.", ec: "0016-00000613")
            }
            // A malformed VersionId fails the whole request, before anything is deleted.
            return (
                key: try ObjectKey(validating: key).value,
                version: try VersionSelector.parse(entry.child("VersionId")?.text)
            )
        }
        let outcomes = try objects.deleteObjects(bucket, entries: requested)
        var xml = XMLWriter()
        xml.open("DeleteResult")
        if context.query.wantsURLEncoding { xml.element("EncodingType", "url") }
        if root.child("Quiet")?.text.lowercased() != "true" {
            // A key the bucket's retention policy kept is not reported as deleted.
            for (entry, outcome) in zip(requested, outcomes) where !outcome.refused {
                xml.open("Deleted")
                xml.element("Key", context.listedKey(entry.key))
                // OSS's element order: VersionId when one was named, then the marker fields when a marker was made
                // (no VersionId) or deleted (both, the same id).
                if entry.version != nil, let version = outcome.versionID { xml.element("VersionId", version) }
                if outcome.deleteMarker, let version = outcome.versionID {
                    xml.element("DeleteMarker", "true")
                    xml.element("DeleteMarkerVersionId", version)
                }
                xml.close("Deleted")
            }
        }
        xml.close("DeleteResult")
        return .xml(xml.finish())
    }

    func getObject(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let trafficLimit = try TrafficLimit.parse(context)
        var notModified: HTTPResponse?
        var range: Range<Int64>?
        let version = try VersionSelector.parse(context.query["versionId"])
        let (object, reader) = try objects.openObject(address, version: version) { object in
            // Conditions and the range are judged on the record, before any extent is fetched or opened.
            notModified = try Self.evaluateConditions(object, context.headers)
            if notModified != nil { return .nothing }
            range = try Self.byteRange(context.headers, size: object.size)
            return range.map { .range(offset: $0.lowerBound, length: $0.upperBound - $0.lowerBound) } ?? .all
        }
        if let notModified { return notModified }
        var headers = Self.objectHeaders(object)
        // Only a restored archived object gets this far (`ObjectStore.requireReadable`).
        if object.storageClass.needsRestore {
            Self.addRestore(try objects.restoreState(of: object), object, to: &headers)
        }
        try addVersion(object, to: &headers)
        try LastAccessTimeHeader(objects: objects, configurations: context.configurations).add(
            for: object, to: &headers, recordsRead: true)
        var status = 200
        if let range {
            status = 206
            headers.add("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(object.size)")
            // The whole-object CRC would not match the bytes of a range; SDKs that check ranged reads compare it.
            headers.remove("x-oss-hash-crc64ecma")
        }
        try Self.applyResponseOverrides(context.query, to: &headers)
        var response = HTTPResponse(status: status, headers: headers, body: .object(reader))
        TrafficLimit.apply(trafficLimit, to: &response)
        return response
    }

    func headObject(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let object = try objects.readableObject(
            address, version: try VersionSelector.parse(context.query["versionId"]))
        if let notModified = try Self.evaluateConditions(object, context.headers) { return notModified }
        var headers = Self.objectHeaders(object)
        try addVersion(object, to: &headers)
        headers.add("Content-Length", String(object.size))
        try LastAccessTimeHeader(objects: objects, configurations: context.configurations).add(
            for: object, to: &headers, recordsRead: false)
        Self.addRestore(try objects.restoreState(of: object), object, to: &headers)
        return HTTPResponse(status: 200, headers: headers)
    }

    /// OSS's GetObjectMeta reference lists only these headers (no `x-oss-object-type`), and for a symlink they are
    /// the link's own: the link is not followed.
    func getObjectMeta(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let object = try objects.object(address, version: try VersionSelector.parse(context.query["versionId"]))
        var headers = HTTPHeaders()
        try addVersion(object, to: &headers)
        headers.add("Content-Length", String(object.size))
        headers.add("ETag", object.etag)
        headers.add("Last-Modified", HTTPDate.rfc1123(object.lastModified))
        headers.add("x-oss-hash-crc64ecma", String(object.crc64))
        try LastAccessTimeHeader(objects: objects, configurations: context.configurations).add(
            for: object, to: &headers, recordsRead: false)
        return HTTPResponse(status: 200, headers: headers)
    }

    func deleteObject(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let outcome = try objects.deleteObject(
            address, version: try VersionSelector.parse(context.query["versionId"]))
        var response = HTTPResponse(status: 204)
        // oss2 reads x-oss-delete-marker with bool(): the header is sent only as `true`.
        if outcome.deleteMarker { response.headers.add("x-oss-delete-marker", "true") }
        if let version = outcome.versionID { response.headers.add("x-oss-version-id", version) }
        return response
    }

    func getObjectACL(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let object = try objects.object(address, version: try VersionSelector.parse(context.query["versionId"]))
        var headers = HTTPHeaders()
        try addVersion(object, to: &headers)
        return .xml(BucketHandler.accessControlPolicy(object.acl), headers: headers)
    }

    func putObjectACL(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let object = try objects.setObjectACL(
            address, version: try VersionSelector.parse(context.query["versionId"]),
            try CannedACL(header: context.headers["x-oss-object-acl"] ?? "", allowDefault: true))
        try LastAccessTimeHeader(objects: objects, configurations: context.configurations).recordWrite(of: object)
        var response = HTTPResponse(status: 200)
        try addVersion(object, to: &response.headers)
        return response
    }

    /// `x-oss-version-id` of the version a reply is about, once the bucket has had versioning enabled.
    func addVersion(_ object: ObjectRecord, to headers: inout HTTPHeaders) throws {
        if try objects.isVersioned(object.bucket) { headers.add("x-oss-version-id", object.versionName) }
    }

    // MARK: Response pieces

    static func objectHeaders(_ object: ObjectRecord) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add("Content-Type", object.metadata.contentType)
        headers.add("ETag", object.etag)
        headers.add("Last-Modified", HTTPDate.rfc1123(object.lastModified))
        headers.add("Accept-Ranges", "bytes")
        headers.add("x-oss-object-type", object.type.rawValue)
        headers.add("x-oss-storage-class", object.storageClass.rawValue)
        headers.add("x-oss-hash-crc64ecma", String(object.crc64))
        if let md5 = object.contentMD5 { headers.add("Content-MD5", md5) }
        if object.type == .appendable { headers.add("x-oss-next-append-position", String(object.size)) }
        if object.tagCount > 0 { headers.add("x-oss-tagging-count", String(object.tagCount)) }
        for pair in object.metadata.headers where pair.count == 2 { headers.add(pair[0], pair[1]) }
        return headers
    }

    /// `x-oss-restore`, and for the cold classes the tier of the restore (pyv2's HeadObjectResult).
    static func addRestore(_ state: RestoreState, _ object: ObjectRecord, to headers: inout HTTPHeaders) {
        guard let value = state.headerValue else { return }
        headers.add("x-oss-restore", value)
        if case .restored(let record) = state, let tier = record.tier {
            headers.add("x-oss-object-restore-priority", tier)
        }
    }

    static func addEncryption(_ metadata: ObjectMetadata, to headers: inout HTTPHeaders) {
        for pair in metadata.headers where pair.count == 2 && pair[0].hasPrefix("x-oss-server-side-") {
            headers.add(pair[0], pair[1])
        }
    }

    private static let overrides = [
        ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
    ]

    static func applyResponseOverrides(_ query: QueryParameters, to headers: inout HTTPHeaders) throws {
        for (parameter, header) in overrides {
            guard let value = query[parameter] else { continue }
            guard !value.utf8.contains(where: { $0 < 32 && $0 != 9 }) else {
                throw OSSError.invalidArgument(
                    "\(parameter) must not contain control characters.", name: parameter, value: value)
            }
            headers.set(header, value)
        }
    }

    /// RFC 7232 order: If-Match, If-Unmodified-Since (412), then If-None-Match, If-Modified-Since (304).
    static func evaluateConditions(_ object: ObjectRecord, _ headers: HTTPHeaders) throws -> HTTPResponse? {
        let etag = MultipartStore.normalizedETag(object.etag)
        if let ifMatch = headers["If-Match"], MultipartStore.normalizedETag(ifMatch) != etag {
            throw OSSError(
                .preconditionFailed, "At least one of the pre-conditions you specified did not hold.",
                details: [("Condition", "If-Match")])
        }
        if let text = headers["If-Unmodified-Since"], let date = HTTPDate.parseRFC1123(text), object.lastModified > date
        {
            throw OSSError(
                .preconditionFailed, "At least one of the pre-conditions you specified did not hold.",
                details: [("Condition", "If-Unmodified-Since")])
        }
        var notModified = false
        if let ifNoneMatch = headers["If-None-Match"] {
            notModified = MultipartStore.normalizedETag(ifNoneMatch) == etag
        } else if let text = headers["If-Modified-Since"], let date = HTTPDate.parseRFC1123(text) {
            notModified = object.lastModified <= date
        }
        guard notModified else { return nil }
        var response = HTTPResponse(status: 304)
        response.headers.add("ETag", object.etag)
        response.headers.add("Last-Modified", HTTPDate.rfc1123(object.lastModified))
        return response
    }

    /// The byte range to serve, or nil for the whole object. By default OSS ignores ranges it cannot satisfy;
    /// with `x-oss-range-behavior: standard` it clamps the end and refuses a start past the end (416).
    static func byteRange(_ headers: HTTPHeaders, size: Int64) throws -> Range<Int64>? {
        guard let header = headers["Range"], size > 0 else { return nil }
        let standard = headers["x-oss-range-behavior"]?.lowercased() == "standard"
        guard header.hasPrefix("bytes=") else { return nil }
        let first = header.dropFirst(6).split(separator: ",", maxSplits: 1)[safe: 0]?.trimmingSpaces() ?? ""
        let bounds = first.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return nil }
        let startText = bounds[0].trimmingSpaces()
        let endText = bounds[1].trimmingSpaces()
        if startText.isEmpty {
            guard let suffix = Int64(endText), suffix > 0 else { return nil }
            return max(0, size - suffix)..<size
        }
        guard let start = Int64(startText), start >= 0 else { return nil }
        var end = size - 1
        if !endText.isEmpty {
            guard let value = Int64(endText), value >= start else { return nil }
            end = value
        }
        if start >= size {
            if standard {
                throw OSSError(.invalidRange, "The requested range cannot be satisfied.")
            }
            return nil
        }
        if end >= size {
            guard standard || endText.isEmpty else { return nil }
            end = size - 1
        }
        return start..<(end + 1)
    }
}
