/// Buckets and whole objects: the transaction boundary between blob files and metadata rows for non-multipart
/// writes and for every read.
struct ObjectStore: Sendable {
    let metadata: MetadataStore
    let blobs: BlobStore
    /// Bucket creation and Last-Modified times, and when restores of archived objects finish and expire.
    var clock = ServerClock.system
    /// Seconds a RestoreObject takes until the copy is readable (`--restore-delay`), for every archive class.
    var restoreDelay: Int64 = 2
    /// Ids of new versions in versioned buckets.
    var versionIDs = VersionIDGenerator()
    /// Ids of data redundancy transition tasks: they sort by creation, so listings page in that order.
    var transitionIDs = UploadIDGenerator()

    /// The buckets' configurations (CORS, …).
    var configurations: BucketConfigurationStore { BucketConfigurationStore(metadata: metadata) }
    /// Inventory configurations, live channels and access points.
    var namedConfigurations: NamedConfigurationStore { NamedConfigurationStore(metadata: metadata, clock: clock) }

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
                    name: name.value, created: clock.now(), acl: acl ?? .private,
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

    func listBuckets(prefix: String?, marker: String?, limit: Int, tag: (key: String, value: String?)? = nil) throws
        -> [BucketRecord]
    {
        try metadata.read { try $0.buckets(prefix: prefix, after: marker, limit: limit, tag: tag) }
    }

    // MARK: Objects

    struct PutOptions {
        var metadata: ObjectMetadata
        var expected: ExpectedDigests
        var acl: CannedACL
        /// nil: the bucket's storage class.
        var storageClass: StorageClass?
        var forbidOverwrite: Bool
        /// `x-oss-tagging`, already validated.
        var tags: [Tag] = []
    }

    func putObject(_ address: ObjectAddress, body: some ByteSource, options: PutOptions) throws -> ObjectRecord {
        // Checked before the body is read, so that a refused write costs no upload; the write transaction checks
        // again. Without x-oss-forbid-overwrite only the (cached) bucket record is needed.
        let bucket: BucketRecord
        if options.forbidOverwrite {
            bucket = try metadata.read { catalog in
                let bucket = try catalog.requireBucket(address.bucket.value)
                // A versioned bucket keeps what a write replaces: x-oss-forbid-overwrite has no effect there.
                if bucket.versioning == nil,
                    try catalog.object(bucket: address.bucket.value, key: address.key.value) != nil
                {
                    throw Self.fileAlreadyExists
                }
                return bucket
            }
        } else {
            guard let record = try metadata.bucket(address.bucket.value) else {
                throw OSSError.noSuchBucket(address.bucket.value)
            }
            bucket = record
        }
        let ingest = BodyIngest(blobs: blobs)
        let blob: String
        let summary: BodySummary
        var inlineBytes: [UInt8]?
        if let (bytes, small) = try ingest.ingestSmall(body, expected: options.expected) {
            (blob, summary, inlineBytes) = (InlineBlob.newName(), small, bytes)
        } else {
            let (staged, large) = try ingest.ingest(body, expected: options.expected)
            (blob, summary) = (try blobs.commit(staged), large)
        }
        var record = ObjectRecord(
            bucket: address.bucket.value, key: address.key.value, type: .normal, size: Int64(summary.length),
            etag: summary.etag, crc64: summary.crc64, contentMD5: summary.contentMD5, lastModified: clock.now(),
            metadata: options.metadata, storageClass: options.storageClass ?? bucket.storageClass, acl: options.acl)
        do {
            let released: [String]
            (record, released) = try metadata.write { catalog in
                let bucket = try catalog.requireBucket(address.bucket.value)
                var record = record
                record.metadata = try record.metadata.withBucketDefault { try catalog.bucketEncryption(record.bucket) }
                if options.forbidOverwrite, bucket.versioning == nil,
                    try catalog.object(bucket: record.bucket, key: record.key) != nil
                {
                    throw Self.fileAlreadyExists
                }
                try guardExisting(record.key, in: bucket, .overwrite, catalog)
                if let inlineBytes { try catalog.insertInlineBlob(blob, inlineBytes) }
                let replaced = try installVersion(
                    &record, extents: [Extent(blob: blob, size: record.size)], bucket: bucket, catalog)
                if !options.tags.isEmpty { try Self.attach(tags: options.tags, to: record, catalog) }
                return (record, try catalog.unreferenced(replaced))
            }
            FaultInjection.reach(.objectCommitted)
            blobs.remove(released)
        } catch {
            blobs.remove([blob])
            throw error
        }
        return record
    }

    /// The object's record and a lazy reader of the bytes `select` asks for once it has seen the record (its
    /// conditions and range), from one snapshot: a ranged read fetches and pins only the extents it needs.
    func openObject(_ address: ObjectAddress, select: (ObjectRecord) throws -> ByteSelection) throws -> (
        ObjectRecord, ObjectReader
    ) {
        try pinnedRead { catalog in
            let object = try Self.readableObject(address, catalog)
            try requireReadable(object, catalog, directRead: true)
            return (object, try select(object), object.extentOwner)
        }
    }

