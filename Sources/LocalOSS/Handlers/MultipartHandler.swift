/// The seven multipart operations: HTTP in, `MultipartStore` calls, OSS's XML and headers out.
struct MultipartHandler {
    /// A Complete body lists at most 10000 parts (about 1 MB); anything much larger is refused unread.
    static let maxCompleteBodySize = 4 * 1024 * 1024

    let multipart: MultipartStore
    let objects: ObjectStore

    func initiate(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        let options = MultipartStore.InitiateOptions(
            metadata: try ObjectMetadata.from(context.headers),
            storageClass: try StorageClass.parse(header: context.headers["x-oss-storage-class"]),
            // OSS's InitiateMultipartUpload reference lists no ACL header (Go SDK 1.5's suite expects `default` after an
            // Initiate that sent one); the object's ACL is set by CompleteMultipartUpload's x-oss-object-acl.
            acl: .default,
            forbidOverwrite: try context.forbidOverwrite(),
            sequential: context.query.has("sequential"),
            tags: try TaggingDocument.objectTags(header: context.headers["x-oss-tagging"]) ?? [])
        _ = try context.smallBody(limit: 64 * 1024)
        let upload = try multipart.initiate(address, options: options)
        var xml = XMLWriter()
        xml.open("InitiateMultipartUploadResult")
        if context.query.wantsURLEncoding { xml.element("EncodingType", "url") }
        xml.element("Bucket", address.bucket.value)
        xml.element("Key", context.listedKey(address.key.value))
        xml.element("UploadId", upload.uploadID)
        xml.close("InitiateMultipartUploadResult")
        var headers = HTTPHeaders()
        ObjectHandler.addEncryption(upload.metadata, to: &headers)
        return .xml(xml.finish(), headers: headers)
    }

    func uploadPart(_ address: ObjectAddress, uploadID: String, part: PartNumber, _ context: RequestContext) throws
        -> HTTPResponse
    {
        if context.body.framing == .empty, !context.headers.contains("Content-Length") {
            throw OSSError(.missingContentLength, "You must provide the Content-Length HTTP header.")
        }
        try TrafficLimit.applyToBody(context)
        try ServerSideEncryption.refuseOnPart(context.headers)
        let (stored, upload) = try multipart.uploadPartOfUpload(
            address, uploadID: uploadID, part: part, body: context.body, expected: try context.expectedDigests())
        var headers = HTTPHeaders()
        headers.add("ETag", stored.etag)
        headers.add("Content-MD5", Encoding.base64(stored.md5))
        headers.add("x-oss-hash-crc64ecma", String(stored.crc64))
        ObjectHandler.addEncryption(upload.metadata, to: &headers)
        return HTTPResponse(status: 200, headers: headers)
    }

    func uploadPartCopy(
        _ address: ObjectAddress, uploadID: String, part: PartNumber, source: CopySource, _ context: RequestContext
    ) throws -> HTTPResponse {
        // The copy moves bytes between local files, never over the client's connection: only validated.
        _ = try TrafficLimit.parse(context)
        let rangeHeader = context.headers["x-oss-copy-source-range"]
        var sourceVersion: String?
        let stored = try multipart.uploadPartCopy(
            address, uploadID: uploadID, part: part, source: source,
            range: { object in try rangeHeader.map { try Self.copyRange($0, size: object.size) } },
            check: { object in
                try Self.checkCopyConditions(object, context.headers)
                sourceVersion = object.versionName
            })
        var xml = XMLWriter()
        xml.open("CopyPartResult")
        xml.element("LastModified", HTTPDate.iso8601(stored.lastModified))
        xml.element("ETag", stored.etag)
        xml.close("CopyPartResult")
        var headers = HTTPHeaders()
        headers.add("ETag", stored.etag)
        headers.add("x-oss-hash-crc64ecma", String(stored.crc64))
        if let sourceVersion, try objects.isVersioned(source.bucket) {
            headers.add("x-oss-copy-source-version-id", sourceVersion)
        }
        return .xml(xml.finish(), headers: headers)
    }

