import Foundation

/// One table of the state: what a reset empties, a snapshot copies into `snapshot_<name>` and a restore replaces.
struct StateTable {
    let name: String
    /// Whether its `blob` column names blobs (a row going away may free one).
    let namesBlobs: Bool
    /// The rows of bucket `?1`, for a reset of one bucket; nil: untouched by it (the bucket itself stays).
    let bucketFilter: String?

    var snapshotTable: String { "snapshot_" + name }

    /// Rows keyed by the id of one of bucket `?1`'s versions, current or not.
    static let versionsOfBucket =
        "object_id IN (SELECT id FROM objects WHERE bucket = ?1 UNION ALL SELECT id FROM object_versions WHERE bucket = ?1)"
}

enum StateTables {
    /// Parents before children: the order of inserts (foreign keys); deletes run in reverse. A table a later feature
    /// adds to the state (tags, versions) needs only a row here: its `snapshot_` copy is made when first needed.
    static let all: [StateTable] = [
        StateTable(name: "buckets", namesBlobs: false, bucketFilter: nil),
        // A bucket's settings (CORS, …): a reset of one bucket keeps them with the bucket.
        StateTable(name: "bucket_configurations", namesBlobs: false, bucketFilter: nil),
        StateTable(name: "bucket_tags", namesBlobs: false, bucketFilter: nil),
        StateTable(name: "bucket_encryption", namesBlobs: false, bucketFilter: nil),
        StateTable(name: "bucket_archive_direct_read", namesBlobs: false, bucketFilter: nil),
        StateTable(name: "bucket_worm", namesBlobs: false, bucketFilter: nil),
        StateTable(name: "redundancy_transitions", namesBlobs: false, bucketFilter: nil),
        StateTable(name: "named_configurations", namesBlobs: false, bucketFilter: nil),
        StateTable(name: "objects", namesBlobs: false, bucketFilter: "bucket = ?1"),
        StateTable(
            name: "extents", namesBlobs: true, bucketFilter: "object_id IN (SELECT id FROM objects WHERE bucket = ?1)"),
        // Noncurrent versions and delete markers (versioning), with their extents.
        StateTable(name: "object_versions", namesBlobs: false, bucketFilter: "bucket = ?1"),
        StateTable(
            name: "version_extents", namesBlobs: true,
            bucketFilter: "object_id IN (SELECT id FROM object_versions WHERE bucket = ?1)"),
        // A version's own rows, whichever table holds the version (schema 12): after both, so that a reset
        // of one bucket, deleting in reverse order, still finds the versions' ids.
        StateTable(name: "object_tags", namesBlobs: false, bucketFilter: StateTable.versionsOfBucket),
        StateTable(name: "object_restores", namesBlobs: false, bucketFilter: StateTable.versionsOfBucket),
        StateTable(name: "symlinks", namesBlobs: false, bucketFilter: StateTable.versionsOfBucket),
        StateTable(name: "object_access_times", namesBlobs: false, bucketFilter: StateTable.versionsOfBucket),
        StateTable(name: "uploads", namesBlobs: false, bucketFilter: "bucket = ?1"),
        StateTable(
            name: "parts", namesBlobs: true,
            bucketFilter: "upload_id IN (SELECT upload_id FROM uploads WHERE bucket = ?1)"),
        StateTable(
            name: "upload_tags", namesBlobs: false,
            bucketFilter: "upload_id IN (SELECT upload_id FROM uploads WHERE bucket = ?1)"),
    ]
}

/// Rows counted in a state, or removed from it.
struct StateCounts: Sendable, Equatable, Encodable {
    var buckets: Int64
    var objects: Int64
    var uploads: Int64
}

struct SnapshotRecord: Sendable, Equatable {
    var name: String
    /// Server-clock microseconds.
    var created: Int64
    var counts: StateCounts
}

