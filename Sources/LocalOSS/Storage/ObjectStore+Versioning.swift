/// Bucket versioning: the state, how a write or a delete becomes a version, and reads of a given version.
extension ObjectStore {
    func setVersioning(_ bucket: BucketName, _ state: VersioningState) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket.value)
            try catalog.setBucketVersioning(bucket.value, state)
        }
    }

    /// Whether replies of this bucket carry `x-oss-version-id` (versioning was enabled at least once).
    func isVersioned(_ bucket: String) throws -> Bool {
        try metadata.bucket(bucket)?.versioning != nil
    }

    /// Makes `record` the key's current version, as the bucket's versioning state says: never enabled, it replaces
    /// the object; Enabled, the current object becomes a noncurrent version and the write gets a new id;
    /// Suspended, the write is the null version, replacing the key's previous null version wherever it is.
    /// Returns the blobs no longer named by the replaced rows (still to pass through `unreferenced`).
    func installVersion(
        _ record: inout ObjectRecord, extents: [Extent], bucket: BucketRecord, _ catalog: Catalog
    ) throws -> [String] {
        guard let state = bucket.versioning else { return try catalog.replaceObject(record, extents: extents) }
        var released: [String] = []
        if state == .suspended { released = try catalog.deleteNullVersion(bucket: record.bucket, key: record.key) }
        try catalog.demoteCurrent(bucket: record.bucket, key: record.key)
        let (id, stamp) = versionIDs.next(after: try catalog.newestVersionSeq(bucket: record.bucket, key: record.key))
        record.versionID = state == .enabled ? id : nil
        record.versionSeq = stamp
        return released + (try catalog.replaceObject(record, extents: extents))
    }

    /// What DeleteObject reports: `x-oss-version-id` and `x-oss-delete-marker: true`, when the bucket is versioned.
    struct DeleteOutcome: Sendable {
        var versionID: String?
        var deleteMarker = false
        /// DeleteMultipleObjects: the key was kept, as the bucket's retention policy still protects it.
        var refused = false
    }

    /// DeleteObject, optionally of one version. Without a version a versioned bucket gets a delete marker (Enabled:
    /// a new id; Suspended: the null marker, replacing the null version); with one, that version goes for good and
    /// the next newest becomes current. An unknown version is no error, as OSS re-deletes without complaint.
    /// (A lifecycle expiration is the same delete without a version: a marker in a versioned bucket.)
    @discardableResult
    func deleteObject(_ address: ObjectAddress, version: VersionSelector? = nil) throws -> DeleteOutcome {
        let (outcome, released) = try metadata.write { catalog in
            let bucket = try catalog.requireBucket(address.bucket.value)
            let (outcome, released) = try Self.delete(
                address.key.value, version: version, in: bucket, catalog, versionIDs: versionIDs, now: clock.now())
            return (outcome, try catalog.unreferenced(released))
        }
        blobs.remove(released)
        return outcome
    }

    /// One key's delete inside a write transaction (DeleteObject and each entry of DeleteMultipleObjects).
    static func delete(
        _ key: String, version: VersionSelector?, in bucket: BucketRecord, _ catalog: Catalog,
        versionIDs: VersionIDGenerator, now: Int64
    ) throws -> (DeleteOutcome, [String]) {
        let name = bucket.name
        if let version {
            let (found, released) = try catalog.deleteVersion(bucket: name, key: key, version)
            guard bucket.versioning != nil else { return (DeleteOutcome(), released) }
            var outcome = DeleteOutcome(versionID: version.name)
            if case .marker = found { outcome.deleteMarker = true }
            return (outcome, released)
        }
        guard let state = bucket.versioning else {
            try guardExisting(key, in: bucket, .delete, catalog, now: now)
            return (DeleteOutcome(), try catalog.deleteObject(bucket: name, key: key))
        }
        var released: [String] = []
        if state == .suspended { released = try catalog.deleteNullVersion(bucket: name, key: key) }
        try catalog.demoteCurrent(bucket: name, key: key)
        let (id, stamp) = versionIDs.next(after: try catalog.newestVersionSeq(bucket: name, key: key))
        let markerID = state == .enabled ? id : nil
        try catalog.insertDeleteMarker(bucket: name, key: key, versionID: markerID, seq: stamp, lastModified: now)
        return (DeleteOutcome(versionID: markerID ?? VersionID.null, deleteMarker: true), released)
    }

    /// The object a read addresses: the current version, or the one `version` names. A current delete marker is
    /// 404 NoSuchKey and a marker named by id is 405 MethodNotAllowed, both with `x-oss-delete-marker: true`;
    /// an unknown version is 404 NoSuchVersion.
    static func existingVersion(
        _ address: ObjectAddress, _ version: VersionSelector?, _ catalog: Catalog
    ) throws -> ObjectRecord {
        let (bucket, key) = (address.bucket.value, address.key.value)
        guard let version else {
            if let object = try catalog.object(bucket: bucket, key: key) { return object }
            _ = try catalog.requireBucket(bucket)
            var error = OSSError.noSuchKey(key)
            if let marker = try catalog.currentDeleteMarker(bucket: bucket, key: key) {
                error.headers += [("x-oss-delete-marker", "true"), ("x-oss-version-id", marker.versionName)]
            }
            throw error
        }
        switch try catalog.version(bucket: bucket, key: key, version) {
        case .object(let object):
            return object
        case .marker(let marker):
            throw OSSError(
                .methodNotAllowed, "The specified method is not allowed against this resource.",
                details: [("ResourceType", "DeleteMarker"), ("Method", "GET")],
                headers: [("x-oss-delete-marker", "true"), ("x-oss-version-id", marker.versionName)])
        case nil:
            _ = try catalog.requireBucket(bucket)
            throw OSSError.noSuchVersion(key, version: version.name)
        }
    }

    func object(_ address: ObjectAddress, version: VersionSelector?) throws -> ObjectRecord {
        try metadata.read { try Self.existingVersion(address, version, $0) }
    }

    func openObject(
        _ address: ObjectAddress, version: VersionSelector?, select: (ObjectRecord) throws -> ByteSelection
    ) throws -> (ObjectRecord, ObjectReader) {
        try pinnedRead { catalog in
            // A symlink is followed, and an archived object must be restored (or directly readable) first.
            let object = try Self.readableObject(address, catalog, version: version)
            try requireReadable(object, catalog, directRead: true)
            return (object, try select(object), object.extentOwner)
        }
    }

    func setObjectACL(_ address: ObjectAddress, version: VersionSelector?, _ acl: CannedACL) throws -> ObjectRecord {
        try metadata.write { catalog in
            let object = try Self.existingVersion(address, version, catalog)
            if object.isNoncurrent {
                try catalog.setNoncurrentACL(id: object.id, acl)
            } else {
                try catalog.setObjectACL(id: object.id, acl)
            }
            return object
        }
    }

    /// ListObjectVersions: every version and delete marker in key order, newest first within a key, rolled up at
    /// the delimiter like the other listings. `versionIDMarker` continues within `keyMarker`'s versions; one that
    /// names no version of it starts at the next key.
    func listVersions(
        _ bucket: BucketName, prefix: String, delimiter: String?, keyMarker: String?, versionIDMarker: VersionSelector?,
        maxKeys: Int
    ) throws -> ListingPage<VersionSummary> {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            var start = ListingPosition.beginning
            if let keyMarker {
                let seq = try versionIDMarker.flatMap {
                    try catalog.versionSeq(bucket: bucket.value, key: keyMarker, $0)
                }
                start = .after(key: keyMarker, id: seq.map { String($0) })
            }
            return try ListingWalker.walk(
                prefix: prefix, delimiter: delimiter, start: start, marker: keyMarker, maxEntries: maxKeys
            ) { position, limit in
                try catalog.versionSummaries(bucket: bucket.value, prefix: prefix, from: position, limit: limit)
            }
        }
    }
}