    func complete(_ address: ObjectAddress, uploadID: String, _ context: RequestContext) throws -> HTTPResponse {
        try ServerSideEncryption.refuseOnPart(context.headers)
        let body = try context.smallBody(limit: Self.maxCompleteBodySize)
        let selection: MultipartStore.PartSelection
        if context.headers["x-oss-complete-all"]?.lowercased() == "yes" {
            guard body.isEmpty else {
                throw OSSError(
                    .invalidArgument, "Should not speficy both complete all header and http body.",
                    ec: "0042-00000216")
            }
            selection = .all
        } else {
            selection = .listed(try CompleteMultipartUploadBody.parse(body))
        }
        let acl = try context.headers["x-oss-object-acl"].map { header throws(OSSError) in
            try CannedACL(header: header, allowDefault: true)
        }
        let object = try multipart.complete(
            address, uploadID: uploadID, selection: selection,
            forbidOverwrite: try context.forbidOverwrite(), acl: acl)
        var xml = XMLWriter()
        xml.open("CompleteMultipartUploadResult")
        if context.query.wantsURLEncoding { xml.element("EncodingType", "url") }
        xml.element(
            "Location",
            "http://\(context.host)/\(address.bucket.value)/\(Encoding.urlEncode(address.key.value, keepSlash: true))")
        xml.element("Bucket", address.bucket.value)
        xml.element("Key", context.listedKey(address.key.value))
        xml.element("ETag", object.etag)
        xml.close("CompleteMultipartUploadResult")
        var headers = HTTPHeaders()
        headers.add("ETag", object.etag)
        headers.add("x-oss-hash-crc64ecma", String(object.crc64))
        ObjectHandler.addEncryption(object.metadata, to: &headers)
        try ObjectHandler(objects: objects).addVersion(object, to: &headers)
        return .xml(xml.finish(), headers: headers)
    }

    func abort(_ address: ObjectAddress, uploadID: String) throws -> HTTPResponse {
        try multipart.abort(address, uploadID: uploadID)
        return HTTPResponse(status: 204)
    }

    func listParts(_ address: ObjectAddress, uploadID: String, _ context: RequestContext) throws -> HTTPResponse {
        let maxParts = try context.limit("max-parts", defaultValue: 1000, maximum: 1000)
        var marker = 0
        if let text = context.query.nonEmpty("part-number-marker") {
            guard let value = Int(text), value >= 0 else {
                throw OSSError.invalidArgument(
                    "part-number-marker must be a non-negative integer.", name: "part-number-marker", value: text)
            }
            marker = value
        }
        let (upload, parts, isTruncated) = try multipart.listParts(
            address, uploadID: uploadID, after: marker, maxParts: maxParts)
        var xml = XMLWriter()
        xml.open("ListPartsResult")
        if context.query.wantsURLEncoding { xml.element("EncodingType", "url") }
        xml.element("Bucket", address.bucket.value)
        xml.element("Key", context.listedKey(address.key.value))
        xml.element("UploadId", uploadID)
        xml.element("StorageClass", upload.storageClass.rawValue)
        xml.element("PartNumberMarker", marker)
        xml.element("NextPartNumberMarker", parts.last?.number ?? marker)
        xml.element("MaxParts", maxParts)
        xml.element("IsTruncated", isTruncated)
        Self.writeClientEncryption(upload.metadata, to: &xml)
        for part in parts {
            xml.open("Part")
            xml.element("PartNumber", part.number)
            xml.element("LastModified", HTTPDate.iso8601(part.lastModified))
            xml.element("ETag", part.etag)
            xml.element("HashCrc64ecma", String(part.crc64))
            xml.element("Size", part.size)
            xml.close("Part")
        }
        xml.close("ListPartsResult")
        return .xml(xml.finish())
    }

