/// Tags of objects, uploads and buckets, and symlink targets: rows keyed by their owner (schema 6), so that
/// replacing or deleting the owner drops them by cascade.
extension Catalog {
    // MARK: Object tags

    func objectTags(objectID: Int64) throws -> [Tag] {
        try tags("SELECT key, value FROM object_tags WHERE object_id = ? ORDER BY seq", .integer(objectID))
    }

    func objectTagCount(objectID: Int64) throws -> Int {
        let statement = try fresh("SELECT COUNT(*) FROM object_tags WHERE object_id = ?")
        statement.bind(.integer(objectID))
        _ = try statement.step()
        return Int(statement.int(0))
    }

    /// Replaces the object's whole tag set (PutObjectTagging, DeleteObjectTagging with `[]`).
    func setObjectTags(objectID: Int64, _ tags: [Tag]) throws {
        try fresh("DELETE FROM object_tags WHERE object_id = ?").bind(.integer(objectID)).run()
        try insert(
            tags, sql: "INSERT INTO object_tags (object_id, seq, key, value) VALUES (?, ?, ?, ?)", .integer(objectID))
    }

    /// The id of the object now stored under the key: what a write that just replaced it attaches rows to. (With
    /// versions, this must become the id of the version the write created.)
    func objectID(bucket: String, key: String) throws -> Int64? {
        let statement = try fresh("SELECT id FROM objects WHERE bucket = ? AND key = ?")
        statement.bind(.string(bucket), .string(key))
        return try statement.step() ? statement.int(0) : nil
    }

    // MARK: Upload tags (x-oss-tagging of InitiateMultipartUpload, applied at Complete)

    func uploadTags(uploadID: String) throws -> [Tag] {
        try tags("SELECT key, value FROM upload_tags WHERE upload_id = ? ORDER BY seq", .string(uploadID))
    }

    func setUploadTags(uploadID: String, _ tags: [Tag]) throws {
        try insert(
            tags, sql: "INSERT INTO upload_tags (upload_id, seq, key, value) VALUES (?, ?, ?, ?)", .string(uploadID))
    }

    // MARK: Bucket tags

    func bucketTags(_ bucket: String) throws -> [Tag] {
        try tags("SELECT key, value FROM bucket_tags WHERE bucket = ? ORDER BY seq", .string(bucket))
    }

    func setBucketTags(_ bucket: String, _ tags: [Tag]) throws {
        try fresh("DELETE FROM bucket_tags WHERE bucket = ?").bind(.string(bucket)).run()
        try insert(tags, sql: "INSERT INTO bucket_tags (bucket, seq, key, value) VALUES (?, ?, ?, ?)", .string(bucket))
    }

    // MARK: Symlinks

    func symlinkTarget(objectID: Int64) throws -> String? {
        let statement = try fresh("SELECT target FROM symlinks WHERE object_id = ?")
        statement.bind(.integer(objectID))
        return try statement.step() ? statement.text(0) : nil
    }

    func setSymlinkTarget(objectID: Int64, _ target: String) throws {
        try fresh("INSERT OR REPLACE INTO symlinks (object_id, target) VALUES (?, ?)").bind(
            .integer(objectID), .string(target)
        ).run()
    }

    /// The record with what GET and HEAD add to it: its tag count and, for a symlink, its target.
    func withTagsAndTarget(_ object: ObjectRecord) throws -> ObjectRecord {
        var object = object
        object.tagCount = try objectTagCount(objectID: object.id)
        if object.type == .symlink { object.symlinkTarget = try symlinkTarget(objectID: object.id) }
        return object
    }

    // MARK: Helpers

    /// A cached statement ready for new bindings, even if this transaction already ran it.
    private func fresh(_ sql: String) throws -> Statement {
        let statement = try database.prepare(sql)
        statement.reset()
        return statement
    }

    private func tags(_ sql: String, _ owner: StatementValue) throws -> [Tag] {
        let statement = try fresh(sql)
        statement.bind(owner)
        var result: [Tag] = []
        while try statement.step() { result.append(Tag(key: statement.text(0), value: statement.text(1))) }
        return result
    }

    private func insert(_ tags: [Tag], sql: String, _ owner: StatementValue) throws {
        for (seq, tag) in tags.enumerated() {
            try fresh(sql).bind(owner, .int(seq), .string(tag.key), .string(tag.value)).run()
        }
    }
}
