/// The metadata schema and its migrations. `version` is stored in `PRAGMA user_version`; each step upgrades by one.
enum Schema {
    static let migrations: [String] = [
        """
        CREATE TABLE buckets (
            name TEXT PRIMARY KEY,
            created INTEGER NOT NULL,
            acl TEXT NOT NULL,
            storage_class TEXT NOT NULL,
            redundancy TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE objects (
            id INTEGER PRIMARY KEY,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            type TEXT NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            crc64 INTEGER NOT NULL,
            content_md5 TEXT,
            last_modified INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            headers TEXT NOT NULL,
            storage_class TEXT NOT NULL,
            acl TEXT NOT NULL,
            UNIQUE (bucket, key)
        );
        CREATE TABLE extents (
            object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            blob TEXT NOT NULL,
            size INTEGER NOT NULL,
            PRIMARY KEY (object_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE uploads (
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            initiated INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            headers TEXT NOT NULL,
            storage_class TEXT NOT NULL,
            acl TEXT NOT NULL,
            forbid_overwrite INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX uploads_by_key ON uploads (bucket, key, upload_id);
        CREATE TABLE parts (
            upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
            part_number INTEGER NOT NULL,
            blob TEXT NOT NULL,
            size INTEGER NOT NULL,
            md5 BLOB NOT NULL,
            crc64 INTEGER NOT NULL,
            last_modified INTEGER NOT NULL,
            PRIMARY KEY (upload_id, part_number)
        ) WITHOUT ROWID;
        """,
        // 2: copies share blobs by name instead of hard links; a blob is freed when no row names it any more.
        """
        CREATE INDEX extents_by_blob ON extents (blob);
        CREATE INDEX parts_by_blob ON parts (blob);
        """,
        // 3: each extent knows where it starts in its object, so a ranged read fetches only the extents it needs.
        """
        ALTER TABLE extents ADD COLUMN start INTEGER NOT NULL DEFAULT 0;
        UPDATE extents SET start = running.start
            FROM (SELECT object_id, seq, SUM(size) OVER (PARTITION BY object_id ORDER BY seq) - size AS start
                  FROM extents) AS running
            WHERE extents.object_id = running.object_id AND extents.seq = running.seq;
        CREATE INDEX extents_by_start ON extents (object_id, start);
        """,
        // 4: InitiateMultipartUpload?sequential: the completed object then carries the whole content's Content-MD5.
        """
        ALTER TABLE uploads ADD COLUMN sequential INTEGER NOT NULL DEFAULT 0;
        """,
        // 5: small objects' bytes live in the database (`InlineBlob`): a 4 KiB PUT then creates no file. NULL is
        // the empty object (SQLite binds an empty buffer as NULL).
        """
        CREATE TABLE inline_blobs (name TEXT PRIMARY KEY, bytes BLOB);
        """,
        // 6: bucket configurations (`?cors`, …): each the document a GET returns, validated when it was put.
        """
        CREATE TABLE bucket_configurations (
            bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE,
            name TEXT NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY (bucket, name)
        ) WITHOUT ROWID;
        """,
        // 7: named snapshots of the state (`/_localoss/snapshots`). Each `snapshot_<table>` holds copies of the live
        // table's rows tagged with the snapshot's name; blobs are named, never copied, so the blob columns count as
        // references (`Catalog.blobReferences`). Made from the live tables, so they have their columns; a column a
        // later migration adds to a live table is added to its copy when a snapshot is next taken (`StateTables`).
        """
        CREATE TABLE snapshots (
            name TEXT PRIMARY KEY, created INTEGER NOT NULL, buckets INTEGER NOT NULL, objects INTEGER NOT NULL,
            uploads INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE snapshot_buckets AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM buckets WHERE 0;
        CREATE TABLE snapshot_objects AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM objects WHERE 0;
        CREATE TABLE snapshot_extents AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM extents WHERE 0;
        CREATE TABLE snapshot_uploads AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM uploads WHERE 0;
        CREATE TABLE snapshot_parts AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM parts WHERE 0;
        CREATE TABLE snapshot_bucket_configurations AS
            SELECT CAST(NULL AS TEXT) AS snapshot, * FROM bucket_configurations WHERE 0;
        CREATE INDEX snapshot_buckets_by_snapshot ON snapshot_buckets (snapshot);
        CREATE INDEX snapshot_objects_by_snapshot ON snapshot_objects (snapshot);
        CREATE INDEX snapshot_extents_by_snapshot ON snapshot_extents (snapshot);
        CREATE INDEX snapshot_uploads_by_snapshot ON snapshot_uploads (snapshot);
        CREATE INDEX snapshot_parts_by_snapshot ON snapshot_parts (snapshot);
        CREATE INDEX snapshot_bucket_configurations_by_snapshot ON snapshot_bucket_configurations (snapshot);
        CREATE INDEX snapshot_extents_by_blob ON snapshot_extents (blob);
        CREATE INDEX snapshot_parts_by_blob ON snapshot_parts (blob);
        """,
        // 8: object, upload and bucket tags, and symlink targets, in rows of their own keyed by their owner: a
        // replaced or deleted object (or upload, or bucket) loses them by cascade. `seq` keeps the order as sent.
        """
        CREATE TABLE object_tags (
            object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (object_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE upload_tags (
            upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (upload_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE bucket_tags (
            bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (bucket, seq)
        ) WITHOUT ROWID;
        CREATE TABLE symlinks (
            object_id INTEGER PRIMARY KEY REFERENCES objects(id) ON DELETE CASCADE,
            target TEXT NOT NULL
        );
        """,
        // 9: archive restores (one row per object; its state is derived from these times and the server clock),
        // bucket default encryption (`?encryption`) and archive direct read (`?bucketArchiveDirectRead`). Each goes
        // with its object or bucket.
        """
        CREATE TABLE object_restores (
            object_id INTEGER PRIMARY KEY REFERENCES objects(id) ON DELETE CASCADE,
            requested_at INTEGER NOT NULL,
            ready_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            days INTEGER NOT NULL,
            tier TEXT
        );
        CREATE TABLE bucket_encryption (
            bucket TEXT PRIMARY KEY REFERENCES buckets(name) ON DELETE CASCADE,
            algorithm TEXT NOT NULL,
            key_id TEXT,
            data_encryption TEXT
        ) WITHOUT ROWID;
        CREATE TABLE bucket_archive_direct_read (
            bucket TEXT PRIMARY KEY REFERENCES buckets(name) ON DELETE CASCADE,
            enabled INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 10: bucket versioning. `objects` keeps one row per key, its current version when that is an object, so
        // every existing read and listing is unchanged; older versions and every delete marker live in
        // `object_versions` (same columns, plus the marker flag) with their extents in `version_extents`. A version
        // keeps its row id when it moves between the two tables. `version_seq` orders one key's versions (newest
        // is greatest; 0 for objects written before versioning); `version_id` NULL is the `null` version.
        """
        ALTER TABLE buckets ADD COLUMN versioning TEXT;
        ALTER TABLE objects ADD COLUMN version_id TEXT;
        ALTER TABLE objects ADD COLUMN version_seq INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE object_versions (
            id INTEGER PRIMARY KEY,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            type TEXT NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            crc64 INTEGER NOT NULL,
            content_md5 TEXT,
            last_modified INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            headers TEXT NOT NULL,
            storage_class TEXT NOT NULL,
            acl TEXT NOT NULL,
            version_id TEXT,
            version_seq INTEGER NOT NULL,
            delete_marker INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX object_versions_by_key ON object_versions (bucket, key, version_seq DESC);
        CREATE TABLE version_extents (
            object_id INTEGER NOT NULL REFERENCES object_versions(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            blob TEXT NOT NULL,
            size INTEGER NOT NULL,
            start INTEGER NOT NULL,
            PRIMARY KEY (object_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX version_extents_by_blob ON version_extents (blob);
        CREATE INDEX version_extents_by_start ON version_extents (object_id, start);
        CREATE TABLE snapshot_object_versions AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM object_versions WHERE 0;
        CREATE TABLE snapshot_version_extents AS SELECT CAST(NULL AS TEXT) AS snapshot, * FROM version_extents WHERE 0;
        CREATE INDEX snapshot_object_versions_by_snapshot ON snapshot_object_versions (snapshot);
        CREATE INDEX snapshot_version_extents_by_snapshot ON snapshot_version_extents (snapshot);
        CREATE INDEX snapshot_version_extents_by_blob ON snapshot_version_extents (blob);
        """,
        // 11: configurations of the account rather than of a bucket (service-level `?publicAccessBlock`).
        """
        CREATE TABLE account_configurations (name TEXT PRIMARY KEY, document TEXT NOT NULL) WITHOUT ROWID;
        """,
        // 12: an object's tags, symlink target and restore belong to its version, not to its row in `objects`: a
        // version keeps its id as it moves to `object_versions` and back, so these rows lose the foreign key that
        // dropped them at the move, and the catalog deletes them with the version (`deleteVersionRows`).
        """
        CREATE TABLE object_tags_by_version (
            object_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (object_id, seq)
        ) WITHOUT ROWID;
        INSERT INTO object_tags_by_version SELECT object_id, seq, key, value FROM object_tags;
        DROP TABLE object_tags;
        ALTER TABLE object_tags_by_version RENAME TO object_tags;
        CREATE TABLE symlinks_by_version (object_id INTEGER PRIMARY KEY, target TEXT NOT NULL);
        INSERT INTO symlinks_by_version SELECT object_id, target FROM symlinks;
        DROP TABLE symlinks;
        ALTER TABLE symlinks_by_version RENAME TO symlinks;
        CREATE TABLE object_restores_by_version (
            object_id INTEGER PRIMARY KEY,
            requested_at INTEGER NOT NULL,
            ready_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            days INTEGER NOT NULL,
            tier TEXT
        );
        INSERT INTO object_restores_by_version
            SELECT object_id, requested_at, ready_at, expires_at, days, tier FROM object_restores;
        DROP TABLE object_restores;
        ALTER TABLE object_restores_by_version RENAME TO object_restores;
        """,
        // 13: a bucket's retention policy (`?worm`; `created` in server-clock seconds, an `InProgress` policy lapses
        // 24 hours after it) and its data redundancy transitions (`?redundancyTransition`; task ids sort by creation).
        """
        CREATE TABLE bucket_worm (
            bucket TEXT PRIMARY KEY REFERENCES buckets(name) ON DELETE CASCADE,
            worm_id TEXT NOT NULL,
            state TEXT NOT NULL,
            retention_days INTEGER NOT NULL,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE redundancy_transitions (
            task_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX redundancy_transitions_by_bucket ON redundancy_transitions (bucket, task_id);
        """,
        // 14: configurations a bucket holds many of, each under its own name: inventory configurations, live
        // channels, access points (and what an access point carries: its policy, its Block Public Access).
        // `family` says which; access point names are the account's, so they are also looked up without a bucket.
        """
        CREATE TABLE named_configurations (
            bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE,
            family TEXT NOT NULL,
            name TEXT NOT NULL,
            document TEXT NOT NULL,
            modified INTEGER NOT NULL,
            PRIMARY KEY (bucket, family, name)
        ) WITHOUT ROWID;
        CREATE INDEX named_configurations_by_family ON named_configurations (family, name);
        """,
        // 15: the last access a version's reads recorded while its bucket tracks access times (`?accessmonitor`),
        // in server-clock seconds; keyed by the version like its tags (schema 12), deleted with it.
        """
        CREATE TABLE object_access_times (object_id INTEGER PRIMARY KEY, accessed_at INTEGER NOT NULL);
        """,
    ]

    static var currentVersion: Int { migrations.count }

    static func migrate(_ database: Database) throws {
        let statement = try database.prepare("PRAGMA user_version")
        _ = try statement.step()
        let version = Int(statement.int(0))
        statement.reset()
        guard version < currentVersion else {
            if version > currentVersion {
                throw DatabaseError(
                    code: 0, message: "data directory has schema \(version), newer than \(currentVersion)")
            }
            return
        }
        try database.transaction {
            for migration in migrations[version...] { try database.execute(migration) }
            try database.execute("PRAGMA user_version = \(currentVersion)")
        }
    }
}
