/// Buckets and whole objects: the transaction boundary between blob files and metadata rows for non-multipart
/// writes and for every read.
struct ObjectStore: Sendable {
    let metadata: MetadataStore
    let blobs: BlobStore

    // MARK: Buckets

    /// Creates the bucket, or for an existing one applies a new ACL (OSS lets PutBucket re-set it).
    func createBucket(_ name: BucketName, acl: CannedACL?, storageClass: StorageClass?, redundancy: String?) throws {
        try metadata.write { catalog in
            if let existing = try catalog.bucket(name.value) {
                if let storageClass, storageClass != existing.storageClass {
                    throw OSSError(.bucketAlreadyExists, "Cannot modify existing bucket's storage class.")
                }
                if let acl { try catalog.setBucketACL(name.value, acl) }
                return
            }
            try catalog.insertBucket(
                BucketRecord(
                    name: name.value, created: HTTPDate.now(), acl: acl ?? .private,
                    storageClass: storageClass ?? .standard, redundancy: redundancy ?? "LRS"))
        }
    }

    func deleteBucket(_ name: BucketName) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(name.value)
            if try catalog.bucketHoldsAnything(name.value) {
                throw OSSError(
                    .bucketNotEmpty, "The bucket you tried to delete is not empty.",
                    details: [("BucketName", name.value)])
            }
            try catalog.deleteBucket(name.value)
        }
    }

    func bucket(_ name: BucketName) throws -> BucketRecord {
        try metadata.read { try $0.requireBucket(name.value) }
    }

    func setBucketACL(_ name: BucketName, _ acl: CannedACL) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(name.value)
            try catalog.setBucketACL(name.value, acl)
        }
    }

    func listBuckets(prefix: String?, marker: String?, limit: Int) throws -> [BucketRecord] {
        try metadata.read { try $0.buckets(prefix: prefix, after: marker, limit: limit) }
    }

    // MARK: Objects

    struct PutOptions {
        var metadata: ObjectMetadata
        var expected: ExpectedDigests
        var acl: CannedACL
        var storageClass: StorageClass
        var forbidOverwrite: Bool
    }

    func putObject(_ address: ObjectAddress, body: RequestBody, options: PutOptions) throws -> ObjectRecord {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            if options.forbidOverwrite, try catalog.object(bucket: address.bucket.value, key: address.key.value) != nil
            {
                throw Self.fileAlreadyExists
            }
        }
        let (staged, summary) = try BodyIngest(blobs: blobs).ingest(body, expected: options.expected)
        let blob = try blobs.commit(staged)
        let record = ObjectRecord(
            bucket: address.bucket.value, key: address.key.value, type: .normal, size: Int64(summary.length),
            etag: summary.etag, crc64: summary.crc64, contentMD5: summary.contentMD5, lastModified: HTTPDate.now(),
            metadata: options.metadata, storageClass: options.storageClass, acl: options.acl)
        do {
            let released = try metadata.write { catalog in
                _ = try catalog.requireBucket(address.bucket.value)
                if options.forbidOverwrite, try catalog.object(bucket: record.bucket, key: record.key) != nil {
                    throw Self.fileAlreadyExists
                }
                return try catalog.replaceObject(record, extents: [Extent(blob: blob, size: record.size)])
            }
            blobs.remove(released)
        } catch {
            blobs.remove([blob])
            throw error
        }
        return record
    }

    /// The object's record and its bytes, opened while the metadata lock is held.
    func openObject(_ address: ObjectAddress) throws -> (ObjectRecord, OpenFileRanges) {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            guard let object = try catalog.object(bucket: address.bucket.value, key: address.key.value) else {
                throw OSSError.noSuchKey(address.key.value)
            }
            return (object, try open(try catalog.extents(objectID: object.id)))
        }
    }

    func object(_ address: ObjectAddress) throws -> ObjectRecord {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            guard let object = try catalog.object(bucket: address.bucket.value, key: address.key.value) else {
                throw OSSError.noSuchKey(address.key.value)
            }
            return object
        }
    }

    func setObjectACL(_ address: ObjectAddress, _ acl: CannedACL) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            guard let object = try catalog.object(bucket: address.bucket.value, key: address.key.value) else {
                throw OSSError.noSuchKey(address.key.value)
            }
            try catalog.setObjectACL(id: object.id, acl)
        }
    }

    func deleteObject(_ address: ObjectAddress) throws {
        let released = try metadata.write { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            return try catalog.deleteObject(bucket: address.bucket.value, key: address.key.value)
        }
        blobs.remove(released)
    }

    func listObjects(
        _ bucket: BucketName, prefix: String, delimiter: String?, after marker: String?, maxKeys: Int
    ) throws -> ListingPage<ObjectRecord> {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            let start: ListingPosition = marker.map { .after(key: $0, id: nil) } ?? .beginning
            return try ListingWalker.walk(
                prefix: prefix, delimiter: delimiter, start: start, marker: marker, maxEntries: maxKeys
            ) { position, limit in
                try catalog.objects(bucket: bucket.value, prefix: prefix, from: position, limit: limit)
            }
        }
    }

    func open(_ extents: [Extent]) throws -> OpenFileRanges {
        let files = OpenFileRanges()
        for extent in extents {
            let fd = try blobs.openForReading(extent.blob)
            files.adopt(fd: fd)
            files.append(fd: fd, offset: 0, length: extent.size)
        }
        return files
    }

    static let fileAlreadyExists = OSSError(
        .fileAlreadyExists, "The object you specified already exists and can not be overwritten.")
}

extension ObjectRecord: ListingRow {
    var listingKey: String { key }
    var listingID: String? { nil }
}
