import Foundation

/// Every SQL statement the server runs, as typed queries. Used only inside `MetadataStore.read`/`write`, which hold
/// the connection's lock.
struct Catalog {
    let database: Database

    // MARK: Buckets

    func bucket(_ name: String) throws -> BucketRecord? {
        let statement = try database.prepare(
            "SELECT name, created, acl, storage_class, redundancy, versioning FROM buckets WHERE name = ?")
        statement.bind(.string(name))
        guard try statement.step() else { return nil }
        return BucketRecord(
            name: statement.text(0), created: statement.int(1), acl: CannedACL(rawValue: statement.text(2)) ?? .private,
            storageClass: StorageClass(rawValue: statement.text(3)) ?? .standard, redundancy: statement.text(4),
            versioning: statement.optionalText(5).flatMap(VersioningState.init(rawValue:)))
    }

    func requireBucket(_ name: String) throws -> BucketRecord {
        guard let bucket = try bucket(name) else { throw OSSError.noSuchBucket(name) }
        return bucket
    }

    func insertBucket(_ bucket: BucketRecord) throws {
        database.bucketsChanged = true
        try database.prepare(
            "INSERT INTO buckets (name, created, acl, storage_class, redundancy) VALUES (?, ?, ?, ?, ?)"
        ).bind(
            .string(bucket.name), .integer(bucket.created), .string(bucket.acl.rawValue),
            .string(bucket.storageClass.rawValue), .string(bucket.redundancy)
        ).run()
    }

    func setBucketACL(_ name: String, _ acl: CannedACL) throws {
        database.bucketsChanged = true
        try database.prepare("UPDATE buckets SET acl = ? WHERE name = ?").bind(.string(acl.rawValue), .string(name))
            .run()
    }

    func setBucketVersioning(_ name: String, _ state: VersioningState) throws {
        database.bucketsChanged = true
        try database.prepare("UPDATE buckets SET versioning = ? WHERE name = ?").bind(
            .string(state.rawValue), .string(name)
        ).run()
    }

    func deleteBucket(_ name: String) throws {
        database.bucketsChanged = true
        try database.prepare("DELETE FROM buckets WHERE name = ?").bind(.string(name)).run()
    }

    func bucketHoldsAnything(_ name: String) throws -> Bool {
        for sql in [
            "SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", "SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1",
            "SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1",
            // Live channels too: OSS refuses to delete a bucket that still has one (oss2's clean-up deletes them
            // first). Inventory configurations and access points go with the bucket.
            "SELECT 1 FROM named_configurations WHERE bucket = ? AND family = 'live' LIMIT 1",
        ] {
            if try database.prepare(sql).bind(.string(name)).step() { return true }
        }
        return false
    }

