import Foundation
import Testing

@testable import LocalOSS

/// Reset, snapshots and restore on the stores of a temporary directory, with no socket: what they keep, what they
/// bring back, and that a blob lives exactly as long as a live row or a snapshot names it.
@Suite struct StateStoreTests {
    /// The stores of one data directory; `reopen` drops them and opens the directory again, as a restart does.
    final class DataDirectory {
        let root = NSTemporaryDirectory() + "localoss-state-" + UUID().uuidString
        private(set) var blobs: BlobStore
        private(set) var metadata: MetadataStore
        private(set) var objects: ObjectStore
        private(set) var multipart: MultipartStore
        private(set) var state: StateStore

        init() throws {
            (blobs, metadata, objects, multipart, state) = try Self.open(root)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        private static func open(_ root: String) throws -> (
            BlobStore, MetadataStore, ObjectStore, MultipartStore, StateStore
        ) {
            let blobs = try BlobStore(root: root, durable: false)
            let metadata = try MetadataStore(path: root + "/metadata.sqlite", durable: false)
            let objects = ObjectStore(metadata: metadata, blobs: blobs)
            var multipart = MultipartStore(metadata: metadata, blobs: blobs, objects: objects)
            multipart.minimumPartSize = 1
            multipart.uploadIDs = UploadIDGenerator(after: try metadata.read { try $0.latestUploadID() })
            return (blobs, metadata, objects, multipart, try StateStore(metadata: metadata, blobs: blobs))
        }

        func reopen() throws {
            (blobs, metadata, objects, multipart, state) = try Self.open(root)
        }

        func bucket(_ name: String) throws -> BucketName {
            let bucket = try BucketName(validating: name)
            try objects.createBucket(bucket, acl: nil, storageClass: nil, redundancy: nil)
            return bucket
        }

        func address(_ bucket: String, _ key: String) throws -> ObjectAddress {
            ObjectAddress(bucket: try BucketName(validating: bucket), key: try ObjectKey(validating: key))
        }

        @discardableResult
        func put(_ bucket: String, _ key: String, _ bytes: [UInt8]) throws -> ObjectRecord {
            try objects.putObject(
                try address(bucket, key), body: InMemoryBytes(bytes: bytes),
                options: ObjectStore.PutOptions(
                    metadata: ObjectMetadata(contentType: "text/plain", headers: []), expected: ExpectedDigests(),
                    acl: .default, storageClass: nil, forbidOverwrite: false))
        }

        func read(_ bucket: String, _ key: String) throws -> [UInt8] {
            let (_, reader) = try objects.openObject(try address(bucket, key)) { _ in .all }
            return try reader.allBytes()
        }

        func keys(_ bucket: String) throws -> [String] {
            try objects.listObjects(
                try BucketName(validating: bucket), prefix: "", delimiter: nil, after: nil, maxKeys: 1000
            ).rows.map(\.key)
        }

        func uploadPart(_ bucket: String, _ key: String, _ uploadID: String, _ number: Int, _ bytes: [UInt8]) throws
            -> PartRecord
        {
            try multipart.uploadPart(
                try address(bucket, key), uploadID: uploadID, part: PartNumber(unchecked: number),
                body: InMemoryBytes(bytes: bytes), expected: ExpectedDigests())
        }

        func initiate(_ bucket: String, _ key: String) throws -> UploadRecord {
            try multipart.initiate(
                try address(bucket, key),
                options: MultipartStore.InitiateOptions(
                    metadata: ObjectMetadata(contentType: "text/plain", headers: []), storageClass: nil,
                    acl: .default, forbidOverwrite: false))
        }

        /// Blob files under `blobs/`.
        var blobFiles: Set<String> { Set(blobs.allNames()) }

        func count(_ table: String) throws -> Int64 {
            try metadata.read { catalog in
                let statement = try catalog.database.prepare("SELECT COUNT(*) FROM \(table)")
                _ = try statement.step()
                return statement.int(0)
            }
        }
    }

    /// Larger than `InlineBlob.maxSize`: stored as a file.
    static let large = [UInt8](repeating: 7, count: InlineBlob.maxSize + 1)
    static let largeToo = [UInt8](repeating: 9, count: InlineBlob.maxSize + 10)

