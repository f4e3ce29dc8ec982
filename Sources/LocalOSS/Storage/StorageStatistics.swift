/// How much the store holds, for the metrics' gauges: counted by SQLite when asked, never kept up to date.
struct StorageStatistics: Sendable, Equatable {
    var objects: Int64
    var uploads: Int64
    var parts: Int64
    /// Sizes of the blobs objects, parts and snapshots name, each counted once (copies and snapshots share them).
    var blobBytes: Int64
}

extension Catalog {
    func statistics() throws -> StorageStatistics {
        func single(_ sql: String) throws -> Int64 {
            let statement = try database.prepare(sql)
            _ = try statement.step()
            return statement.int(0)
        }
        return StorageStatistics(
            objects: try single("SELECT COUNT(*) FROM objects"),
            uploads: try single("SELECT COUNT(*) FROM uploads"),
            parts: try single("SELECT COUNT(*) FROM parts"),
            blobBytes: try single(
                """
                SELECT COALESCE(SUM(size), 0) FROM (
                    SELECT blob, MAX(size) AS size FROM (
                        SELECT blob, size FROM extents UNION ALL SELECT blob, size FROM parts
                        UNION ALL SELECT blob, size FROM snapshot_extents UNION ALL SELECT blob, size FROM snapshot_parts UNION ALL SELECT blob, size FROM version_extents
                        UNION ALL SELECT blob, size FROM snapshot_version_extents
                    ) GROUP BY blob)
                """))
    }
}

extension Catalog {
    /// The greatest upload id in progress or saved in a snapshot (byte order is initiation order): a restore
    /// brings a snapshot's uploads back, so new ids must not repeat theirs either.
    func latestUploadID() throws -> String? {
        let statement = try database.prepare(
            "SELECT MAX(upload_id) FROM (SELECT upload_id FROM uploads UNION ALL SELECT upload_id FROM snapshot_uploads)"
        )
        guard try statement.step() else { return nil }
        return statement.optionalText(0)
    }
}

extension ObjectStore {
    func statistics() throws -> StorageStatistics { try metadata.read { try $0.statistics() } }
}