/// Set-based SQL for reset, snapshots and restore: one statement per table, whatever the number of rows. Blobs a
/// statement drops are gathered in the temporary table `released_blobs` and freed at the end if nothing names them.
extension Catalog {
    /// Tables outside `StateTables` whose foreign keys point into it (a feature's table added without a row there).
    /// While one exists, reset and restore keep SQLite's foreign-key enforcement, so that its cascades still run.
    func foreignKeyDependents() throws -> [String] {
        let names = StateTables.all.map(\.name)
        let list = names.map { "'\($0)'" }.joined(separator: ", ")
        let statement = try database.prepare(
            """
            SELECT DISTINCT m.name FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
            WHERE m.type = 'table' AND f."table" IN (\(list)) AND m.name NOT IN (\(list)) ORDER BY m.name
            """)
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0)) }
        return result
    }

    func stateCounts(bucket: String?) throws -> StateCounts {
        let statement: Statement
        if let bucket {
            statement = try database.prepare(
                "SELECT 0, (SELECT COUNT(*) FROM objects WHERE bucket = ?1), (SELECT COUNT(*) FROM uploads WHERE bucket = ?1)"
            )
            statement.bind(.string(bucket))
        } else {
            statement = try database.prepare(
                "SELECT (SELECT COUNT(*) FROM buckets), (SELECT COUNT(*) FROM objects), (SELECT COUNT(*) FROM uploads)")
        }
        _ = try statement.step()
        return StateCounts(buckets: statement.int(0), objects: statement.int(1), uploads: statement.int(2))
    }

    /// Deletes every bucket, object and upload, or (with `bucket`) that bucket's objects and uploads. Returns the
    /// blob files to unlink after commit; inline blobs nothing names any more are deleted here.
    func clearState(bucket: String?) throws -> [String] {
        try beginReleasing()
        try removeLiveRows(bucket: bucket)
        return try freeReleased()
    }

    func snapshotExists(_ name: String) throws -> Bool {
        try database.prepare("SELECT 1 FROM snapshots WHERE name = ?").bind(.string(name)).step()
    }

    /// Copies every live row into the snapshot tables under `name`. Blobs are named, not copied.
    func saveSnapshot(_ record: SnapshotRecord) throws {
        try makeMissingSnapshotTables()
        try database.prepare(
            "INSERT INTO snapshots (name, created, buckets, objects, uploads) VALUES (?, ?, ?, ?, ?)"
        ).bind(
            .string(record.name), .integer(record.created), .integer(record.counts.buckets),
            .integer(record.counts.objects), .integer(record.counts.uploads)
        ).run()
        for table in StateTables.all {
            let columns = try addMissingSnapshotColumns(table)
            try database.prepare(
                "INSERT INTO \(table.snapshotTable) (snapshot, \(columns)) SELECT ?1, \(columns) FROM \(table.name)"
            ).bind(.string(record.name)).run()
        }
    }

    /// Replaces the live state by the snapshot's; returns the blob files no row names any more.
    func restoreSnapshot(_ name: String) throws -> [String] {
        try makeMissingSnapshotTables()
        try beginReleasing()
        try removeLiveRows(bucket: nil)
        for table in StateTables.all {
            // Columns both have: one a later migration added to the live table takes its default.
            let snapshotColumns = Set(try columnNames(table.snapshotTable))
            let columns = try columnNames(table.name).filter(snapshotColumns.contains).map(Self.quoted)
                .joined(separator: ", ")
            try database.prepare(
                "INSERT INTO \(table.name) (\(columns)) SELECT \(columns) FROM \(table.snapshotTable) WHERE snapshot = ?1"
            ).bind(.string(name)).run()
        }
        return try freeReleased()
    }

    /// Deletes the snapshot's rows; returns the blob files that only it named.
    func deleteSnapshot(_ name: String) throws -> [String] {
        try makeMissingSnapshotTables()
        try beginReleasing()
        for table in StateTables.all.reversed() {
            if table.namesBlobs {
                try database.prepare(
                    "INSERT OR IGNORE INTO released_blobs SELECT blob FROM \(table.snapshotTable) WHERE snapshot = ?1"
                ).bind(.string(name)).run()
            }
            try database.prepare("DELETE FROM \(table.snapshotTable) WHERE snapshot = ?1").bind(.string(name)).run()
        }
        try database.prepare("DELETE FROM snapshots WHERE name = ?").bind(.string(name)).run()
        return try freeReleased()
    }

    func snapshot(_ name: String) throws -> SnapshotRecord? {
        try snapshots(named: name).first
    }

    func snapshots(named name: String? = nil) throws -> [SnapshotRecord] {
        let statement = try database.prepare(
            """
            SELECT name, created, buckets, objects, uploads FROM snapshots
            WHERE ?1 IS NULL OR name = ?1 ORDER BY created, name
            """)
        statement.bind(name.map { .string($0) })
        var result: [SnapshotRecord] = []
        while try statement.step() {
            result.append(
                SnapshotRecord(
                    name: statement.text(0), created: statement.int(1),
                    counts: StateCounts(buckets: statement.int(2), objects: statement.int(3), uploads: statement.int(4))
                ))
        }
        return result
    }

    // MARK: Helpers

    /// Children first, so that no foreign key is left dangling; the blobs of deleted rows go to `released_blobs`.
    private func removeLiveRows(bucket: String?) throws {
        for table in StateTables.all.reversed() {
            var filter = ""
            if bucket != nil {
                guard let bucketFilter = table.bucketFilter else { continue }
                filter = "WHERE " + bucketFilter
            }
            let value: StatementValue? = bucket.map { .string($0) }
            if table.namesBlobs {
                let release = try database.prepare(
                    "INSERT OR IGNORE INTO released_blobs SELECT blob FROM \(table.name) \(filter)")
                if let value { release.bind(value) }
                try release.run()
            }
            let delete = try database.prepare("DELETE FROM \(table.name) \(filter)")
            if let value { delete.bind(value) }
            try delete.run()
        }
        if bucket == nil { database.bucketsChanged = true }
    }

    private func beginReleasing() throws {
        // A temporary table lives with the (writer) connection and is never written to the database file.
        try database.execute(
            "CREATE TEMP TABLE IF NOT EXISTS released_blobs (name TEXT PRIMARY KEY); DELETE FROM released_blobs")
    }

    /// Keeps in `released_blobs` only the names no row of `blobReferences` names, deletes those of inline blobs,
    /// and returns those of files.
    private func freeReleased() throws -> [String] {
        try database.prepare("DELETE FROM released_blobs WHERE \(Self.isReferenced("released_blobs.name"))").run()
        try database.prepare("DELETE FROM inline_blobs WHERE name IN (SELECT name FROM released_blobs)").run()
        let names = try database.prepare("SELECT name FROM released_blobs")
        var files: [String] = []
        while try names.step() {
            let name = names.text(0)
            if !InlineBlob.isInline(name) { files.append(name) }
        }
        names.reset()
        try database.prepare("DELETE FROM released_blobs").run()
        return files
    }

    /// A state table without its `snapshot_` copy (added to `StateTables` after the migration that made the
    /// others) gets one, empty: snapshots taken before it hold none of its rows, and restoring them empties it.
    private func makeMissingSnapshotTables() throws {
        let exists = try database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")
        for table in StateTables.all {
            exists.reset()
            exists.bind(.string(table.snapshotTable))
            guard !(try exists.step()) else { continue }
            exists.reset()
            try database.execute(
                """
                CREATE TABLE \(table.snapshotTable) AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM \(table.name) WHERE 0;
                CREATE INDEX \(table.snapshotTable)_by_snapshot ON \(table.snapshotTable) (snapshot);
                """)
        }
        exists.reset()
    }

    /// The live table's columns, quoted and comma-separated, after adding to its snapshot copy those it lacks (a
    /// later migration's): a snapshot keeps every column.
    private func addMissingSnapshotColumns(_ table: StateTable) throws -> String {
        let live = try columnNames(table.name)
        let saved = Set(try columnNames(table.snapshotTable))
        for column in live where !saved.contains(column) {
            try database.execute("ALTER TABLE \(table.snapshotTable) ADD COLUMN \(Self.quoted(column))")
        }
        return live.map(Self.quoted).joined(separator: ", ")
    }

    private func columnNames(_ table: String) throws -> [String] {
        let statement = try database.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        statement.bind(.string(table))
        var names: [String] = []
        while try statement.step() { names.append(statement.text(0)) }
        return names
    }

    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
