import Foundation
import Testing

@testable import LocalOSS

/// Versioning in the stores, without sockets: version ordering, delete markers, the null version, listing pages,
/// and blobs freed only when their last version goes.
@Suite struct VersioningStoreTests {
    typealias Stores = StoreTests.Stores

    private func enable(_ stores: Stores, _ state: VersioningState = .enabled) throws {
        try stores.objects.setVersioning(stores.bucket, state)
    }

    private func versions(
        _ stores: Stores, maxKeys: Int = 1000, keyMarker: String? = nil,
        versionIDMarker: VersionSelector? = nil, delimiter: String? = nil
    ) throws -> ListingPage<VersionSummary> {
        try stores.objects.listVersions(
            stores.bucket, prefix: "", delimiter: delimiter, keyMarker: keyMarker, versionIDMarker: versionIDMarker,
            maxKeys: maxKeys)
    }

    @Test func versionIDsHaveOSSShapeAndRoundTrip() throws {
        let generator = VersionIDGenerator(nowMilliseconds: { 1_680_328_351_170 }, random: SplitMixSequence(seed: 1))
        let (first, stamp) = generator.next(after: 0)
        let (second, later) = generator.next(after: 0)
        #expect(first.utf8.count == 64 && first.hasPrefix("CAEQ"))
        #expect(
            first.utf8.allSatisfy { Encoding.isUnreserved($0) && $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "~") })
        #expect(stamp >> 20 == 1_680_328_351_170 && later == stamp + 1)
        #expect(VersionID.stamp(of: first) == stamp && VersionID.stamp(of: second) == later)
        #expect(VersionID.stamp(of: "IllegalVersion") == nil)
        #expect(generator.next(after: later + 100).stamp == later + 101)
        // The same seed gives the same ids.
        let again = VersionIDGenerator(nowMilliseconds: { 1_680_328_351_170 }, random: SplitMixSequence(seed: 1))
        #expect(again.next(after: 0).id == first)
    }

    @Test func enabledKeepsEveryVersionNewestFirst() throws {
        let stores = try Stores()
        _ = try stores.put("k", [0])
        try enable(stores)
        let v1 = try stores.put("k", [1])
        let v2 = try stores.put("k", [2])
        #expect(v1.versionID != nil && v2.versionID != nil && v1.versionID != v2.versionID)
        #expect(v2.versionSeq > v1.versionSeq)
        #expect(try stores.read("k") == [2])
        let old = try stores.objects.object(
            try stores.address("k"), version: try VersionSelector.parse(v1.versionID))
        #expect(old.size == 1 && old.isNoncurrent)
        let page = try versions(stores)
        #expect(page.rows.map(\.versionName) == [v2.versionID!, v1.versionID!, "null"])
    }

    @Test func markersHideTheKeyAndDeletingThemRestoresIt() throws {
        let stores = try Stores()
        try enable(stores)
        let v1 = try stores.put("k", [1, 2, 3])
        let address = try stores.address("k")
        let marker = try stores.objects.deleteObject(address, version: nil)
        #expect(marker.deleteMarker && marker.versionID != v1.versionID)
        do {
            _ = try stores.objects.object(address, version: nil)
            Issue.record("a current delete marker must read as NoSuchKey")
        } catch let error as OSSError {
            #expect(error.code == .noSuchKey)
            #expect(error.headers.contains { $0 == ("x-oss-delete-marker", "true") })
        }
        do {
            _ = try stores.objects.object(address, version: try VersionSelector.parse(marker.versionID))
            Issue.record("a marker by id must be MethodNotAllowed")
        } catch let error as OSSError {
            #expect(error.code == .methodNotAllowed)
        }
        let listed = try stores.objects.listObjects(
            stores.bucket, prefix: "", delimiter: nil, after: nil, maxKeys: 100)
        #expect(listed.rows.isEmpty)
        let removed = try stores.objects.deleteObject(address, version: try VersionSelector.parse(marker.versionID))
        #expect(removed.deleteMarker && removed.versionID == marker.versionID)
        #expect(try stores.read("k") == [1, 2, 3])
    }

    @Test func suspendedReplacesOnlyTheNullVersion() throws {
        let stores = try Stores()
        _ = try stores.put("k", [0])
        try enable(stores)
        let kept = try stores.put("k", [1])
        try enable(stores, .suspended)
        let null1 = try stores.put("k", [2])
        let null2 = try stores.put("k", [3])
        #expect(null1.versionID == nil && null2.versionID == nil)
        #expect(try versions(stores).rows.map(\.versionName) == ["null", kept.versionID!])
        let marker = try stores.objects.deleteObject(try stores.address("k"), version: nil)
        #expect(marker.versionID == "null" && marker.deleteMarker)
        let rows = try versions(stores).rows
        #expect(rows.map(\.versionName) == ["null", kept.versionID!] && rows[0].isDeleteMarker)
    }

    @Test func pagesContinueInsideAKey() throws {
        let stores = try Stores()
        try enable(stores)
        var written: [String] = []
        for key in ["a", "a", "a", "b"] { written.append(try stores.put(key, [1]).versionID!) }
        let first = try versions(stores, maxKeys: 2)
        #expect(first.isTruncated && first.rows.map(\.versionName) == [written[2], written[1]])
        let second = try versions(
            stores, maxKeys: 2, keyMarker: "a", versionIDMarker: try VersionSelector.parse(written[1]))
        #expect(!second.isTruncated && second.rows.map(\.versionName) == [written[0], written[3]])
        let pastKey = try versions(stores, keyMarker: "a")
        #expect(pastKey.rows.map(\.key) == ["b"])
    }

    @Test func blobsLiveUntilTheirLastVersionGoes() throws {
        let stores = try Stores()
        try enable(stores)
        let big = [UInt8](repeating: 7, count: 100_000)  // larger than the inline limit: a blob file
        let v1 = try stores.put("k", big)
        _ = try stores.put("k", [1])
        let blob = try stores.metadata.read { try $0.referencedBlobs() }
        #expect(!blob.isEmpty)
        _ = try stores.objects.deleteObject(try stores.address("k"), version: try VersionSelector.parse(v1.versionID))
        let remaining = try stores.metadata.read { try $0.referencedBlobs() }
        #expect(remaining.count == blob.count - 1)
        #expect(try stores.read("k") == [1])
    }

    @Test func listingIsAMergeOfTwoIndexRangeScans() throws {
        let stores = try Stores()
        let plan = try stores.metadata.read { catalog -> [String] in
            let statement = try catalog.database.prepare(
                """
                EXPLAIN QUERY PLAN
                SELECT key, version_seq FROM objects WHERE bucket = ?1 AND key >= ?2 AND NOT (key = ?2 AND version_seq >= ?3)
                UNION ALL
                SELECT key, version_seq FROM object_versions WHERE bucket = ?1 AND key >= ?2 AND NOT (key = ?2 AND version_seq >= ?3)
                ORDER BY 1, 2 DESC LIMIT 10
                """)
            statement.bind(.string("b"), .string("k"), .integer(5))
            var lines: [String] = []
            while try statement.step() { lines.append(statement.text(3)) }
            return lines
        }
        #expect(plan.contains { $0.contains("MERGE") })
        #expect(plan.filter { $0.hasPrefix("SEARCH") }.count == 2)
        #expect(!plan.contains { $0.contains("TEMP B-TREE") || $0.hasPrefix("SCAN") })
    }
}

