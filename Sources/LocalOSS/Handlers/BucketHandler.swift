/// Service and bucket operations: HTTP in, `ObjectStore` calls, XML out.
struct BucketHandler {
    static let owner = (id: Credentials.ownerAccount, displayName: Credentials.ownerAccount)

    let objects: ObjectStore
    var region = Region.default

    func listBuckets(_ context: RequestContext) throws -> HTTPResponse {
        let prefix = context.query.nonEmpty("prefix")
        let marker = context.query.nonEmpty("marker")
        let maxKeys = try context.limit("max-keys", defaultValue: 100, maximum: 1000)
        if let prefix, !Self.canStartABucketName(prefix) {
            // The Go SDK's own suite (run against OSS) expects IsBucketExist("BucketNameInvalid"), a ListBuckets with
            // that prefix, to fail: OSS takes only prefixes a bucket name could start with. The code is not known.
            throw OSSError.invalidArgument(
                "The prefix of a bucket listing must be part of a valid bucket name.", name: "prefix", value: prefix)
        }
        // `tag-key` (with `tag-value`) keeps the buckets carrying that tag (oss2 `list_buckets`, pyv2 ListBuckets).
        let tag = context.query.nonEmpty("tag-key").map { (key: $0, value: context.query["tag-value"]) }
        // Every bucket is the owner's: another account has none of its own to list. `x-oss-resource-group-id`
        // keeps a group's buckets; every bucket is in the one group the account has.
        var buckets: [BucketRecord] = []
        let group = SwitchConfigurations.defaultResourceGroup
        let wanted = context.headers["x-oss-resource-group-id"] ?? ""
        if context.caller == .owner, wanted.isEmpty || wanted == group {
            buckets = try objects.listBuckets(prefix: prefix, marker: marker, limit: maxKeys + 1, tag: tag)
        }
        let isTruncated = buckets.count > maxKeys
        if isTruncated { buckets.removeLast() }
        var xml = XMLWriter()
        xml.open("ListAllMyBucketsResult")
        xml.element("Prefix", prefix ?? "")
        xml.element("Marker", marker ?? "")
        xml.element("MaxKeys", maxKeys)
        xml.element("IsTruncated", isTruncated)
        if isTruncated { xml.element("NextMarker", buckets.last?.name ?? "") }
        if case .account(let uid) = context.caller {
            xml.open("Owner")
            xml.element("ID", uid)
            xml.element("DisplayName", uid)
            xml.close("Owner")
        } else {
            writeOwner(&xml)
        }
        xml.open("Buckets")
        for bucket in buckets {
            xml.open("Bucket")
            xml.element("CreationDate", HTTPDate.iso8601(bucket.created))
            xml.element("ExtranetEndpoint", region.extranetEndpoint)
            xml.element("IntranetEndpoint", region.intranetEndpoint)
            xml.element("Location", region.location)
            xml.element("Name", bucket.name)
            xml.element("Region", region.id)
            xml.element("ResourceGroupId", group)
            xml.element("StorageClass", bucket.storageClass.rawValue)
            xml.close("Bucket")
        }
        xml.close("Buckets")
        xml.close("ListAllMyBucketsResult")
        return .xml(xml.finish())
    }