    @Test func resetEmptiesBucketsObjectsUploadsAndTheirBlobs() throws {
        let data = try DataDirectory()
        _ = try data.bucket("one")
        _ = try data.bucket("two")
        try data.put("one", "file", Self.large)
        try data.put("two", "inline", Array("small".utf8))
        let upload = try data.initiate("one", "mp")
        _ = try data.uploadPart("one", "mp", upload.uploadID, 1, Self.largeToo)
        #expect(data.blobFiles.count == 2)

        let removed = try data.state.reset()
        #expect(removed == StateCounts(buckets: 2, objects: 2, uploads: 1))
        for table in ["buckets", "bucket_configurations", "objects", "extents", "uploads", "parts", "inline_blobs"] {
            #expect(try data.count(table) == 0, "\(table)")
        }
        #expect(data.blobFiles.isEmpty)
        #expect(throws: OSSError.self) { try data.objects.bucket(try BucketName(validating: "one")) }
        // Reset ran without foreign-key checks; every other write has them again.
        let enforced = try data.metadata.write { catalog in
            let statement = try catalog.database.prepare("PRAGMA foreign_keys")
            _ = try statement.step()
            return statement.int(0)
        }
        #expect(enforced == 1)
        #expect(throws: (any Error).self) {
            try data.metadata.write { catalog in
                try catalog.database.execute(
                    "INSERT INTO extents (object_id, seq, blob, size, start) VALUES (424242, 0, 'x', 0, 0)")
            }
        }
    }

    /// A table that points into the state without a row in `StateTables` (a feature added later): reset keeps
    /// SQLite's foreign-key enforcement, so its cascade still empties it.
    @Test func resetKeepsCascadesOfTablesItDoesNotKnow() throws {
        let data = try DataDirectory()
        try data.metadata.write { catalog in
            try catalog.database.execute(
                "CREATE TABLE bucket_notes (bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE, note TEXT)"
            )
        }
        _ = try data.bucket("noted")
        try data.metadata.write { try $0.database.execute("INSERT INTO bucket_notes VALUES ('noted', 'n')") }
        #expect(try data.metadata.read { try $0.foreignKeyDependents() } == ["bucket_notes"])
        let state = try StateStore(metadata: data.metadata, blobs: data.blobs)
        try state.reset()
        #expect(try data.count("bucket_notes") == 0)
    }

    /// A state table whose snapshot copy is missing (a feature's table listed in `StateTables` after migration 7)
    /// gets one when first needed, and a column added to a live table later reaches its copy.
    @Test func snapshotTablesFollowTheLiveSchema() throws {
        let data = try DataDirectory()
        _ = try data.bucket("bkt")
        try data.put("bkt", "k", Array("v".utf8))
        try data.metadata.write { catalog in
            try catalog.database.execute(
                """
                DROP TABLE snapshot_bucket_configurations;
                ALTER TABLE objects ADD COLUMN tag TEXT NOT NULL DEFAULT 'none';
                UPDATE objects SET tag = 'kept';
                """)
        }
        _ = try data.state.createSnapshot("schema")
        try data.metadata.write { try $0.database.execute("UPDATE objects SET tag = 'changed'") }
        try data.state.restore("schema")
        let tag = try data.metadata.read { catalog in
            let statement = try catalog.database.prepare("SELECT tag FROM objects")
            _ = try statement.step()
            return statement.text(0)
        }
        #expect(tag == "kept")
        #expect(try data.count("snapshot_bucket_configurations") == 0)
    }

    @Test func resetOfOneBucketEmptiesItAndKeepsItAndTheOthers() throws {
        let data = try DataDirectory()
        _ = try data.bucket("kept")
        _ = try data.bucket("emptied")
        try data.put("kept", "k", Self.large)
        try data.put("emptied", "k", Self.largeToo)
        try data.put("emptied", "small", Array("s".utf8))
        _ = try data.initiate("emptied", "mp")

        let removed = try data.state.reset(bucket: "emptied")
        #expect(removed == StateCounts(buckets: 0, objects: 2, uploads: 1))
        #expect(try data.keys("emptied").isEmpty)
        #expect(try data.read("kept", "k") == Self.large)
        #expect(data.blobFiles.count == 1)
        #expect(try data.count("inline_blobs") == 0)
        _ = try data.objects.bucket(try BucketName(validating: "emptied"))
        #expect(throws: StateStore.Failure.noSuchBucket("nope")) { try data.state.reset(bucket: "nope") }
    }