    func object(_ address: ObjectAddress) throws -> ObjectRecord {
        try metadata.read { try Self.existingObject(address, $0) }
    }

    /// The object, else NoSuchBucket or NoSuchKey. The object is looked up first: a row in `objects` implies its
    /// bucket (a foreign key, and a bucket is deleted only when empty), so a hit needs no bucket query.
    static func existingObject(_ address: ObjectAddress, _ catalog: Catalog) throws -> ObjectRecord {
        if let object = try catalog.object(bucket: address.bucket.value, key: address.key.value) { return object }
        _ = try catalog.requireBucket(address.bucket.value)
        throw OSSError.noSuchKey(address.key.value)
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

    func listObjects(
        _ bucket: BucketName, prefix: String, delimiter: String?, after marker: String?, maxKeys: Int
    ) throws -> ListingPage<ObjectSummary> {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            let start: ListingPosition = marker.map { .after(key: $0, id: nil) } ?? .beginning
            return try ListingWalker.walk(
                prefix: prefix, delimiter: delimiter, start: start, marker: marker, maxEntries: maxKeys
            ) { position, limit in
                try catalog.objectSummaries(bucket: bucket.value, prefix: prefix, from: position, limit: limit)
            }
        }
    }

    static let fileAlreadyExists = OSSError(
        .fileAlreadyExists, "The object you specified already exists and can not be overwritten.")
}

extension ObjectStore {
    struct CopyOptions {
        /// New metadata (`REPLACE`), or nil to keep the source's (`COPY`).
        var replacement: MetadataReplacement?
        /// The request's server-side encryption: a copy never inherits its source's (oss2's suite, test_copy_object).
        var encryption: ServerSideEncryption?
        /// `x-oss-storage-class` of the copy; nil keeps the source's.
        var storageClass: StorageClass? = nil
        var acl: CannedACL
        var forbidOverwrite: Bool
        /// `x-oss-tagging-directive: Replace`: these tags; nil (`Copy`): the source's.
        var tags: [Tag]?
    }

    /// CopyObject is metadata only: the destination's extents name the source's blobs, which stay on disk while any
    /// row names them, so deleting either object leaves the other whole. `check` sees the source first (copy
    /// conditions).
    func copyObject(
        from source: CopySource, to destination: ObjectAddress, options: CopyOptions,
        check: (ObjectRecord) throws -> Void
    ) throws -> ObjectRecord {
        let (record, released) = try metadata.write { catalog in
            let bucket = try catalog.requireBucket(destination.bucket.value)
            let original = try catalog.copySource(source)
            try check(original)
            try requireReadable(original, catalog)
            let isSelf = original.bucket == destination.bucket.value && original.key == destination.key.value
            if options.forbidOverwrite, !isSelf, bucket.versioning == nil,
                try catalog.object(bucket: destination.bucket.value, key: destination.key.value) != nil
            {
                throw Self.fileAlreadyExists
            }
            try guardExisting(destination.key.value, in: bucket, .overwrite, catalog)
            let extents = try catalog.extents(of: original.extentOwner)
            let tags = try options.tags ?? catalog.objectTags(objectID: original.id)
            // A symlink source copies the link, not its target's bytes (OSS's copy-object reference).
            let target = original.type == .symlink ? try catalog.symlinkTarget(objectID: original.id) : nil
            var record = ObjectRecord(
                bucket: destination.bucket.value, key: destination.key.value,
                type: original.type == .appendable ? .normal : original.type, size: original.size,
                etag: original.etag, crc64: original.crc64, contentMD5: original.contentMD5,
                lastModified: clock.now(),
                metadata: try
                    (options.replacement?.applied(to: original.metadata)
                    ?? original.metadata.encrypted(with: options.encryption))
                    .withBucketDefault { try catalog.bucketEncryption(destination.bucket.value) },
                storageClass: options.storageClass ?? original.storageClass, acl: options.acl)
            let replaced = try installVersion(&record, extents: extents, bucket: bucket, catalog)
            if !tags.isEmpty || target != nil {
                try Self.attach(tags: tags, symlinkTarget: target, to: record, catalog)
            }
            return (record, try catalog.unreferenced(replaced))
        }
        blobs.remove(released)
        return record
    }

