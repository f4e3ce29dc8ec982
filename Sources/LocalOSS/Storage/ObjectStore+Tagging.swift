import Foundation

/// Object and bucket tags, and symlinks: what the rows of schema 6 hold, and how reads follow a link.
extension ObjectStore {
    // MARK: Object tags

    /// The tags of the current version, or of the one `version` names; returned with the version they belong to.
    func objectTags(_ address: ObjectAddress, version: VersionSelector? = nil) throws -> (ObjectRecord, [Tag]) {
        try metadata.read { catalog in
            let object = try Self.existingVersion(address, version, catalog)
            return (object, try catalog.objectTags(objectID: object.id))
        }
    }

    /// Replaces one version's tag set (`[]` deletes it); returns that version. Tags never change Last-Modified
    /// (PutObjectTagging reference).
    @discardableResult
    func setObjectTags(_ address: ObjectAddress, version: VersionSelector? = nil, _ tags: [Tag]) throws
        -> ObjectRecord
    {
        try metadata.write { catalog in
            let object = try Self.existingVersion(address, version, catalog)
            try catalog.setObjectTags(objectID: object.id, tags)
            return object
        }
    }

    /// Gives the object just written under `record`'s key its tags and symlink target, inside the write.
    static func attach(tags: [Tag], symlinkTarget: String? = nil, to record: ObjectRecord, _ catalog: Catalog) throws {
        guard let id = try catalog.objectID(bucket: record.bucket, key: record.key) else { return }
        if !tags.isEmpty { try catalog.setObjectTags(objectID: id, tags) }
        if let symlinkTarget { try catalog.setSymlinkTarget(objectID: id, symlinkTarget) }
    }

    // MARK: Bucket tags

    func bucketTags(_ bucket: BucketName) throws -> [Tag] {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            return try catalog.bucketTags(bucket.value)
        }
    }

    /// Replaces the bucket's tags; `removing` (DeleteBucketTags `?tagging=k1,k2`) drops only those keys.
    func setBucketTags(_ bucket: BucketName, _ tags: [Tag]) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            try catalog.setBucketTags(bucket.value, tags)
        }
    }

    func deleteBucketTags(_ bucket: BucketName, keys: Set<String>?) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            let kept = try keys.map { keys in try catalog.bucketTags(bucket.value).filter { !keys.contains($0.key) } }
            try catalog.setBucketTags(bucket.value, kept ?? [])
        }
    }

    // MARK: Symlinks

    struct SymlinkOptions {
        var metadata: ObjectMetadata
        var acl: CannedACL
        /// nil: the bucket's storage class.
        var storageClass: StorageClass?
        var forbidOverwrite: Bool
        var tags: [Tag]
    }

    /// PutSymlink: a row without bytes, a version like any write. The target is not looked at (it may not exist yet, PutSymlink reference).
    /// OSS does not document a link's ETag; this one is the MD5 of the target key, so it changes with the target
    /// name and never equals the target's.
    func putSymlink(_ address: ObjectAddress, target: String, options: SymlinkOptions) throws -> ObjectRecord {
        let etag = "\"\(Encoding.upperHex(EVPDigest.hash(.md5, Array(target.utf8))))\""
        let (record, released) = try metadata.write { catalog in
            let bucket = try catalog.requireBucket(address.bucket.value)
            // As for PutObject, a versioned bucket keeps what a write replaces: x-oss-forbid-overwrite is moot there.
            if options.forbidOverwrite, bucket.versioning == nil,
                try catalog.object(bucket: address.bucket.value, key: address.key.value) != nil
            {
                throw Self.fileAlreadyExists
            }
            try guardExisting(address.key.value, in: bucket, .overwrite, catalog)
            var record = ObjectRecord(
                bucket: address.bucket.value, key: address.key.value, type: .symlink, size: 0, etag: etag, crc64: 0,
                contentMD5: nil, lastModified: clock.now(), metadata: options.metadata,
                storageClass: options.storageClass ?? bucket.storageClass, acl: options.acl)
            record.symlinkTarget = target
            let replaced = try installVersion(&record, extents: [], bucket: bucket, catalog)
            try Self.attach(tags: options.tags, symlinkTarget: target, to: record, catalog)
            return (record, try catalog.unreferenced(replaced))
        }
        blobs.remove(released)
        return record
    }

    /// GetSymlink: the link itself (the current version or the one `version` names); a key that is not a link is
    /// refused.
    func symlink(_ address: ObjectAddress, version: VersionSelector? = nil) throws -> ObjectRecord {
        try metadata.read { catalog in
            let object = try catalog.withTagsAndTarget(try Self.existingVersion(address, version, catalog))
            guard object.type == .symlink, object.symlinkTarget != nil else {
                throw OSSError(.notSymlink, "The specified object is not a symlink.")
            }
            return object
        }
    }

    /// The target of the symlink under that key; nil when there is none or it is another kind of object.
    func symlinkTarget(bucket: String, key: String) throws -> String? {
        try metadata.read { catalog in
            guard let object = try catalog.object(bucket: bucket, key: key), object.type == .symlink else { return nil }
            return try catalog.symlinkTarget(objectID: object.id)
        }
    }

    /// HeadObject: the object as GetObject would serve it.
    func readableObject(_ address: ObjectAddress, version: VersionSelector? = nil) throws -> ObjectRecord {
        try metadata.read { try Self.readableObject(address, $0, version: version) }
    }

    /// The object with its tag count; a symlink is followed to its target in the same bucket (one level: a link
    /// to a link is `InvalidTargetType`), and the result has the target's bytes under the link's name.
    static func readableObject(_ address: ObjectAddress, _ catalog: Catalog, version: VersionSelector? = nil) throws
        -> ObjectRecord
    {
        let object = try catalog.withTagsAndTarget(try existingVersion(address, version, catalog))
        guard object.type == .symlink else { return object }
        guard let targetKey = object.symlinkTarget,
            let target = try catalog.object(bucket: address.bucket.value, key: targetKey)
        else {
            throw OSSError(.symlinkTargetNotExist, "The symlink target object does not exist.")
        }
        guard target.type != .symlink else {
            throw OSSError(.invalidTargetType, "The symbolic's target file type is invalid")
        }
        return object.following(target)
    }
}

extension ObjectRecord {
    /// A link read through: the target's bytes, size, digests, dates and storage class (oss2's suite expects the
    /// target's length and ETag on a HEAD of the link), the link's own user metadata, ACL, tags and type.
    func following(_ target: ObjectRecord) -> ObjectRecord {
        let standard = target.metadata.headers.filter { !($0.first ?? "").hasPrefix("x-oss-meta-") }
        let userMetadata = metadata.headers.filter { ($0.first ?? "").hasPrefix("x-oss-meta-") }
        var result = ObjectRecord(
            id: target.id, bucket: bucket, key: key, type: .symlink, size: target.size, etag: target.etag,
            crc64: target.crc64, contentMD5: target.contentMD5, lastModified: target.lastModified,
            metadata: ObjectMetadata(contentType: target.metadata.contentType, headers: standard + userMetadata),
            storageClass: target.storageClass, acl: acl)
        result.tagCount = tagCount
        result.symlinkTarget = symlinkTarget
        return result
    }
}
