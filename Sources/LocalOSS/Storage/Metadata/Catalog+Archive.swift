/// Queries of archive restores and bucket default encryption, kept apart from the core object rows.
extension Catalog {
    // MARK: Restores

    func restore(objectID: Int64) throws -> RestoreRecord? {
        let statement = try database.prepare(
            "SELECT requested_at, ready_at, expires_at, days, tier FROM object_restores WHERE object_id = ?")
        statement.bind(.integer(objectID))
        guard try statement.step() else { return nil }
        return RestoreRecord(
            requestedAt: statement.int(0), readyAt: statement.int(1), expiresAt: statement.int(2),
            days: Int(statement.int(3)), tier: statement.optionalText(4))
    }

    func setRestore(objectID: Int64, _ record: RestoreRecord) throws {
        try database.prepare(
            """
            INSERT OR REPLACE INTO object_restores (object_id, requested_at, ready_at, expires_at, days, tier)
            VALUES (?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .integer(objectID), .integer(record.requestedAt), .integer(record.readyAt), .integer(record.expiresAt),
            .int(record.days), record.tier.map { .string($0) }
        ).run()
    }

    func deleteRestore(objectID: Int64) throws {
        try database.prepare("DELETE FROM object_restores WHERE object_id = ?").bind(.integer(objectID)).run()
    }

    /// The restore records of the listed keys of a bucket that have one (a listing page's `RestoreInfo`).
    func restores(bucket: String, keys: [String]) throws -> [String: RestoreRecord] {
        guard !keys.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let statement = try database.prepare(
            """
            SELECT o.key, r.requested_at, r.ready_at, r.expires_at, r.days, r.tier
            FROM object_restores r JOIN objects o ON o.id = r.object_id
            WHERE o.bucket = ? AND o.key IN (\(placeholders))
            """)
        statement.bind(at: 1, .string(bucket))
        for (index, key) in keys.enumerated() { statement.bind(at: Int32(index + 2), .string(key)) }
        var result: [String: RestoreRecord] = [:]
        while try statement.step() {
            result[statement.text(0)] = RestoreRecord(
                requestedAt: statement.int(1), readyAt: statement.int(2), expiresAt: statement.int(3),
                days: Int(statement.int(4)), tier: statement.optionalText(5))
        }
        return result
    }

    /// The restore records of these versions (by row id) that have one (ListObjectVersions' `RestoreInfo`).
    func restores(versionIDs ids: [Int64]) throws -> [Int64: RestoreRecord] {
        guard !ids.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let statement = try database.prepare(
            """
            SELECT object_id, requested_at, ready_at, expires_at, days, tier FROM object_restores
            WHERE object_id IN (\(placeholders))
            """)
        for (index, id) in ids.enumerated() { statement.bind(at: Int32(index + 1), .integer(id)) }
        var result: [Int64: RestoreRecord] = [:]
        while try statement.step() {
            result[statement.int(0)] = RestoreRecord(
                requestedAt: statement.int(1), readyAt: statement.int(2), expiresAt: statement.int(3),
                days: Int(statement.int(4)), tier: statement.optionalText(5))
        }
        return result
    }

    // MARK: Bucket default encryption

    func bucketEncryption(_ bucket: String) throws -> ServerSideEncryption? {
        let statement = try database.prepare(
            "SELECT algorithm, key_id, data_encryption FROM bucket_encryption WHERE bucket = ?")
        statement.bind(.string(bucket))
        guard try statement.step(), let algorithm = SSEAlgorithm(rawValue: statement.text(0)) else { return nil }
        return ServerSideEncryption(
            algorithm: algorithm, keyID: statement.optionalText(1), dataEncryption: statement.optionalText(2))
    }

    func setBucketEncryption(_ bucket: String, _ rule: ServerSideEncryption?) throws {
        guard let rule else {
            try database.prepare("DELETE FROM bucket_encryption WHERE bucket = ?").bind(.string(bucket)).run()
            return
        }
        try database.prepare(
            "INSERT OR REPLACE INTO bucket_encryption (bucket, algorithm, key_id, data_encryption) VALUES (?, ?, ?, ?)"
        ).bind(
            .string(bucket), .string(rule.algorithm.rawValue), rule.keyID.map { .string($0) },
            rule.dataEncryption.map { .string($0) }
        ).run()
    }

    // MARK: Archive direct read

    func archiveDirectRead(_ bucket: String) throws -> Bool {
        let statement = try database.prepare("SELECT enabled FROM bucket_archive_direct_read WHERE bucket = ?")
        statement.bind(.string(bucket))
        return try statement.step() && statement.int(0) != 0
    }

    func setArchiveDirectRead(_ bucket: String, _ enabled: Bool) throws {
        try database.prepare("INSERT OR REPLACE INTO bucket_archive_direct_read (bucket, enabled) VALUES (?, ?)")
            .bind(.string(bucket), .int(enabled ? 1 : 0)).run()
    }
}