    func listUploads(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let query = context.query
        let prefix = query.nonEmpty("prefix") ?? ""
        let delimiter = query.nonEmpty("delimiter")
        let keyMarker = query.nonEmpty("key-marker")
        // Without a key-marker, OSS ignores upload-id-marker.
        let uploadIDMarker = keyMarker == nil ? nil : query.nonEmpty("upload-id-marker")
        let maxUploads = try context.limit("max-uploads", defaultValue: 1000, maximum: 1000)
        let page = try multipart.listUploads(
            bucket, prefix: prefix, delimiter: delimiter, keyMarker: keyMarker, uploadIDMarker: uploadIDMarker,
            maxUploads: maxUploads)
        var nextKeyMarker = ""
        var nextUploadIDMarker = ""
        switch page.entries.last {
        case .row(let upload):
            nextKeyMarker = upload.key
            nextUploadIDMarker = upload.uploadID
        case .commonPrefix(let commonPrefix):
            nextKeyMarker = commonPrefix
        case nil:
            break
        }
        var xml = XMLWriter()
        xml.open("ListMultipartUploadsResult")
        if query.wantsURLEncoding { xml.element("EncodingType", "url") }
        xml.element("Bucket", bucket.value)
        xml.element("KeyMarker", context.listedKey(keyMarker ?? ""))
        xml.element("UploadIdMarker", query.nonEmpty("upload-id-marker") ?? "")
        xml.element("NextKeyMarker", context.listedKey(nextKeyMarker))
        xml.element("NextUploadIdMarker", nextUploadIDMarker)
        xml.element("Delimiter", context.listedKey(delimiter ?? ""))
        xml.element("Prefix", context.listedKey(prefix))
        xml.element("MaxUploads", maxUploads)
        xml.element("IsTruncated", page.isTruncated)
        for upload in page.rows {
            xml.open("Upload")
            xml.element("Key", context.listedKey(upload.key))
            xml.element("UploadId", upload.uploadID)
            xml.element("StorageClass", upload.storageClass.rawValue)
            xml.element("Initiated", HTTPDate.iso8601(upload.initiated))
            xml.close("Upload")
        }
        for commonPrefix in page.commonPrefixes {
            xml.open("CommonPrefixes")
            xml.element("Prefix", context.listedKey(commonPrefix))
            xml.close("CommonPrefixes")
        }
        xml.close("ListMultipartUploadsResult")
        return .xml(xml.finish())
    }

    /// ListParts elements for an upload initiated with client-side-encryption headers, values verbatim, each only
    /// when given: alibabacloud-oss-v2 and the Go v2 SDK resume an encrypted upload from them.
    private static let clientEncryptionElements = [
        ("key", "ClientEncryptionKey"), ("start", "ClientEncryptionStart"), ("cek-alg", "ClientEncryptionCekAlg"),
        ("wrap-alg", "ClientEncryptionWrapAlg"), ("data-size", "ClientEncryptionDataSize"),
        ("part-size", "ClientEncryptionPartSize"),
    ]

    static func writeClientEncryption(_ metadata: ObjectMetadata, to xml: inout XMLWriter) {
        for (suffix, element) in clientEncryptionElements {
            if let value = metadata.value(of: ObjectMetadata.clientSideEncryptionPrefix + suffix) {
                xml.element(element, value)
            }
        }
    }

    // MARK: Request pieces

    /// `x-oss-copy-source-range: bytes=first-last` or `bytes=first-`, inclusive.
    static func copyRange(_ header: String, size: Int64) throws -> (offset: Int64, length: Int64) {
        let invalid = OSSError.invalidArgument(
            "The x-oss-copy-source-range value is not valid.", name: "x-oss-copy-source-range", value: header)
        guard header.hasPrefix("bytes=") else { throw invalid }
        let bounds = header.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int64(bounds[0].trimmingSpaces()), first >= 0 else { throw invalid }
        var last = size - 1
        if !bounds[1].trimmingSpaces().isEmpty {
            guard let value = Int64(bounds[1].trimmingSpaces()), value >= first else { throw invalid }
            last = min(value, size - 1)
        }
        guard first < size else { throw OSSError(.invalidRange, "The requested range cannot be satisfied.") }
        return (first, last - first + 1)
    }

    /// `x-oss-copy-source-if-*`. OSS's pages disagree on 304 vs 412 for if-none-match / if-modified-since on
    /// UploadPartCopy; a 304 to a PUT is an error to every SDK anyway, so every failed condition is 412.
    static func checkCopyConditions(_ object: ObjectRecord, _ headers: HTTPHeaders) throws {
        let etag = MultipartStore.normalizedETag(object.etag)
        let failed = OSSError(.preconditionFailed, "At least one of the pre-conditions you specified did not hold.")
        if let ifMatch = headers["x-oss-copy-source-if-match"], MultipartStore.normalizedETag(ifMatch) != etag {
            throw failed
        }
        if let text = headers["x-oss-copy-source-if-unmodified-since"], let date = HTTPDate.parseRFC1123(text),
            object.lastModified > date
        {
            throw failed
        }
        if let ifNoneMatch = headers["x-oss-copy-source-if-none-match"],
            MultipartStore.normalizedETag(ifNoneMatch) == etag
        {
            throw failed
        }
        if let text = headers["x-oss-copy-source-if-modified-since"], let date = HTTPDate.parseRFC1123(text),
            object.lastModified <= date
        {
            throw failed
        }
    }
}