    func createBucket(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let acl = try context.headers["x-oss-acl"].map { header throws(OSSError) in
            try CannedACL(header: header, allowDefault: false)
        }
        var storageClass: StorageClass?
        var redundancy: String?
        let body = try context.smallBody(limit: 64 * 1024)
        if !body.isEmpty {
            let root = try XMLDocument.parse(body)
            guard root.name == "CreateBucketConfiguration" else { throw OSSError.malformedXML }
            if let text = root.child("StorageClass")?.text {
                guard let value = StorageClass(rawValue: text) else {
                    throw OSSError.invalidArgument("Invalid storage class.", name: "StorageClass", value: text)
                }
                storageClass = value
            }
            if let text = root.child("DataRedundancyType")?.text {
                guard text == "LRS" || text == "ZRS" else {
                    throw OSSError.invalidArgument(
                        "Invalid data redundancy type.", name: "DataRedundancyType", value: text)
                }
                redundancy = text
            }
        }
        // `x-oss-server-side-encryption` (with a KMS key id / data cipher) on PutBucket sets its default encryption.
        let encryption = try ServerSideEncryption.requested(by: context.headers)
        let group = try context.headers["x-oss-resource-group-id"].map { id throws(OSSError) in
            try SwitchConfigurations.resourceGroup(id)
        }
        try objects.createBucket(bucket, acl: acl, storageClass: storageClass, redundancy: redundancy)
        if let encryption { try objects.setBucketEncryption(bucket, encryption) }
        if let group {
            try objects.configurations.setDocument(
                SwitchConfigurations.resourceGroupDocument(group), name: SwitchConfigurations.resourceGroup.subresource,
                bucket: bucket.value)
        }
        var headers = HTTPHeaders()
        headers.add("Location", "/\(bucket.value)")
        return HTTPResponse(status: 200, headers: headers)
    }

    func deleteBucket(_ bucket: BucketName) throws -> HTTPResponse {
        try objects.deleteBucket(bucket)
        return HTTPResponse(status: 204)
    }

    func headBucket(_ bucket: BucketName) throws -> HTTPResponse {
        _ = try objects.bucket(bucket)
        return HTTPResponse(status: 200)
    }