    @Test func restoreGivesBackTheSnapshotsObjectsAndUploads() throws {
        let data = try DataDirectory()
        _ = try data.bucket("bkt")
        let original = try data.put("bkt", "k", Self.large)
        try data.put("bkt", "small", Array("before".utf8))
        let upload = try data.initiate("bkt", "mp")
        let part = try data.uploadPart("bkt", "mp", upload.uploadID, 1, Self.largeToo)
        let saved = try data.state.createSnapshot("s1")
        #expect(saved.counts == StateCounts(buckets: 1, objects: 2, uploads: 1))

        // Everything changes after the snapshot: overwrites, deletes, a new bucket, a new upload, an abort.
        try data.put("bkt", "k", Array("overwritten".utf8))
        try data.objects.deleteObject(try data.address("bkt", "small"))
        _ = try data.bucket("later")
        try data.put("later", "x", Self.largeToo)
        _ = try data.initiate("bkt", "other")
        try data.multipart.abort(try data.address("bkt", "mp"), uploadID: upload.uploadID)

        try data.state.restore("s1")
        #expect(try data.keys("bkt") == ["k", "small"])
        #expect(try data.read("bkt", "k") == Self.large)
        #expect(try data.objects.object(try data.address("bkt", "k")).etag == original.etag)
        #expect(try data.read("bkt", "small") == Array("before".utf8))
        #expect(throws: OSSError.self) { try data.objects.bucket(try BucketName(validating: "later")) }
        let uploads = try data.metadata.read {
            try $0.uploadSummaries(bucket: "bkt", prefix: "", from: .beginning, limit: 10)
        }
        #expect(uploads.map(\.uploadID) == [upload.uploadID])
        let parts = try data.metadata.read { try $0.parts(uploadID: upload.uploadID, after: 0, limit: 10) }
        #expect(parts.map(\.blob) == [part.blob])
        #expect(parts.map(\.md5) == [part.md5])
        // The restored upload completes into the object its part holds.
        let completed = try data.multipart.complete(
            try data.address("bkt", "mp"), uploadID: upload.uploadID, selection: .all, forbidOverwrite: false, acl: nil)
        #expect(completed.size == Int64(Self.largeToo.count))
        #expect(try data.read("bkt", "mp") == Self.largeToo)
        // Blobs only the replaced state named are gone; the snapshot's stay.
        #expect(try data.count("inline_blobs") == 1)
        #expect(data.blobFiles.count == 2)
    }

    /// Bucket settings are state: restored with their bucket (and no stale cached copy is served), kept by a reset
    /// of the bucket, gone with a full reset.
    @Test func bucketConfigurationsAreSavedRestoredAndResetWithTheirBucket() throws {
        let data = try DataDirectory()
        _ = try data.bucket("configured")
        let configurations = BucketConfigurationStore(metadata: data.metadata)
        try configurations.setDocument("<CORSConfiguration/>", name: "cors", bucket: "configured")
        _ = try data.state.createSnapshot("with-cors")
        try configurations.deleteDocument("cors", bucket: "configured")
        #expect(try configurations.document("cors", bucket: "configured") == nil)  // now cached as none

        try data.state.restore("with-cors")
        #expect(try configurations.document("cors", bucket: "configured") == "<CORSConfiguration/>")
        try data.state.reset(bucket: "configured")
        #expect(try configurations.document("cors", bucket: "configured") == "<CORSConfiguration/>")
        try data.state.reset()
        #expect(try data.count("bucket_configurations") == 0)
        _ = try data.bucket("configured")
        #expect(try configurations.document("cors", bucket: "configured") == nil)
    }

    @Test func aSnapshotKeepsItsBlobsUntilItIsDeleted() throws {
        let data = try DataDirectory()
        _ = try data.bucket("bkt")
        try data.put("bkt", "file", Self.large)
        try data.put("bkt", "inline", Array("tiny".utf8))
        let upload = try data.initiate("bkt", "mp")
        _ = try data.uploadPart("bkt", "mp", upload.uploadID, 1, Self.largeToo)
        let files = data.blobFiles
        _ = try data.state.createSnapshot("keep")

        try data.state.reset()
        #expect(data.blobFiles == files)
        #expect(try data.count("inline_blobs") == 1)

        try data.state.deleteSnapshot("keep")
        #expect(data.blobFiles.isEmpty)
        #expect(try data.count("inline_blobs") == 0)
        for table in ["snapshots", "snapshot_buckets", "snapshot_objects", "snapshot_extents", "snapshot_parts"] {
            #expect(try data.count(table) == 0, "\(table)")
        }
    }

    /// Changes made in place after a snapshot (a part replaced, an append to an appendable object) are undone by a
    /// restore, and the blobs they added are freed by it.
    @Test func restoreUndoesReplacedPartsAndAppends() throws {
        let data = try DataDirectory()
        _ = try data.bucket("bkt")
        let upload = try data.initiate("bkt", "mp")
        let first = try data.uploadPart("bkt", "mp", upload.uploadID, 1, Self.large)
        let address = try data.address("bkt", "log")
        let metadata = ObjectMetadata(contentType: "text/plain", headers: [])
        _ = try data.objects.appendObject(
            address, position: 0, body: InMemoryBytes(bytes: Self.largeToo), expected: ExpectedDigests(),
            metadata: metadata, acl: nil, storageClass: nil)
        let files = data.blobFiles
        _ = try data.state.createSnapshot("before")

        _ = try data.uploadPart("bkt", "mp", upload.uploadID, 1, Self.largeToo)
        _ = try data.objects.appendObject(
            address, position: Int64(Self.largeToo.count), body: InMemoryBytes(bytes: Self.large),
            expected: ExpectedDigests(), metadata: metadata, acl: nil, storageClass: nil)
        #expect(data.blobFiles.count == files.count + 2)

        try data.state.restore("before")
        #expect(data.blobFiles == files)
        #expect(try data.read("bkt", "log") == Self.largeToo)
        let parts = try data.metadata.read { try $0.parts(uploadID: upload.uploadID, after: 0, limit: 10) }
        #expect(parts.map(\.blob) == [first.blob])
        let completed = try data.multipart.complete(
            try data.address("bkt", "mp"), uploadID: upload.uploadID, selection: .all, forbidOverwrite: false, acl: nil)
        #expect(completed.size == Int64(Self.large.count))
        #expect(try data.read("bkt", "mp") == Self.large)
    }

