/// How much the store holds, for the metrics' gauges: counted by SQLite when asked, never kept up to date.
struct StorageStatistics: Sendable, Equatable {
    var objects: Int64
    var uploads: Int64
    var parts: Int64
    /// Sizes of the blob files objects and parts name, each file counted once (copies share files).
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
                        UNION ALL SELECT blob, size FROM version_extents
                    ) GROUP BY blob)
                """))
    }
}

extension Catalog {
    /// The greatest upload id in progress (byte order is initiation order).
    func latestUploadID() throws -> String? {
        let statement = try database.prepare("SELECT MAX(upload_id) FROM uploads")
        guard try statement.step() else { return nil }
        return statement.optionalText(0)
    }
}

extension ObjectStore {
    func statistics() throws -> StorageStatistics { try metadata.read { try $0.statistics() } }
}