    /// Lowercase letters, digits and `-`, at most 63 characters: what a bucket name is made of.
    static func canStartABucketName(_ prefix: String) -> Bool {
        prefix.utf8.count <= 63
            && prefix.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    func getBucketInfo(_ bucket: BucketName) throws -> HTTPResponse {
        let record = try objects.bucket(bucket)
        let configurations = objects.configurations
        let summary = try BucketConfigurationSummary { try configurations.document($0, bucket: bucket.value) }
        var xml = XMLWriter()
        xml.open("BucketInfo")
        xml.open("Bucket")
        xml.element("AccessMonitor", summary.accessMonitor)
        xml.element("CreationDate", HTTPDate.iso8601(record.created))
        xml.element("ExtranetEndpoint", region.extranetEndpoint)
        xml.element("IntranetEndpoint", region.intranetEndpoint)
        xml.element("Location", region.location)
        xml.element("StorageClass", record.storageClass.rawValue)
        xml.element("TransferAcceleration", summary.transferAcceleration)
        xml.element("CrossRegionReplication", "Disabled")
        xml.element("DataRedundancyType", record.redundancy)
        xml.element("Name", record.name)
        xml.element("ResourceGroupId", summary.resourceGroupID)
        // Absent until versioning is first enabled (oss2's test_bucket_info expects none on a new bucket).
        if let versioning = record.versioning { xml.element("Versioning", versioning.rawValue) }
        writeOwner(&xml)
        xml.open("AccessControlList")
        xml.element("Grant", record.acl.rawValue)
        xml.close("AccessControlList")
        xml.element("Comment", "")
        EncryptionHandler.writeBucketInfoRule(try objects.bucketEncryption(bucket), to: &xml)
        xml.open("BucketPolicy")
        xml.element("LogBucket", summary.logBucket)
        xml.element("LogPrefix", summary.logPrefix)
        xml.close("BucketPolicy")
        xml.element("BlockPublicAccess", summary.blockPublicAccess)
        xml.close("Bucket")
        xml.close("BucketInfo")
        return .xml(xml.finish())
    }

    func getBucketLocation(_ bucket: BucketName) throws -> HTTPResponse {
        _ = try objects.bucket(bucket)
        var xml = XMLWriter()
        xml.element("LocationConstraint", region.location)
        return .xml(xml.finish())
    }

    func getBucketACL(_ bucket: BucketName) throws -> HTTPResponse {
        let record = try objects.bucket(bucket)
        return .xml(Self.accessControlPolicy(record.acl))
    }

    func putBucketACL(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let acl = try CannedACL(header: context.headers["x-oss-acl"] ?? "", allowDefault: false)
        try objects.setBucketACL(bucket, acl)
        return HTTPResponse(status: 200)
    }

    static func accessControlPolicy(_ acl: CannedACL) -> String {
        var xml = XMLWriter()
        xml.open("AccessControlPolicy")
        writeOwner(&xml)
        xml.open("AccessControlList")
        xml.element("Grant", acl.rawValue)
        xml.close("AccessControlList")
        xml.close("AccessControlPolicy")
        return xml.finish()
    }

    /// ListObjects (v1) and ListObjectsV2: one listing walk, two response shapes.
    func listObjects(_ bucket: BucketName, version: Int, _ context: RequestContext) throws -> HTTPResponse {
        let query = context.query
        let prefix = query.nonEmpty("prefix") ?? ""
        let delimiter = query.nonEmpty("delimiter")
        let maxKeys = try context.limit("max-keys", defaultValue: 100, maximum: 1000)
        let marker: String?
        if version == 2 {
            if let token = query.nonEmpty("continuation-token") {
                guard let bytes = Encoding.hexBytes(token), let key = String(validating: bytes, as: UTF8.self) else {
                    throw OSSError.invalidArgument(
                        "The continuation token provided is incorrect.", name: "continuation-token", value: token)
                }
                marker = key
            } else {
                marker = query.nonEmpty("start-after")
            }
        } else {
            marker = query.nonEmpty("marker")
        }
        let page = try objects.listObjects(
            bucket, prefix: prefix, delimiter: delimiter, after: marker, maxKeys: maxKeys)
        let fetchOwner = version == 1 || query["fetch-owner"] == "true"
        var xml = XMLWriter()
        xml.open("ListBucketResult")
        xml.element("Name", bucket.value)
        xml.element("Prefix", context.listedKey(prefix))
        if version == 2 {
            if let startAfter = query["start-after"] { xml.element("StartAfter", context.listedKey(startAfter)) }
            if let token = query["continuation-token"] { xml.element("ContinuationToken", token) }
        } else {
            xml.element("Marker", context.listedKey(marker ?? ""))
        }
        xml.element("MaxKeys", maxKeys)
        xml.element("Delimiter", context.listedKey(delimiter ?? ""))
        if query.wantsURLEncoding { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", page.isTruncated)
        if page.isTruncated, let last = page.entries.last {
            if version == 2 {
                xml.element("NextContinuationToken", Encoding.upperHex(Array(last.key.utf8)))
            } else {
                xml.element("NextMarker", context.listedKey(last.key))
            }
        }
        // RestoreInfo of the page's archived objects that are being or have been restored.
        let restoreInfo = try objects.restoreInfo(
            bucket, keys: page.rows.filter { $0.storageClass.needsRestore }.map(\.key))
        for object in page.rows {
            xml.open("Contents")
            xml.element("Key", context.listedKey(object.key))
            xml.element("LastModified", HTTPDate.iso8601(object.lastModified))
            xml.element("ETag", object.etag)
            xml.element("Type", object.type.rawValue)
            xml.element("Size", object.size)
            xml.element("StorageClass", object.storageClass.rawValue)
            if let info = restoreInfo[object.key] { xml.element("RestoreInfo", info) }
            if fetchOwner { Self.writeOwner(&xml) }
            xml.close("Contents")
        }
        for commonPrefix in page.commonPrefixes {
            xml.open("CommonPrefixes")
            xml.element("Prefix", context.listedKey(commonPrefix))
            xml.close("CommonPrefixes")
        }
        if version == 2 { xml.element("KeyCount", page.entries.count) }
        xml.close("ListBucketResult")
        return .xml(xml.finish())
    }

    private func writeOwner(_ xml: inout XMLWriter) { Self.writeOwner(&xml) }

    static func writeOwner(_ xml: inout XMLWriter) {
        xml.open("Owner")
        xml.element("ID", owner.id)
        xml.element("DisplayName", owner.displayName)
        xml.close("Owner")
    }
}