    /// `tag`: ListBuckets' `tag-key` (and `tag-value`) filter, applied in SQL so that pages stay full.
    func buckets(prefix: String?, after marker: String?, limit: Int, tag: (key: String, value: String?)? = nil) throws
        -> [BucketRecord]
    {
        var conditions: [String] = []
        var values: [StatementValue?] = []
        if let tag {
            conditions.append(
                "EXISTS (SELECT 1 FROM bucket_tags WHERE bucket = name AND key = ?"
                    + (tag.value == nil ? ")" : " AND value = ?)"))
            values.append(.string(tag.key))
            if let value = tag.value { values.append(.string(value)) }
        }
        if let prefix, !prefix.isEmpty {
            conditions.append("name >= ? AND name < ?")
            values += [.string(prefix), .text(ListingWalker.upperBound(of: prefix))]
        }
        if let marker, !marker.isEmpty {
            conditions.append("name > ?")
            values.append(.string(marker))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let statement = try database.prepare(
            "SELECT name, created, acl, storage_class, redundancy, versioning FROM buckets \(filter) ORDER BY name LIMIT ?"
        )
        bindAll(statement, values + [.int(limit)])
        var result: [BucketRecord] = []
        while try statement.step() {
            result.append(
                BucketRecord(
                    name: statement.text(0), created: statement.int(1),
                    acl: CannedACL(rawValue: statement.text(2)) ?? .private,
                    storageClass: StorageClass(rawValue: statement.text(3)) ?? .standard, redundancy: statement.text(4),
                    versioning: statement.optionalText(5).flatMap(VersioningState.init(rawValue:))))
        }
        return result
    }

    // MARK: Objects

    static let objectColumns =
        "id, bucket, key, type, size, etag, crc64, content_md5, last_modified, content_type, headers, storage_class, acl, version_id, version_seq"

    func object(bucket: String, key: String) throws -> ObjectRecord? {
        let statement = try database.prepare("SELECT \(Self.objectColumns) FROM objects WHERE bucket = ? AND key = ?")
        statement.bind(.string(bucket), .string(key))
        guard try statement.step() else { return nil }
        return objectRecord(statement)
    }

    /// The object an `x-oss-copy-source` names: its key as decoded, else the `+`-as-space reading Go v1 sends.
    func copySource(_ source: CopySource) throws -> ObjectRecord {
        _ = try requireBucket(source.bucket)
        if let version = source.version {
            switch try self.version(bucket: source.bucket, key: source.key, version) {
            case .object(let object): return object
            case .marker:
                // EC 0016-00000307; OSS's code is not documented, S3 answers 400 InvalidRequest.
                throw OSSError(
                    .invalidRequest, "The source of a copy request may not specifically refer to a delete marker.",
                    ec: "0016-00000307")
            case nil: throw OSSError.noSuchVersion(source.key, version: version.name)
            }
        }
        guard
            let object = try object(bucket: source.bucket, key: source.key)
                ?? source.alternateKey.flatMap({ try object(bucket: source.bucket, key: $0) })
        else { throw OSSError.noSuchKey(source.key) }
        return object
    }

    func extents(objectID: Int64) throws -> [Extent] {
        try extents(of: ExtentOwner(id: objectID, noncurrent: false))
    }

    func extents(of owner: ExtentOwner) throws -> [Extent] {
        let statement = try database.prepare(
            "SELECT blob, size FROM \(owner.noncurrent ? "version_extents" : "extents") WHERE object_id = ? ORDER BY seq"
        )
        statement.bind(.integer(owner.id))
        var extents: [Extent] = []
        while try statement.step() { extents.append(Extent(blob: statement.text(0), size: statement.int(1))) }
        return extents
    }

    /// The extents holding the bytes `offset..<offset+length` of an object, and where the first of them starts:
    /// two index range scans, however many extents the object has.
    func extents(of owner: ExtentOwner, covering offset: Int64, length: Int64) throws -> (
        extents: [Extent], start: Int64
    ) {
        let table = owner.noncurrent ? "version_extents" : "extents"
        let statement = try database.prepare(
            """
            SELECT blob, size, start FROM \(table)
            WHERE object_id = ?1 AND start < ?3
              AND start >= (SELECT MAX(start) FROM \(table) WHERE object_id = ?1 AND start <= ?2)
            ORDER BY start, seq
            """)
        statement.bind(.integer(owner.id), .integer(offset), .integer(offset + length))
        var extents: [Extent] = []
        var start: Int64?
        while try statement.step() {
            let size = statement.int(1)
            if size == 0 { continue }
            if start == nil { start = statement.int(2) }
            extents.append(Extent(blob: statement.text(0), size: size))
        }
        return (extents, start ?? offset)
    }

    /// Inserts the object, replacing any object of that key; returns the blobs the replaced object no longer needs.
    func replaceObject(_ object: ObjectRecord, extents: [Extent]) throws -> [String] {
        let released = try deleteObject(bucket: object.bucket, key: object.key)
        // The id is new in both tables: a version keeps its id as it moves between them (see `demote`).
        try database.prepare(
            """
            INSERT INTO objects (id, bucket, key, type, size, etag, crc64, content_md5, last_modified, content_type,
                headers, storage_class, acl, version_id, version_seq)
            VALUES (\(Self.nextID), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .string(object.bucket), .string(object.key), .string(object.type.rawValue), .integer(object.size),
            .string(object.etag), .unsigned(object.crc64), object.contentMD5.map { .string($0) },
            .integer(object.lastModified), .string(object.metadata.contentType),
            .string(Self.encode(object.metadata.headers)), .string(object.storageClass.rawValue),
            .string(object.acl.rawValue), object.versionID.map { .string($0) }, .integer(object.versionSeq)
        ).run()
        let objectID = try lastInsertID()
        let insert = try database.prepare(
            "INSERT INTO extents (object_id, seq, blob, size, start) VALUES (?, ?, ?, ?, ?)")
        var start: Int64 = 0
        for (seq, extent) in extents.enumerated() {
            insert.reset()
            try insert.bind(
                .integer(objectID), .int(seq), .string(extent.blob), .integer(extent.size), .integer(start)
            ).run()
            start += extent.size
        }
        return released
    }

    /// Deletes the object row and its extents; returns the blob names to unlink after commit.
    /// Only the id is read, and the extents' blobs come back from their DELETE: an overwrite is the common write.
    func deleteObject(bucket: String, key: String) throws -> [String] {
        let find = try database.prepare("SELECT id FROM objects WHERE bucket = ? AND key = ?")
        find.bind(.string(bucket), .string(key))
        guard try find.step() else { return [] }
        let id = find.int(0)
        find.reset()
        let delete = try database.prepare("DELETE FROM extents WHERE object_id = ? RETURNING blob")
        delete.bind(.integer(id))
        var blobs: [String] = []
        while try delete.step() { blobs.append(delete.text(0)) }
        try database.prepare("DELETE FROM objects WHERE id = ?").bind(.integer(id)).run()
        try deleteVersionRows(id: id)
        return blobs
    }

    /// Drops the rows that belong to a version, not to its place in `objects` or `object_versions` (schema 12):
    /// called wherever a version goes for good.
    func deleteVersionRows(id: Int64) throws {
        for table in ["object_tags", "symlinks", "object_restores", "object_access_times"] {
            try database.prepare("DELETE FROM \(table) WHERE object_id = ?").bind(.integer(id)).run()
        }
    }

    /// Adds a blob at the end of an appendable object and records its new size, CRC and ETag.
    func appendExtent(
        to object: ObjectRecord, _ extent: Extent, crc64: UInt64, etag: String, acl: CannedACL, lastModified: Int64
    ) throws {
        let next = try database.prepare("SELECT COALESCE(MAX(seq) + 1, 0) FROM extents WHERE object_id = ?")
        next.bind(.integer(object.id))
        _ = try next.step()
        let seq = next.int(0)
        try database.prepare("INSERT INTO extents (object_id, seq, blob, size, start) VALUES (?, ?, ?, ?, ?)").bind(
            .integer(object.id), .integer(seq), .string(extent.blob), .integer(extent.size), .integer(object.size)
        ).run()
        try database.prepare(
            "UPDATE objects SET size = ?, crc64 = ?, etag = ?, last_modified = ?, acl = ?, content_md5 = NULL WHERE id = ?"
        ).bind(
            .integer(object.size + extent.size), .unsigned(crc64), .string(etag), .integer(lastModified),
            .string(acl.rawValue), .integer(object.id)
        ).run()
    }

    func setStorageClass(id: Int64, _ storageClass: StorageClass) throws {
        try database.prepare("UPDATE objects SET storage_class = ? WHERE id = ?").bind(
            .string(storageClass.rawValue), .integer(id)
        ).run()
    }

    func setObjectACL(id: Int64, _ acl: CannedACL) throws {
        try database.prepare("UPDATE objects SET acl = ? WHERE id = ?").bind(.string(acl.rawValue), .integer(id)).run()
    }

    /// One page's worth of listing rows: only the columns a listing shows.
    func objectSummaries(bucket: String, prefix: String, from position: ListingPosition, limit: Int) throws
        -> [ObjectSummary]
    {
        var (conditions, values) = Self.rangeConditions(prefix: prefix, position: position, idColumn: nil)
        conditions.insert("bucket = ?", at: 0)
        values.insert(.string(bucket), at: 0)
        let statement = try database.prepare(
            """
            SELECT key, last_modified, etag, type, size, storage_class FROM objects
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY key LIMIT ?
            """)
        bindAll(statement, values + [.int(limit)])
        var result: [ObjectSummary] = []
        while try statement.step() {
            result.append(
                ObjectSummary(
                    key: statement.text(0), lastModified: statement.int(1), etag: statement.text(2),
                    type: ObjectType(rawValue: statement.text(3)) ?? .normal, size: statement.int(4),
                    storageClass: StorageClass(rawValue: statement.text(5)) ?? .standard))
        }
        return result
    }

    func objectRecord(_ statement: Statement) -> ObjectRecord {
        ObjectRecord(
            id: statement.int(0), bucket: statement.text(1), key: statement.text(2),
            type: ObjectType(rawValue: statement.text(3)) ?? .normal, size: statement.int(4), etag: statement.text(5),
            crc64: UInt64(bitPattern: statement.int(6)), contentMD5: statement.optionalText(7),
            lastModified: statement.int(8),
            metadata: ObjectMetadata(contentType: statement.text(9), headers: Self.decode(statement.text(10))),
            storageClass: StorageClass(rawValue: statement.text(11)) ?? .standard,
            acl: CannedACL(rawValue: statement.text(12)) ?? .default, versionID: statement.optionalText(13),
            versionSeq: statement.int(14))
    }

    // MARK: Uploads and parts

    private static let uploadColumns =
        "upload_id, bucket, key, initiated, content_type, headers, storage_class, acl, forbid_overwrite, sequential"

    func insertUpload(_ upload: UploadRecord) throws {
        try database.prepare("INSERT INTO uploads (\(Self.uploadColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").bind(
            .string(upload.uploadID), .string(upload.bucket), .string(upload.key), .integer(upload.initiated),
            .string(upload.metadata.contentType), .string(Self.encode(upload.metadata.headers)),
            .string(upload.storageClass.rawValue), .string(upload.acl.rawValue), .int(upload.forbidOverwrite ? 1 : 0),
            .int(upload.sequential ? 1 : 0)
        ).run()
    }

    /// The upload with that id, if it belongs to this bucket and key.
    func upload(_ uploadID: String, bucket: String, key: String) throws -> UploadRecord? {
        let statement = try database.prepare(
            "SELECT \(Self.uploadColumns) FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?")
        statement.bind(.string(uploadID), .string(bucket), .string(key))
        guard try statement.step() else { return nil }
        return uploadRecord(statement)
    }

    /// One page's worth of listing rows: only the columns a listing shows.
    func uploadSummaries(bucket: String, prefix: String, from position: ListingPosition, limit: Int) throws
        -> [UploadSummary]
    {
        var (conditions, values) = Self.rangeConditions(prefix: prefix, position: position, idColumn: "upload_id")
        conditions.insert("bucket = ?", at: 0)
        values.insert(.string(bucket), at: 0)
        let statement = try database.prepare(
            """
            SELECT key, upload_id, initiated, storage_class FROM uploads
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY key, upload_id LIMIT ?
            """)
        bindAll(statement, values + [.int(limit)])
        var result: [UploadSummary] = []
        while try statement.step() {
            result.append(
                UploadSummary(
                    key: statement.text(0), uploadID: statement.text(1), initiated: statement.int(2),
                    storageClass: StorageClass(rawValue: statement.text(3)) ?? .standard))
        }
        return result
    }

    /// Deletes the upload and its part rows; returns the part blobs to unlink after commit.
    func deleteUpload(_ uploadID: String) throws -> [String] {
        let blobs = try parts(uploadID: uploadID, after: 0, limit: Int(Int32.max)).map(\.blob)
        try database.prepare("DELETE FROM parts WHERE upload_id = ?").bind(.string(uploadID)).run()
        try database.prepare("DELETE FROM uploads WHERE upload_id = ?").bind(.string(uploadID)).run()
        return blobs
    }

    /// Stores the part, replacing one with the same number; returns the replaced part's blob.
    func replacePart(_ part: PartRecord, uploadID: String) throws -> String? {
        let existing = try database.prepare("SELECT blob FROM parts WHERE upload_id = ? AND part_number = ?")
        existing.bind(.string(uploadID), .int(part.number))
        let replaced = try existing.step() ? existing.text(0) : nil
        try database.prepare(
            """
            INSERT OR REPLACE INTO parts (upload_id, part_number, blob, size, md5, crc64, last_modified)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .string(uploadID), .int(part.number), .string(part.blob), .integer(part.size), .blob(part.md5),
            .unsigned(part.crc64), .integer(part.lastModified)
        ).run()
        return replaced
    }

    func parts(uploadID: String, after marker: Int, limit: Int) throws -> [PartRecord] {
        let statement = try database.prepare(
            """
            SELECT part_number, blob, size, md5, crc64, last_modified FROM parts
            WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?
            """)
        statement.bind(.string(uploadID), .int(marker), .int(limit))
        var result: [PartRecord] = []
        while try statement.step() {
            result.append(
                PartRecord(
                    number: Int(statement.int(0)), blob: statement.text(1), size: statement.int(2),
                    md5: statement.blob(3), crc64: UInt64(bitPattern: statement.int(4)), lastModified: statement.int(5))
            )
        }
        return result
    }

    private func uploadRecord(_ statement: Statement) -> UploadRecord {
        UploadRecord(
            uploadID: statement.text(0), bucket: statement.text(1), key: statement.text(2),
            initiated: statement.int(3),
            metadata: ObjectMetadata(contentType: statement.text(4), headers: Self.decode(statement.text(5))),
            storageClass: StorageClass(rawValue: statement.text(6)) ?? .standard,
            acl: CannedACL(rawValue: statement.text(7)) ?? .default, forbidOverwrite: statement.int(8) != 0,
            sequential: statement.int(9) != 0)
    }

    // MARK: Garbage collection

    /// The names no extent or part row refers to any more: the blobs a transaction may unlink once it commits.
    /// Copies share blobs, so a deleted object's blobs may still belong to another object or part.
    /// Inline blobs among them are deleted here, in the same transaction: their bytes are rows, and a reader
    /// copied what it needed inside its snapshot, so nothing waits for the commit.
    func unreferenced(_ names: [String]) throws -> [String] {
        let statement = try database.prepare("SELECT " + Self.isReferenced("?1"))
        var seen = Set<String>()
        var result: [String] = []
        for name in names where seen.insert(name).inserted {
            statement.reset()
            statement.bind(.string(name))
            _ = try statement.step()
            guard statement.int(0) == 0 else { continue }
            if InlineBlob.isInline(name) {
                try database.prepare("DELETE FROM inline_blobs WHERE name = ?").bind(.string(name)).run()
            } else {
                result.append(name)
            }
        }
        return result
    }

    // MARK: Bucket configurations

    /// The stored document of a bucket's configuration `name` (a sub-resource: `cors`, …), if any.
    func configuration(bucket: String, name: String) throws -> String? {
        let statement = try database.prepare("SELECT document FROM bucket_configurations WHERE bucket = ? AND name = ?")
        statement.bind(.string(bucket), .string(name))
        return try statement.step() ? statement.text(0) : nil
    }

    /// Every configuration document of a bucket, by name.
    func configurations(bucket: String) throws -> [String: String] {
        let statement = try database.prepare("SELECT name, document FROM bucket_configurations WHERE bucket = ?")
        statement.bind(.string(bucket))
        var documents: [String: String] = [:]
        while try statement.step() { documents[statement.text(0)] = statement.text(1) }
        return documents
    }

    func setConfiguration(bucket: String, name: String, document: String) throws {
        try database.prepare(
            """
            INSERT INTO bucket_configurations (bucket, name, document) VALUES (?, ?, ?)
            ON CONFLICT (bucket, name) DO UPDATE SET document = excluded.document
            """
        ).bind(.string(bucket), .string(name), .string(document)).run()
    }

    func deleteConfiguration(bucket: String, name: String) throws {
        try database.prepare("DELETE FROM bucket_configurations WHERE bucket = ? AND name = ?").bind(
            .string(bucket), .string(name)
        ).run()
    }

    func accountConfiguration(name: String) throws -> String? {
        let statement = try database.prepare("SELECT document FROM account_configurations WHERE name = ?")
        statement.bind(.string(name))
        return try statement.step() ? statement.text(0) : nil
    }

    func setAccountConfiguration(name: String, document: String?) throws {
        guard let document else {
            try database.prepare("DELETE FROM account_configurations WHERE name = ?").bind(.string(name)).run()
            return
        }
        try database.prepare(
            """
            INSERT INTO account_configurations (name, document) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET document = excluded.document
            """
        ).bind(.string(name), .string(document)).run()
    }

    // MARK: Inline blobs

    func insertInlineBlob(_ name: String, _ bytes: [UInt8]) throws {
        try database.prepare("INSERT INTO inline_blobs (name, bytes) VALUES (?, ?)").bind(.string(name), .blob(bytes))
            .run()
    }

    /// The bytes of an inline blob; a missing row is a broken invariant (an extent names it), reported as such.
    func inlineBlob(_ name: String) throws -> [UInt8] {
        let statement = try database.prepare("SELECT bytes FROM inline_blobs WHERE name = ?")
        statement.bind(.string(name))
        guard try statement.step() else {
            throw DatabaseError(code: 0, message: "inline blob \(name) is named by a row but missing")
        }
        return statement.blob(0)
    }

    /// The tables whose `blob` column names a blob: live objects' extents and uploads' parts, and their copies in
    /// snapshots (a snapshot names blobs instead of copying them, so they must outlive it).
    static let blobReferences = [
        "extents", "parts", "snapshot_extents", "snapshot_parts", "version_extents", "snapshot_version_extents",
    ]

    /// SQL that is true when a row of `blobReferences` names `name` (an expression or a parameter).
    static func isReferenced(_ name: String) -> String {
        blobReferences.map { "EXISTS (SELECT 1 FROM \($0) WHERE blob = \(name))" }.joined(separator: " OR ")
    }

    /// Every blob a committed row points at.
    func referencedBlobs() throws -> Set<String> {
        var names = Set<String>()
        for table in Self.blobReferences {
            let statement = try database.prepare("SELECT blob FROM \(table)")
            while try statement.step() { names.insert(statement.text(0)) }
        }
        return names
    }

    // MARK: Helpers

    /// Index-friendly bounds: `key` within the prefix's byte range and after the listing position. Only the tighter
    /// of the two lower bounds is written, so SQLite's range scan starts exactly where the page starts.
    private static func rangeConditions(prefix: String, position: ListingPosition, idColumn: String?) -> (
        [String], [StatementValue?]
    ) {
        var conditions: [String] = []
        var values: [StatementValue?] = []
        let positionKey: [UInt8]? =
            switch position {
            case .beginning: nil
            case .after(let key, _): Array(key.utf8)
            case .pastPrefix(let commonPrefix): ListingWalker.upperBound(of: commonPrefix)
            }
        let prefixBytes = Array(prefix.utf8)
        let positionIsInsideOrPastPrefix = positionKey.map { !$0.lexicographicallyPrecedes(prefixBytes) } ?? false
        if !prefix.isEmpty {
            if !positionIsInsideOrPastPrefix {
                conditions.append("key >= ?")
                values.append(.string(prefix))
            }
            conditions.append("key < ?")
            values.append(.text(ListingWalker.upperBound(of: prefix)))
        }
        if prefix.isEmpty || positionIsInsideOrPastPrefix {
            switch position {
            case .beginning:
                break
            case .after(let key, let id):
                if let id, let idColumn {
                    conditions.append("(key, \(idColumn)) > (?, ?)")
                    values += [.string(key), .string(id)]
                } else {
                    conditions.append("key > ?")
                    values.append(.string(key))
                }
            case .pastPrefix(let commonPrefix):
                conditions.append("key >= ?")
                values.append(.text(ListingWalker.upperBound(of: commonPrefix)))
            }
        }
        if conditions.isEmpty { conditions.append("1") }
        return (conditions, values)
    }

    func bindAll(_ statement: Statement, _ values: [StatementValue?]) {
        // `bind` is variadic; bind one by one through a tiny adapter to keep positions.
        for (offset, value) in values.enumerated() { statement.bind(at: Int32(offset + 1), value) }
    }

    func lastInsertID() throws -> Int64 { database.lastInsertRowID }

    /// Most objects carry no user headers: "[]" without a round trip through JSONSerialization (a tenth of a
    /// small PutObject's instructions).
    static func encode(_ headers: [[String]]) -> String {
        if headers.isEmpty { return "[]" }
        guard let data = try? JSONSerialization.data(withJSONObject: headers) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [[String]] {
        if text == "[]" { return [] }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String]] ?? []
    }
}