    /// AppendObject: the body becomes one more extent of an Appendable object (created at position 0). Metadata,
    /// ACL default and storage class (nil: the bucket's) are taken from the append that creates it.
    func appendObject(
        _ address: ObjectAddress, position: Int64, body: some ByteSource, expected: ExpectedDigests,
        metadata newMetadata: ObjectMetadata, acl: CannedACL?, storageClass: StorageClass?, tags: [Tag] = []
    ) throws -> ObjectRecord {
        _ = try metadata.read { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            try Self.checkAppendable(try catalog.object(bucket: address.bucket.value, key: address.key.value), position)
        }
        let (staged, summary) = try BodyIngest(blobs: blobs).ingest(body, expected: expected)
        let blob = try blobs.commit(staged)
        let extent = Extent(blob: blob, size: Int64(summary.length))
        do {
            let (record, released) = try metadata.write { catalog in
                let bucket = try catalog.requireBucket(address.bucket.value)
                let existing = try catalog.object(bucket: address.bucket.value, key: address.key.value)
                try Self.checkAppendable(existing, position)
                guard let existing else {
                    var record = ObjectRecord(
                        bucket: address.bucket.value, key: address.key.value, type: .appendable, size: extent.size,
                        etag: summary.etag, crc64: summary.crc64, contentMD5: nil, lastModified: clock.now(),
                        metadata: try newMetadata.withBucketDefault { try catalog.bucketEncryption(bucket.name) },
                        storageClass: storageClass ?? bucket.storageClass, acl: acl ?? .default)
                    // The key is absent or its current version is a delete marker: nothing is replaced.
                    let released = try installVersion(&record, extents: [extent], bucket: bucket, catalog)
                    // Only the append that creates the object sets tags; later appends ignore x-oss-tagging.
                    if !tags.isEmpty { try Self.attach(tags: tags, to: record, catalog) }
                    return (record, try catalog.unreferenced(released))
                }
                try guardExisting(existing.key, in: bucket, .overwrite, catalog)
                // OSS does not document an appendable object's ETag; this one changes with every append.
                let etag = "\"\(Encoding.upperHex(EVPDigest.hash(.md5, Array(existing.etag.utf8) + summary.md5)))\""
                let crc = CRC64.combine(existing.crc64, summary.crc64, secondLength: summary.length)
                try catalog.appendExtent(
                    to: existing, extent, crc64: crc, etag: etag, acl: acl ?? existing.acl, lastModified: clock.now())
                return (try catalog.object(bucket: existing.bucket, key: existing.key)!, [])
            }
            blobs.remove(released)
            return record
        } catch {
            blobs.remove([blob])
            throw error
        }
    }

    private static func checkAppendable(_ object: ObjectRecord?, _ position: Int64) throws {
        guard let object else {
            if position != 0 { throw positionMismatch(0) }
            return
        }
        guard object.type == .appendable else {
            throw OSSError(.objectNotAppendable, "The object is not appendable")
        }
        if object.size != position { throw positionMismatch(object.size) }
    }

    private static func positionMismatch(_ length: Int64) -> OSSError {
        OSSError(
            .positionNotEqualToLength, "Position is not equal to file length",
            headers: [("x-oss-next-append-position", String(length))])
    }

    /// Changes an object's storage class in place (a lifecycle transition), if it is still the object that was
    /// last modified at `lastModified`: an object written since is not the one the rule was applied to.
    func transition(_ address: ObjectAddress, to storageClass: StorageClass, ifLastModified lastModified: Int64) throws
    {
        try metadata.write { catalog in
            guard let object = try catalog.object(bucket: address.bucket.value, key: address.key.value),
                object.lastModified == lastModified
            else { return }
            try catalog.setStorageClass(id: object.id, storageClass)
        }
    }

    /// A lifecycle transition of one version, current or not (noncurrent-version rules).
    func transition(_ address: ObjectAddress, version: VersionSelector, to storageClass: StorageClass) throws {
        try metadata.write { catalog in
            guard
                case .object(let object) = try catalog.version(
                    bucket: address.bucket.value, key: address.key.value, version)
            else { return }
            if object.isNoncurrent {
                try catalog.setNoncurrentStorageClass(id: object.id, storageClass)
            } else {
                try catalog.setStorageClass(id: object.id, storageClass)
            }
        }
    }

    /// Deletes each key, or the version named with it (missing keys and versions count as deleted, as OSS reports
    /// them), in one transaction. Keys a retention policy protects are kept and come back `refused`.
    func deleteObjects(_ bucket: BucketName, entries: [(key: String, version: VersionSelector?)]) throws
        -> [DeleteOutcome]
    {
        let (outcomes, released) = try metadata.write { catalog in
            let record = try catalog.requireBucket(bucket.value)
            var outcomes: [DeleteOutcome] = []
            var released: [String] = []
            let now = clock.now()
            for entry in entries {
                do {
                    let (outcome, blobs) = try Self.delete(
                        entry.key, version: entry.version, in: record, catalog, versionIDs: versionIDs, now: now)
                    outcomes.append(outcome)
                    released += blobs
                } catch let error as OSSError where error.code == .fileImmutable {
                    // A key the retention policy protects stays, and the others are still deleted: the check
                    // throws before anything of that key changed.
                    outcomes.append(DeleteOutcome(refused: true))
                }
            }
            return (outcomes, try catalog.unreferenced(released))
        }
        blobs.remove(released)
        return outcomes
    }
}