    @Test func deletingASnapshotKeepsBlobsLiveRowsStillName() throws {
        let data = try DataDirectory()
        _ = try data.bucket("bkt")
        try data.put("bkt", "k", Self.large)
        _ = try data.state.createSnapshot("a")
        _ = try data.state.createSnapshot("b")
        try data.state.deleteSnapshot("a")
        #expect(try data.read("bkt", "k") == Self.large)
        try data.objects.deleteObject(try data.address("bkt", "k"))
        #expect(data.blobFiles.count == 1)  // snapshot "b" names it
        try data.state.deleteSnapshot("b")
        #expect(data.blobFiles.isEmpty)
    }

    @Test func snapshotsSurviveARestartAndTheSweepKeepsTheirBlobs() throws {
        let data = try DataDirectory()
        _ = try data.bucket("bkt")
        try data.put("bkt", "k", Self.large)
        let upload = try data.initiate("bkt", "mp")
        _ = try data.uploadPart("bkt", "mp", upload.uploadID, 1, Self.largeToo)
        let saved = try data.state.createSnapshot("persisted")
        try data.state.reset()

        try data.reopen()
        let report = try GarbageCollector(metadata: data.metadata, blobs: data.blobs).collect()
        #expect(report.orphanedBlobs == 0)
        #expect(try data.state.snapshots() == [saved])
        // New upload ids follow the snapshot's too: a restore then brings back no id a new upload already has.
        let later = try data.initiate(try data.bucket("bkt").value, "new")
        #expect(later.uploadID > upload.uploadID)
        try data.state.restore("persisted")
        #expect(try data.read("bkt", "k") == Self.large)
        #expect(try data.metadata.read { try $0.parts(uploadID: upload.uploadID, after: 0, limit: 10) }.count == 1)
    }

    @Test func namesAreCheckedAndUnique() throws {
        let data = try DataDirectory()
        for bad in ["", "has space", "slash/", String(repeating: "a", count: 65), "ü"] {
            #expect(throws: StateStore.Failure.invalidSnapshotName(bad)) { try data.state.createSnapshot(bad) }
        }
        _ = try data.state.createSnapshot("A-z_0.9")
        #expect(throws: StateStore.Failure.snapshotExists("A-z_0.9")) { try data.state.createSnapshot("A-z_0.9") }
        #expect(throws: StateStore.Failure.noSuchSnapshot("missing")) { try data.state.restore("missing") }
        #expect(throws: StateStore.Failure.noSuchSnapshot("missing")) { try data.state.deleteSnapshot("missing") }
        #expect(try data.state.snapshots().map(\.name) == ["A-z_0.9"])
    }

    @Test func seedDirectoryLoadsFoldersAsBucketsAndFilesAsObjects() throws {
        let data = try DataDirectory()
        let seed = data.root + "-seed"
        defer { try? FileManager.default.removeItem(atPath: seed) }
        try FileManager.default.createDirectory(atPath: seed + "/site/css", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: seed + "/Not_A_Bucket", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: seed + "/site/index.html", contents: Data("<p>hi</p>".utf8))
        FileManager.default.createFile(atPath: seed + "/site/css/a.CSS", contents: Data("p{}".utf8))
        FileManager.default.createFile(atPath: seed + "/site/big", contents: Data(Self.large))
        FileManager.default.createFile(atPath: seed + "/loose.txt", contents: Data("x".utf8))
        _ = try data.bucket("site")
        try data.put("site", "index.html", Array("old".utf8))

        let summary = try SeedDirectory(objects: data.objects).load(seed)
        #expect(summary.buckets == 1)
        #expect(summary.objects == 3)
        #expect(summary.warnings.count == 2)
        #expect(try data.keys("site") == ["big", "css/a.CSS", "index.html"])
        #expect(try data.read("site", "index.html") == Array("<p>hi</p>".utf8))
        #expect(try data.read("site", "big") == Self.large)
        #expect(try data.objects.object(try data.address("site", "css/a.CSS")).metadata.contentType == "text/css")
        #expect(
            try data.objects.object(try data.address("site", "big")).metadata.contentType == "application/octet-stream")
    }
}
