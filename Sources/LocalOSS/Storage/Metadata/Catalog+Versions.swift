/// Versions of objects. The invariant every function keeps: a key has a row in `objects` exactly when its newest
/// version is an object (not a delete marker); every other version, and every marker, is a row of
/// `object_versions`. A version moves between the two tables with its id, so the rows keyed by object id (tags,
/// symlink target, restore) follow it; they go when the version goes (`deleteVersionRows`).
extension Catalog {
    /// An id unused in both tables.
    static let nextID =
        "(SELECT MAX(COALESCE((SELECT MAX(id) FROM objects), 0), COALESCE((SELECT MAX(id) FROM object_versions), 0)) + 1)"

    enum StoredVersion {
        case object(ObjectRecord)
        case marker(DeleteMarkerRecord)
    }

    private static let versionColumns =
        "id, bucket, key, type, size, etag, crc64, content_md5, last_modified, content_type, headers, storage_class, acl, version_id, version_seq, delete_marker"

    /// The greatest `version_seq` of the key's versions, 0 when it has none.
    func newestVersionSeq(bucket: String, key: String) throws -> Int64 {
        let statement = try database.prepare(
            """
            SELECT MAX(COALESCE((SELECT version_seq FROM objects WHERE bucket = ?1 AND key = ?2), 0),
                       COALESCE((SELECT MAX(version_seq) FROM object_versions WHERE bucket = ?1 AND key = ?2), 0))
            """)
        statement.bind(.string(bucket), .string(key))
        _ = try statement.step()
        return statement.int(0)
    }

    /// The current version when it is a delete marker (no row in `objects`).
    func currentDeleteMarker(bucket: String, key: String) throws -> DeleteMarkerRecord? {
        guard case .marker(let marker) = try newestNoncurrent(bucket: bucket, key: key) else { return nil }
        if try object(bucket: bucket, key: key) != nil { return nil }
        return marker
    }

    /// The version a `versionId` names, current or not.
    func version(bucket: String, key: String, _ selector: VersionSelector) throws -> StoredVersion? {
        if let current = try object(bucket: bucket, key: key), current.versionID == selector.storedID {
            return .object(current)
        }
        var sql = "SELECT \(Self.versionColumns) FROM object_versions WHERE bucket = ? AND key = ? AND "
        var values: [StatementValue?] = [.string(bucket), .string(key)]
        switch selector {
        case .null:
            sql += "version_id IS NULL"
        case .id(let id, let stamp):
            sql += "version_seq = ? AND version_id = ?"
            values += [.integer(stamp), .string(id)]
        }
        let statement = try database.prepare(sql)
        bindAll(statement, values)
        guard try statement.step() else { return nil }
        return Self.storedVersion(statement)
    }

    /// Moves the current object (if any) into `object_versions`, extents and all; no blob is released.
    func demoteCurrent(bucket: String, key: String) throws {
        guard let current = try object(bucket: bucket, key: key) else { return }
        try database.prepare(
            """
            INSERT INTO object_versions (\(Self.versionColumns))
            SELECT \(Self.objectColumns), 0 FROM objects WHERE id = ?
            """
        ).bind(.integer(current.id)).run()
        try database.prepare(
            "INSERT INTO version_extents (object_id, seq, blob, size, start) SELECT object_id, seq, blob, size, start FROM extents WHERE object_id = ?"
        ).bind(.integer(current.id)).run()
        try database.prepare("DELETE FROM extents WHERE object_id = ?").bind(.integer(current.id)).run()
        try database.prepare("DELETE FROM objects WHERE id = ?").bind(.integer(current.id)).run()
    }

    /// Restores the invariant after a version was removed: when no object row is current and the newest remaining
    /// version is an object, it moves back into `objects`.
    func promoteNewest(bucket: String, key: String) throws {
        guard try object(bucket: bucket, key: key) == nil,
            case .object(let newest) = try newestNoncurrent(bucket: bucket, key: key)
        else { return }
        try database.prepare(
            "INSERT INTO objects (\(Self.objectColumns)) SELECT \(Self.objectColumns) FROM object_versions WHERE id = ?"
        ).bind(.integer(newest.id)).run()
        try database.prepare(
            "INSERT INTO extents (object_id, seq, blob, size, start) SELECT object_id, seq, blob, size, start FROM version_extents WHERE object_id = ?"
        ).bind(.integer(newest.id)).run()
        try database.prepare("DELETE FROM object_versions WHERE id = ?").bind(.integer(newest.id)).run()
    }

    func insertDeleteMarker(bucket: String, key: String, versionID: String?, seq: Int64, lastModified: Int64) throws {
        try database.prepare(
            """
            INSERT INTO object_versions (\(Self.versionColumns))
            VALUES (\(Self.nextID), ?, ?, 'Normal', 0, '', 0, NULL, ?, '', '[]', 'Standard', 'default', ?, ?, 1)
            """
        ).bind(
            .string(bucket), .string(key), .integer(lastModified), versionID.map { .string($0) }, .integer(seq)
        ).run()
    }

    /// Removes one version for good; returns what it was and the blobs it no longer needs. The next newest version
    /// becomes current.
    func deleteVersion(bucket: String, key: String, _ selector: VersionSelector) throws -> (
        StoredVersion?, released: [String]
    ) {
        guard let found = try version(bucket: bucket, key: key, selector) else { return (nil, []) }
        var released: [String] = []
        switch found {
        case .object(let object) where !object.isNoncurrent:
            released = try deleteObject(bucket: bucket, key: key)
        case .object(let object):
            released = try deleteNoncurrent(id: object.id)
        case .marker(let marker):
            released = try deleteNoncurrent(id: marker.id)
        }
        try promoteNewest(bucket: bucket, key: key)
        return (found, released)
    }

