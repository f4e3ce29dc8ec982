/// RestoreObject, the read gate of archived objects, and bucket default encryption.
extension ObjectStore {
    static let invalidObjectState = OSSError(
        .invalidObjectState, "The operation is not valid for the object's state")

    /// The restore state of an object as of now (`.frozen` for classes that need none: callers ask
    /// `needsRestore` first).
    func restoreState(of object: ObjectRecord, _ catalog: Catalog) throws -> RestoreState {
        guard object.storageClass.needsRestore else { return .frozen }
        return RestoreState(try catalog.restore(objectID: object.id), now: clock.now())
    }

    func restoreState(of object: ObjectRecord) throws -> RestoreState {
        guard object.storageClass.needsRestore else { return .frozen }
        return try metadata.read { try restoreState(of: object, $0) }
    }

    /// GetObject, CopyObject and UploadPartCopy read an archived object's bytes only while it is restored.
    /// `directRead`: GetObject of an Archive (not Cold or Deep Cold) object in a bucket with archive direct read
    /// enabled needs no restore (PutBucketArchiveDirectRead).
    func requireReadable(_ object: ObjectRecord, _ catalog: Catalog, directRead: Bool = false) throws {
        guard object.storageClass.needsRestore else { return }
        if try restoreState(of: object, catalog).isReadable { return }
        if directRead, object.storageClass == .archive, try catalog.archiveDirectRead(object.bucket) { return }
        throw Self.invalidObjectState
    }

    /// `POST /K?restore`. `versionID` is accepted for the current object only until buckets keep versions.
    func restoreObject(_ address: ObjectAddress, request: RestoreRequest) throws -> RestorePlan {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            guard let object = try catalog.object(bucket: address.bucket.value, key: address.key.value) else {
                throw OSSError.noSuchKey(address.key.value)
            }
            let plan = try RestorePlan.plan(
                request, storageClass: object.storageClass, state: try restoreState(of: object, catalog),
                now: clock.now(), delay: restoreDelay)
            try catalog.setRestore(objectID: object.id, plan.record)
            return plan
        }
    }

    /// `POST /K?cleanRestoredObject`: ends a restored copy early; refused while the restore runs.
    func cleanRestoredObject(_ address: ObjectAddress) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(address.bucket.value)
            guard let object = try catalog.object(bucket: address.bucket.value, key: address.key.value) else {
                throw OSSError.noSuchKey(address.key.value)
            }
            if case .restoring = try restoreState(of: object, catalog) {
                throw OSSError(
                    .archiveRestoreNotFinished, "The archive file's restore is not finished.", ec: "0016-00000719")
            }
            try catalog.deleteRestore(objectID: object.id)
        }
    }

    /// `x-oss-restore` texts of a listing page's archived keys.
    func restoreInfo(_ bucket: BucketName, keys: [String]) throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        let now = clock.now()
        return try metadata.read { catalog in
            try catalog.restores(bucket: bucket.value, keys: keys).compactMapValues {
                RestoreState($0, now: now).headerValue
            }
        }
    }

    /// `RestoreInfo` of listed versions, by row id.
    func restoreInfo(versionIDs ids: [Int64]) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        let now = clock.now()
        return try metadata.read { catalog in
            try catalog.restores(versionIDs: ids).compactMapValues { RestoreState($0, now: now).headerValue }
        }
    }

    // MARK: Bucket settings

    func archiveDirectRead(_ bucket: BucketName) throws -> Bool {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            return try catalog.archiveDirectRead(bucket.value)
        }
    }

    func setArchiveDirectRead(_ bucket: BucketName, _ enabled: Bool) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            try catalog.setArchiveDirectRead(bucket.value, enabled)
        }
    }

    func bucketEncryption(_ bucket: BucketName) throws -> ServerSideEncryption? {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            return try catalog.bucketEncryption(bucket.value)
        }
    }

    /// nil removes the rule.
    func setBucketEncryption(_ bucket: BucketName, _ rule: ServerSideEncryption?) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            try catalog.setBucketEncryption(bucket.value, rule)
        }
    }
}
