/// `x-oss-last-access-time` (RFC 1123) on GetObject, HeadObject and GetObjectMeta of a bucket that tracks access
/// times (`AccessTracking`); a GetObject also counts as an access. Buckets without tracking get no header and no
/// extra work beyond one lookup in the request's configuration documents. A GetObject of an object that a
/// `ReturnToStdWhenVisit` rule moved to a colder class also returns it to Standard.
struct LastAccessTimeHeader {
    let objects: ObjectStore
    /// The documents of the request's bucket (`RequestContext.configurations`).
    let configurations: BucketConfigurations?

    private func documents(of bucket: String) throws -> BucketConfigurations {
        try BucketConfigurations.of(bucket, reusing: configurations, in: objects.configurations)
    }

    /// `recordsRead`: the request is a GetObject, whose access OSS records (HEAD and GetObjectMeta do not).
    func add(for object: ObjectRecord, to headers: inout HTTPHeaders, recordsRead: Bool) throws {
        let documents = try documents(of: object.bucket)
        guard let since = documents.accessTrackingSince else { return }
        let lastAccess = AccessTracking.lastAccess(
            lastModified: object.lastModified, enabledAt: since, recorded: try objects.recordedAccess(of: object))
        headers.set("x-oss-last-access-time", HTTPDate.rfc1123(lastAccess))
        let now = objects.clock.now()
        if recordsRead, AccessTracking.readIsRecorded(lastAccess: lastAccess, now: now) {
            objects.recordAccessLater(of: object, at: now)
        }
        if recordsRead, object.storageClass != .standard,
            let document = documents.lifecycle,
            LifecycleRule.readReturnsToStandard(
                LifecycleRule.parse(document), key: object.key, size: object.size, storageClass: object.storageClass)
        {
            objects.returnToStandardLater(object)
        }
    }

    /// PutObjectACL updates the last access time (OSS: "Operations that update the LastAccessTime").
    func recordWrite(of object: ObjectRecord) throws {
        guard try documents(of: object.bucket).accessTrackingSince != nil else { return }
        try objects.recordAccess(of: object, at: objects.clock.now())
    }
}