/// A version's tags and symlink target belong to the version (schema 12): they follow it into the noncurrent
/// versions and back, and go when it goes.
@Suite struct VersionRowsStoreTests {
    typealias Stores = StoreTests.Stores
    private typealias OSSTag = LocalOSS.Tag

    private func link(_ stores: Stores, _ key: String, to target: String) throws -> ObjectRecord {
        let options = ObjectStore.SymlinkOptions(
            metadata: ObjectMetadata(contentType: "application/octet-stream", headers: []), acl: .default,
            storageClass: nil, forbidOverwrite: false, tags: [])
        return try stores.objects.putSymlink(try stores.address(key), target: target, options: options)
    }

    private func rows(_ stores: Stores, _ table: String) throws -> Int64 {
        try stores.metadata.read { catalog in
            let statement = try catalog.database.prepare("SELECT COUNT(*) FROM \(table)")
            _ = try statement.step()
            return statement.int(0)
        }
    }

    @Test func tagsAndLinkTargetsStayWithTheirVersion() throws {
        let stores = try Stores()
        try stores.objects.setVersioning(stores.bucket, .enabled)
        let address = try stores.address("k")
        let first = try stores.put("k", [1])
        try stores.objects.setObjectTags(address, [OSSTag(key: "v", value: "1")])
        let second = try link(stores, "k", to: "target-two")
        #expect(second.versionID != nil && second.versionID != first.versionID)
        try stores.objects.setObjectTags(address, [OSSTag(key: "v", value: "2")])

        let firstVersion = try VersionSelector.parse(first.versionID)
        #expect(try stores.objects.objectTags(address, version: firstVersion).1 == [OSSTag(key: "v", value: "1")])
        #expect(try stores.objects.objectTags(address).1 == [OSSTag(key: "v", value: "2")])
        // Tagging a noncurrent version changes only that version.
        try stores.objects.setObjectTags(address, version: firstVersion, [OSSTag(key: "old", value: "yes")])
        #expect(try stores.objects.objectTags(address).1 == [OSSTag(key: "v", value: "2")])

        // The link becomes noncurrent under a newer write and keeps its target.
        _ = try stores.put("k", [3])
        let secondVersion = try VersionSelector.parse(second.versionID)
        #expect(try stores.objects.symlink(address, version: secondVersion).symlinkTarget == "target-two")
        #expect(throws: OSSError.self) { try stores.objects.symlink(address) }

        // Deleting the newest version for good makes the link current again, target and tags intact.
        let third = try stores.objects.object(address, version: nil)
        try stores.objects.deleteObject(address, version: try VersionSelector.parse(third.versionID))
        #expect(try stores.objects.symlink(address).symlinkTarget == "target-two")
        #expect(try stores.objects.objectTags(address).1 == [OSSTag(key: "v", value: "2")])

        // Versions deleted for good take their rows with them.
        try stores.objects.deleteObject(address, version: secondVersion)
        try stores.objects.deleteObject(address, version: firstVersion)
        #expect(try rows(stores, "object_tags") == 0)
        #expect(try rows(stores, "symlinks") == 0)
    }

    @Test func anOverwriteWithoutVersioningDropsTheOldTags() throws {
        let stores = try Stores()
        let address = try stores.address("k")
        _ = try stores.put("k", [1])
        try stores.objects.setObjectTags(address, [OSSTag(key: "a", value: "1")])
        _ = try link(stores, "k", to: "elsewhere")
        _ = try stores.put("k", [2])
        #expect(try stores.objects.objectTags(address).1 == [])
        #expect(try rows(stores, "object_tags") == 0)
        #expect(try rows(stores, "symlinks") == 0)
    }
}
