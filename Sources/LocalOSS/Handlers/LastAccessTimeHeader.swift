/// `x-oss-last-access-time` (RFC 1123) on GetObject, HeadObject and GetObjectMeta of a bucket that tracks access
/// times (`AccessTracking`); a GetObject also counts as an access. Buckets without tracking get no header and no
/// extra work beyond one lookup in their cached configuration documents. A GetObject of an object that a
/// `ReturnToStdWhenVisit` rule moved to a colder class also returns it to Standard.
struct LastAccessTimeHeader {
    let objects: ObjectStore

    /// `recordsRead`: the request is a GetObject, whose access OSS records (HEAD and GetObjectMeta do not).
    func add(for object: ObjectRecord, to headers: inout HTTPHeaders, recordsRead: Bool) throws {
        guard let since = try objects.accessTrackingSince(object.bucket) else { return }
        let lastAccess = AccessTracking.lastAccess(
            lastModified: object.lastModified, enabledAt: since, recorded: try objects.recordedAccess(of: object))
        headers.set("x-oss-last-access-time", HTTPDate.rfc1123(lastAccess))
        let now = objects.clock.now()
        if recordsRead, AccessTracking.readIsRecorded(lastAccess: lastAccess, now: now) {
            objects.recordAccessLater(of: object, at: now)
        }
        if recordsRead, object.storageClass != .standard,
            let document = try objects.configurations.document(LifecycleSweeper.subresource, bucket: object.bucket),
            LifecycleRule.readReturnsToStandard(
                LifecycleRule.parse(document), key: object.key, size: object.size, storageClass: object.storageClass)
        {
            objects.returnToStandardLater(object)
        }
    }

    /// PutObjectACL updates the last access time (OSS: "Operations that update the LastAccessTime").
    func recordWrite(of object: ObjectRecord) throws {
        guard try objects.accessTrackingSince(object.bucket) != nil else { return }
        try objects.recordAccess(of: object, at: objects.clock.now())
    }
}
