/// Bucket retention policies (WORM), overwrite protection, and data redundancy transitions: the policy's life
/// (initiate, lock, extend, abort, lapse) and the one check every write and delete of an existing key passes.
extension ObjectStore {
    // MARK: Retention policy

    /// The bucket's policy as it stands now: nil when it has none or an unlocked one lapsed.
    func retentionPolicy(_ bucket: BucketName) throws -> RetentionPolicy? {
        let now = clock.now()
        return try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            return try catalog.retentionPolicy(bucket: bucket.value).flatMap { $0.isInForce(at: now) ? $0 : nil }
        }
    }

    /// InitiateBucketWorm: a new `InProgress` policy. A bucket keeps one policy: a locked one cannot be replaced,
    /// an unlocked one must be aborted (or lapse) first.
    func initiateRetention(_ bucket: BucketName, days: Int) throws -> RetentionPolicy {
        let now = clock.now()
        return try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            if let existing = try catalog.retentionPolicy(bucket: bucket.value), existing.isInForce(at: now) {
                throw existing.state == .locked
                    ? Self.wormLocked
                    : OSSError(
                        .invalidWORMConfiguration,
                        "The bucket already has a retention policy in progress; abort it before initiating another.")
            }
            let policy = RetentionPolicy(
                id: Encoding.upperHex(RandomBytes.make(16)), state: .inProgress, days: days, created: now)
            try catalog.setRetentionPolicy(bucket: bucket.value, policy)
            return policy
        }
    }

    /// AbortBucketWorm: only an unlocked policy can be removed.
    func abortRetention(_ bucket: BucketName) throws {
        try changeRetention(bucket, id: nil) { policy throws(OSSError) in
            if policy.state == .locked { throw Self.wormLocked }
            return nil
        }
    }

    /// CompleteBucketWorm: locks the policy the id names.
    func lockRetention(_ bucket: BucketName, id: String) throws {
        try changeRetention(bucket, id: id) { policy throws(OSSError) in
            if policy.state == .locked { throw Self.wormLocked }
            var locked = policy
            locked.state = .locked
            return locked
        }
    }

    /// ExtendBucketWorm: a longer period for the locked policy the id names.
    func extendRetention(_ bucket: BucketName, id: String, days: Int) throws {
        try changeRetention(bucket, id: id) { policy throws(OSSError) in try policy.extended(to: days) }
    }

    /// Applies `change` to the bucket's policy in force (the one `id` names, when given); nil deletes it.
    private func changeRetention(
        _ bucket: BucketName, id: String?, _ change: (RetentionPolicy) throws(OSSError) -> RetentionPolicy?
    ) throws {
        let now = clock.now()
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            guard let policy = try catalog.retentionPolicy(bucket: bucket.value), policy.isInForce(at: now),
                id == nil || policy.id == id
            else {
                throw Self.noSuchRetention(bucket.value)
            }
            try catalog.setRetentionPolicy(bucket: bucket.value, try change(policy))
        }
    }

    static func noSuchRetention(_ bucket: String) -> OSSError {
        OSSError(
            .noSuchWORMConfiguration, "The specified bucket does not have a retention policy.",
            details: [("BucketName", bucket)])
    }

    static let wormLocked = OSSError(
        .wormConfigurationLocked, "The retention policy of the bucket is locked and cannot be changed this way.")

    static let fileImmutable = OSSError(
        .fileImmutable, "The object is protected by the bucket's retention policy (WORM) and cannot be changed.")

    // MARK: The check of writes and deletes

    /// What a write or delete is about to do to a key of an unversioned bucket. A versioned bucket keeps what a
    /// write or delete replaces, so neither check applies there (as x-oss-forbid-overwrite does not).
    enum KeyChange {
        case overwrite, delete
    }

    /// Refuses replacing or deleting the key's current object while the bucket's retention policy still protects
    /// it (409 FileImmutable), and replacing it when an overwrite-protection rule matches the key (409
    /// FileAlreadyExists). Runs inside the write transaction, so nothing has changed when it throws.
    func guardExisting(_ key: String, in bucket: BucketRecord, _ change: KeyChange, _ catalog: Catalog) throws {
        try Self.guardExisting(key, in: bucket, change, catalog, now: clock.now())
    }

    static func guardExisting(
        _ key: String, in bucket: BucketRecord, _ change: KeyChange, _ catalog: Catalog, now: Int64
    ) throws {
        guard bucket.versioning == nil, let existing = try catalog.object(bucket: bucket.name, key: key) else {
            return
        }
        if let policy = try catalog.retentionPolicy(bucket: bucket.name),
            policy.protects(lastModified: existing.lastModified, at: now)
        {
            throw Self.fileImmutable
        }
        guard change == .overwrite,
            let document = try catalog.configurations(bucket: bucket.name)[OverwriteConfiguration.subresource]
        else { return }
        if OverwriteConfiguration.rules(in: document).contains(where: { $0.forbids(key: key) }) {
            throw Self.overwriteForbidden
        }
    }

    static let overwriteForbidden = OSSError(
        .fileAlreadyExists, "The object you specified already exists and can not be overwritten.",
        ec: "0026-00000201")

    // MARK: Redundancy transitions

    /// CreateBucketDataRedundancyTransition: the bucket becomes ZRS at once and the task is recorded finished.
    func createRedundancyTransition(_ bucket: BucketName, to target: String) throws -> RedundancyTransitionRecord {
        let task = RedundancyTransitionRecord(
            taskID: transitionIDs.next().lowercased(), bucket: bucket.value, created: clock.now())
        try metadata.write { catalog in
            let record = try catalog.requireBucket(bucket.value)
            guard record.redundancy != target else {
                throw OSSError.invalidArgument(
                    "The bucket's data redundancy type is already \(target).", name: "x-oss-target-redundancy-type",
                    value: target)
            }
            try catalog.setBucketRedundancy(bucket.value, target)
            try catalog.insertRedundancyTransition(task)
        }
        return task
    }

    func redundancyTransition(_ bucket: BucketName, taskID: String) throws -> RedundancyTransitionRecord {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            guard let task = try catalog.redundancyTransition(bucket: bucket.value, taskID: taskID) else {
                throw Self.noSuchTransition(taskID)
            }
            return task
        }
    }

    func deleteRedundancyTransition(_ bucket: BucketName, taskID: String) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            guard try catalog.redundancyTransition(bucket: bucket.value, taskID: taskID) != nil else {
                throw Self.noSuchTransition(taskID)
            }
            try catalog.deleteRedundancyTransition(taskID: taskID)
        }
    }

    /// A page of tasks in creation order (one bucket's, or the account's when `bucket` is nil), from the task
    /// `start` names on; the task after the page, if any, is where the next page starts.
    func redundancyTransitions(_ bucket: BucketName?, from start: String?, limit: Int) throws -> (
        [RedundancyTransitionRecord], next: String?
    ) {
        try metadata.read { catalog in
            if let bucket { _ = try catalog.requireBucket(bucket.value) }
            let rows = try catalog.redundancyTransitions(bucket: bucket?.value, from: start, limit: limit + 1)
            return (Array(rows.prefix(limit)), rows.count > limit ? rows[limit].taskID : nil)
        }
    }

    static func noSuchTransition(_ taskID: String) -> OSSError {
        OSSError(
            .noSuchRedundancyTransition, "The specified data redundancy transition task does not exist.",
            details: [("TaskId", taskID)])
    }
}
