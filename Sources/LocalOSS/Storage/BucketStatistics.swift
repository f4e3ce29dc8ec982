/// What GetBucketStat reports for one bucket, counted from the catalog when asked (OSS serves an hourly snapshot,
/// but the SDK suites expect a write to show at once). Objects and bytes include noncurrent versions; delete markers
/// are counted apart.
struct BucketStatistics: Sendable, Equatable {
    struct ClassFigures: Sendable, Equatable {
        var objects: Int64 = 0
        /// Actual bytes.
        var bytes: Int64 = 0
        /// Bytes billed: objects of the cold classes under 64 KB are billed as 64 KB.
        var billedBytes: Int64 = 0
    }

    var objects: Int64 = 0
    var bytes: Int64 = 0
    var uploads: Int64 = 0
    var parts: Int64 = 0
    var partBytes: Int64 = 0
    var deleteMarkers: Int64 = 0
    /// Unix seconds of the latest write that moved a figure; 0 for a bucket never written to.
    var lastModified: Int64 = 0
    var byClass: [StorageClass: ClassFigures] = [:]

    subscript(storageClass: StorageClass) -> ClassFigures { byClass[storageClass] ?? ClassFigures() }

    static let minimumBilledBytes: Int64 = 64 * 1024
}

extension Catalog {
    func bucketStatistics(_ bucket: String) throws -> BucketStatistics {
        var figures = BucketStatistics()
        let byClass = try database.prepare(
            """
            SELECT storage_class, COUNT(*), COALESCE(SUM(size), 0), COALESCE(SUM(MAX(size, ?1)), 0),
                   COALESCE(MAX(last_modified), 0)
            FROM (
                SELECT storage_class, size, last_modified FROM objects WHERE bucket = ?2
                UNION ALL
                SELECT storage_class, size, last_modified FROM object_versions
                WHERE bucket = ?2 AND delete_marker = 0
            ) GROUP BY storage_class
            """
        ).bind(.integer(BucketStatistics.minimumBilledBytes), .string(bucket))
        while try byClass.step() {
            let count = byClass.int(1)
            let bytes = byClass.int(2)
            figures.objects += count
            figures.bytes += bytes
            figures.lastModified = max(figures.lastModified, byClass.int(4))
            guard let storageClass = StorageClass(rawValue: byClass.text(0)) else { continue }
            figures.byClass[storageClass] = .init(
                objects: count, bytes: bytes, billedBytes: storageClass == .standard ? bytes : byClass.int(3))
        }
        let markers = try database.prepare(
            "SELECT COUNT(*), COALESCE(MAX(last_modified), 0) FROM object_versions WHERE bucket = ? AND delete_marker = 1"
        ).bind(.string(bucket))
        if try markers.step() {
            figures.deleteMarkers = markers.int(0)
            figures.lastModified = max(figures.lastModified, markers.int(1))
        }
        let uploads = try database.prepare(
            "SELECT COUNT(*), COALESCE(MAX(initiated), 0) FROM uploads WHERE bucket = ?"
        ).bind(.string(bucket))
        if try uploads.step() {
            figures.uploads = uploads.int(0)
            figures.lastModified = max(figures.lastModified, uploads.int(1))
        }
        let parts = try database.prepare(
            """
            SELECT COUNT(*), COALESCE(SUM(parts.size), 0), COALESCE(MAX(parts.last_modified), 0)
            FROM parts JOIN uploads USING (upload_id) WHERE uploads.bucket = ?
            """
        ).bind(.string(bucket))
        if try parts.step() {
            figures.parts = parts.int(0)
            figures.partBytes = parts.int(1)
            figures.lastModified = max(figures.lastModified, parts.int(2))
        }
        return figures
    }
}

extension ObjectStore {
    func bucketStatistics(_ bucket: BucketName) throws -> BucketStatistics {
        try metadata.read { try $0.bucketStatistics(bucket.value) }
    }
}
