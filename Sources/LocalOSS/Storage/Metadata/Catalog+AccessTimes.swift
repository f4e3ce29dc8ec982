/// Last accesses recorded by reads while a bucket tracks access times (schema 14): one row per version.
extension Catalog {
    func recordedAccess(objectID: Int64) throws -> Int64? {
        let statement = try database.prepare("SELECT accessed_at FROM object_access_times WHERE object_id = ?")
        statement.reset()
        statement.bind(.integer(objectID))
        return try statement.step() ? statement.int(0) : nil
    }

    /// Records an access of a version that still exists (the write runs after the read that asked for it, so the
    /// version may have gone meanwhile: no row is left for an id a later version could not own, but none is kept).
    func recordAccess(objectID: Int64, at seconds: Int64) throws {
        let statement = try database.prepare(
            """
            INSERT OR REPLACE INTO object_access_times (object_id, accessed_at)
            SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM objects WHERE id = ?1)
                OR EXISTS (SELECT 1 FROM object_versions WHERE id = ?1)
            """)
        statement.reset()
        statement.bind(.integer(objectID), .integer(seconds))
        try statement.run()
    }
}