    /// Deletes the key's null version wherever it is (Suspended writes replace it); returns its blobs.
    func deleteNullVersion(bucket: String, key: String) throws -> [String] {
        switch try version(bucket: bucket, key: key, .null) {
        case .object(let object) where !object.isNoncurrent: try deleteObject(bucket: bucket, key: key)
        case .object(let object): try deleteNoncurrent(id: object.id)
        case .marker(let marker): try deleteNoncurrent(id: marker.id)
        case nil: []
        }
    }

    func setNoncurrentStorageClass(id: Int64, _ storageClass: StorageClass) throws {
        try database.prepare("UPDATE object_versions SET storage_class = ? WHERE id = ?").bind(
            .string(storageClass.rawValue), .integer(id)
        ).run()
    }

    func setNoncurrentACL(id: Int64, _ acl: CannedACL) throws {
        try database.prepare("UPDATE object_versions SET acl = ? WHERE id = ?").bind(
            .string(acl.rawValue), .integer(id)
        ).run()
    }

    /// One page of ListObjectVersions rows in its order — key ascending, newest version first — merged from the
    /// two tables' index range scans (`MERGE (UNION ALL)` in the query plan; no sort).
    func versionSummaries(bucket: String, prefix: String, from position: ListingPosition, limit: Int) throws
        -> [VersionSummary]
    {
        var conditions = ["bucket = ?"]
        var values: [StatementValue?] = [.string(bucket)]
        if !prefix.isEmpty {
            conditions.append("key >= ? AND key < ?")
            values += [.string(prefix), .text(ListingWalker.upperBound(of: prefix))]
        }
        switch position {
        case .beginning:
            break
        case .after(let key, let id):
            if let id, let seq = Int64(id) {
                conditions.append("key >= ? AND NOT (key = ? AND version_seq >= ?)")
                values += [.string(key), .string(key), .integer(seq)]
            } else {
                conditions.append("key > ?")
                values.append(.string(key))
            }
        case .pastPrefix(let commonPrefix):
            conditions.append("key >= ?")
            values.append(.text(ListingWalker.upperBound(of: commonPrefix)))
        }
        let filter = conditions.joined(separator: " AND ")
        let columns = "key, version_id, version_seq, last_modified, etag, type, size, storage_class"
        let statement = try database.prepare(
            """
            SELECT \(columns), 0, id FROM objects WHERE \(filter)
            UNION ALL
            SELECT \(columns), delete_marker, id FROM object_versions WHERE \(filter)
            ORDER BY 1, 3 DESC LIMIT ?
            """)
        bindAll(statement, values + values + [.int(limit)])
        var result: [VersionSummary] = []
        while try statement.step() {
            result.append(
                VersionSummary(
                    id: statement.int(9), key: statement.text(0), versionID: statement.optionalText(1),
                    versionSeq: statement.int(2),
                    isDeleteMarker: statement.int(8) != 0, lastModified: statement.int(3), etag: statement.text(4),
                    type: ObjectType(rawValue: statement.text(5)) ?? .normal, size: statement.int(6),
                    storageClass: StorageClass(rawValue: statement.text(7)) ?? .standard))
        }
        return result
    }

    /// The `version_seq` a `version-id-marker` stands for among the key's versions, nil when it names none.
    func versionSeq(bucket: String, key: String, _ selector: VersionSelector) throws -> Int64? {
        switch try version(bucket: bucket, key: key, selector) {
        case .object(let object): object.versionSeq
        case .marker(let marker): marker.versionSeq
        case nil: nil
        }
    }

    // MARK: Private

    private func newestNoncurrent(bucket: String, key: String) throws -> StoredVersion? {
        let statement = try database.prepare(
            """
            SELECT \(Self.versionColumns) FROM object_versions WHERE bucket = ? AND key = ?
            ORDER BY version_seq DESC LIMIT 1
            """)
        statement.bind(.string(bucket), .string(key))
        guard try statement.step() else { return nil }
        return Self.storedVersion(statement)
    }

    private func deleteNoncurrent(id: Int64) throws -> [String] {
        let delete = try database.prepare("DELETE FROM version_extents WHERE object_id = ? RETURNING blob")
        delete.bind(.integer(id))
        var blobs: [String] = []
        while try delete.step() { blobs.append(delete.text(0)) }
        try database.prepare("DELETE FROM object_versions WHERE id = ?").bind(.integer(id)).run()
        try deleteVersionRows(id: id)
        return blobs
    }

    private static func storedVersion(_ statement: Statement) -> StoredVersion {
        if statement.int(15) != 0 {
            return .marker(
                DeleteMarkerRecord(
                    id: statement.int(0), bucket: statement.text(1), key: statement.text(2),
                    versionID: statement.optionalText(13), versionSeq: statement.int(14),
                    lastModified: statement.int(8)))
        }
        var record = ObjectRecord(
            id: statement.int(0), bucket: statement.text(1), key: statement.text(2),
            type: ObjectType(rawValue: statement.text(3)) ?? .normal, size: statement.int(4), etag: statement.text(5),
            crc64: UInt64(bitPattern: statement.int(6)), contentMD5: statement.optionalText(7),
            lastModified: statement.int(8),
            metadata: ObjectMetadata(contentType: statement.text(9), headers: decode(statement.text(10))),
            storageClass: StorageClass(rawValue: statement.text(11)) ?? .standard,
            acl: CannedACL(rawValue: statement.text(12)) ?? .default, versionID: statement.optionalText(13),
            versionSeq: statement.int(14))
        record.isNoncurrent = true
        return .object(record)
    }
}
