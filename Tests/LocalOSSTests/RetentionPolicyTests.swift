import Foundation
import Testing

@testable import LocalOSS

/// Bucket retention policies (WORM): the retention arithmetic, the policy's states on a moved clock, what the stores
/// refuse while it applies, and the documents of WORM, overwrite protection and redundancy transitions.
@Suite struct RetentionPolicyTests {
    static let day: Int64 = 86400
    static let start: Int64 = 1_700_000_000

    private func policy(_ state: RetentionPolicy.State, days: Int = 1, created: Int64 = start) -> RetentionPolicy {
        RetentionPolicy(id: "ID", state: state, days: days, created: created)
    }

    @Test func anObjectIsRetainedUntilItsLastModifiedTimePlusThePeriod() {
        let locked = policy(.locked, days: 2)
        let written = Self.start + 100
        #expect(locked.protects(lastModified: written, at: written))
        #expect(locked.protects(lastModified: written, at: written + 2 * Self.day - 1))
        #expect(!locked.protects(lastModified: written, at: written + 2 * Self.day))
        // Written before the policy existed: retained just the same, from its own time.
        #expect(locked.protects(lastModified: Self.start - Self.day, at: Self.start + Self.day - 1))
        #expect(!locked.protects(lastModified: Self.start - Self.day, at: Self.start + Self.day))
    }

    @Test func anUnlockedPolicyProtectsUntilItLapsesAfter24Hours() {
        let trial = policy(.inProgress, days: 30)
        #expect(trial.lapsesAt == Self.start + Self.day)
        #expect(trial.isInForce(at: Self.start + Self.day - 1))
        #expect(trial.protects(lastModified: Self.start, at: Self.start + Self.day - 1))
        #expect(!trial.isInForce(at: Self.start + Self.day))
        #expect(!trial.protects(lastModified: Self.start, at: Self.start + Self.day))
        // A locked one never lapses.
        let locked = policy(.locked, days: 30)
        #expect(locked.lapsesAt == nil && locked.isInForce(at: Self.start + 1000 * Self.day))
    }

    @Test func onlyALockedPolicyExtendsAndOnlyToALongerPeriod() throws {
        do {
            _ = try policy(.inProgress).extended(to: 2)
            Issue.record("a policy in progress was extended")
        } catch {
            #expect(error.code == .invalidWORMConfiguration && error.status == 400)
        }
        #expect(try policy(.locked, days: 3).extended(to: 5).days == 5)
        #expect(try policy(.locked, days: 3).extended(to: 3).days == 3)
        do {
            _ = try policy(.locked, days: 3).extended(to: 2)
            Issue.record("a shorter period was accepted")
        } catch {
            #expect(error.code == .invalidWORMConfiguration)
        }
    }

    @Test func errorCodesAndStatuses() {
        #expect(OSSErrorCode.fileImmutable.status == 409 && OSSErrorCode.fileImmutable.ec == "0026-00000005")
        #expect(OSSErrorCode.wormConfigurationLocked.status == 403)
        #expect(OSSErrorCode.noSuchWORMConfiguration.status == 404)
        #expect(OSSErrorCode.invalidWORMConfiguration.status == 400)
    }

    // MARK: The stores on a moved clock

    final class ClockedStores {
        let root = NSTemporaryDirectory() + "localoss-worm-" + UUID().uuidString
        let now = Locked(RetentionPolicyTests.start * 1_000_000)
        let objects: ObjectStore
        let bucket: BucketName

        init() throws {
            let blobs = try BlobStore(root: root, durable: false)
            let metadata = try MetadataStore(path: root + "/metadata.sqlite", durable: false)
            let now = now
            objects = ObjectStore(metadata: metadata, blobs: blobs, clock: ServerClock(system: { now.value }))
            bucket = try BucketName(validating: "worm-bucket")
            try objects.createBucket(bucket, acl: nil, storageClass: nil, redundancy: nil)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func advance(_ seconds: Int64) { now.value += seconds * 1_000_000 }

        func address(_ key: String) throws -> ObjectAddress {
            ObjectAddress(bucket: bucket, key: try ObjectKey(validating: Array(key.utf8)))
        }

        @discardableResult
        func put(_ key: String, _ bytes: [UInt8]) throws -> ObjectRecord {
            try objects.putObject(
                try address(key), body: InMemoryBytes(bytes: bytes, chunkSize: 4096),
                options: ObjectStore.PutOptions(
                    metadata: ObjectMetadata(contentType: "application/octet-stream", headers: []),
                    expected: ExpectedDigests(), acl: .default, storageClass: nil, forbidOverwrite: false))
        }
    }

    /// A value shared with the clock closure. `@unchecked Sendable`: guarded by `lock`.
    final class Locked: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Int64
        init(_ value: Int64) { stored = value }
        var value: Int64 {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    private func code(_ body: () throws -> Void) -> OSSErrorCode? {
        do {
            try body()
            return nil
        } catch let error as OSSError {
            return error.code
        } catch {
            return .internalError
        }
    }

    @Test func statesOfAPolicy() throws {
        let stores = try ClockedStores()
        let (objects, bucket) = (stores.objects, stores.bucket)
        #expect(try objects.retentionPolicy(bucket) == nil)
        #expect(code { try objects.abortRetention(bucket) } == .noSuchWORMConfiguration)
        let first = try objects.initiateRetention(bucket, days: 1)
        #expect(first.state == .inProgress && first.created == Self.start)
        #expect(code { _ = try objects.initiateRetention(bucket, days: 2) } == .invalidWORMConfiguration)
        // It lapses unlocked after 24 hours; then a new one can be made, and the old id is unknown.
        stores.advance(Self.day)
        #expect(try objects.retentionPolicy(bucket) == nil)
        #expect(code { try objects.lockRetention(bucket, id: first.id) } == .noSuchWORMConfiguration)
        let second = try objects.initiateRetention(bucket, days: 1)
        #expect(second.id != first.id)
        #expect(code { try objects.lockRetention(bucket, id: first.id) } == .noSuchWORMConfiguration)
        try objects.lockRetention(bucket, id: second.id)
        #expect(code { try objects.lockRetention(bucket, id: second.id) } == .wormConfigurationLocked)
        #expect(code { try objects.abortRetention(bucket) } == .wormConfigurationLocked)
        #expect(code { _ = try objects.initiateRetention(bucket, days: 1) } == .wormConfigurationLocked)
        try objects.extendRetention(bucket, id: second.id, days: 7)
        // Locked, it never lapses.
        stores.advance(100 * Self.day)
        #expect(
            try objects.retentionPolicy(bucket)
                == RetentionPolicy(
                    id: second.id, state: .locked, days: 7, created: Self.start + Self.day))
    }

    @Test func writesAndDeletesOfRetainedObjectsAreRefusedUntilThePeriodEnds() throws {
        let stores = try ClockedStores()
        let (objects, bucket) = (stores.objects, stores.bucket)
        let original = try stores.put("k", [1, 2, 3])
        try objects.lockRetention(bucket, id: try objects.initiateRetention(bucket, days: 2).id)
        stores.advance(2 * Self.day - 1)
        #expect(code { try objects.deleteObject(try stores.address("k")) } == .fileImmutable)
        #expect(code { try stores.put("k", [9]) } == .fileImmutable)
        let outcomes = try objects.deleteObjects(bucket, entries: [("k", nil), ("absent", nil)])
        #expect(outcomes.map(\.refused) == [true, false])
        #expect(try objects.object(try stores.address("k")).etag == original.etag)
        // A new key is written, and is itself retained from its own time.
        try stores.put("new", [4])
        stores.advance(1)
        try objects.deleteObject(try stores.address("k"))
        #expect(code { try objects.deleteObject(try stores.address("new")) } == .fileImmutable)
        stores.advance(2 * Self.day)
        try objects.deleteObject(try stores.address("new"))
    }

    @Test func aVersionedBucketKeepsWhatItsWritesReplace() throws {
        let stores = try ClockedStores()
        let (objects, bucket) = (stores.objects, stores.bucket)
        try objects.setVersioning(bucket, .enabled)
        try stores.put("k", [1])
        _ = try objects.initiateRetention(bucket, days: 1)
        // A new version and a delete marker keep the retained version: nothing is lost.
        try stores.put("k", [2])
        #expect(try objects.deleteObject(try stores.address("k")).deleteMarker)
    }

    // MARK: Documents

    @Test func retentionBodiesAndTheConfigurationDocument() throws {
        let body = Array(
            "<InitiateWormConfiguration><RetentionPeriodInDays>25550</RetentionPeriodInDays></InitiateWormConfiguration>"
                .utf8)
        #expect(try RetentionDocuments.retentionDays(body, root: "InitiateWormConfiguration") == 25550)
        #expect(throws: OSSError.self) { try RetentionDocuments.retentionDays(body, root: "ExtendWormConfiguration") }
        for days in ["0", "25551", "1.5", ""] {
            let text =
                "<ExtendWormConfiguration><RetentionPeriodInDays>\(days)</RetentionPeriodInDays></ExtendWormConfiguration>"
            do {
                _ = try RetentionDocuments.retentionDays(Array(text.utf8), root: "ExtendWormConfiguration")
                Issue.record("\(days) was accepted")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
        let trial = RetentionPolicy(id: "1666E2CFB2B3418", state: .inProgress, days: 1, created: 1_602_777_032)
        #expect(
            RetentionDocuments.configuration(trial)
                == """
                <?xml version="1.0" encoding="UTF-8"?>
                <WormConfiguration><WormId>1666E2CFB2B3418</WormId><State>InProgress</State>\
                <RetentionPeriodInDays>1</RetentionPeriodInDays><CreationDate>2020-10-15T15:50:32</CreationDate>\
                <ExpirationDate>2020-10-16T15:50:32</ExpirationDate></WormConfiguration>
                """)
        var locked = trial
        locked.state = .locked
        #expect(!RetentionDocuments.configuration(locked).contains("ExpirationDate"))
    }

    @Test func overwriteRulesMatchPrefixSuffixAndPrincipals() throws {
        let document = try OverwriteConfiguration.accept(
            Array(
                """
                <OverwriteConfiguration><Rule><Action>forbid</Action><Prefix>pre/</Prefix><Suffix>.txt</Suffix></Rule>\
                <Rule><Action>forbid</Action><Prefix>*</Prefix><Principals><Principal>42</Principal></Principals>\
                </Rule></OverwriteConfiguration>
                """.utf8))
        let rules = OverwriteConfiguration.rules(in: document)
        #expect(
            rules == [
                .init(prefix: "pre/", suffix: ".txt", principals: []),
                .init(prefix: "*", suffix: "", principals: ["42"]),
            ])
        #expect(rules[0].forbids(key: "pre/a.txt") && rules[0].forbids(key: "pre/.txt"))
        #expect(!rules[0].forbids(key: "pre/a.log") && !rules[0].forbids(key: "x/pre/a.txt"))
        // `*` is a character, and the rule is only for principal 42.
        #expect(!rules[1].forbids(key: "*a", principal: OverwriteConfiguration.Rule.caller))
        #expect(rules[1].forbids(key: "*a", principal: "42") && !rules[1].forbids(key: "a", principal: "42"))
    }

    @Test func redundancyTransitionDocumentsFollowOSSsOrder() {
        let task = RedundancyTransitionRecord(
            taskID: "4be5beb0f74f490186311b268bf6", bucket: "examplebucket", created: 1_700_212_479)
        #expect(
            RedundancyTransitionDocuments.task(task)
                == """
                <?xml version="1.0" encoding="UTF-8"?>
                <BucketDataRedundancyTransition><Bucket>examplebucket</Bucket>\
                <TaskId>4be5beb0f74f490186311b268bf6</TaskId><Status>Finished</Status>\
                <CreateTime>2023-11-17T09:14:39.000Z</CreateTime><StartTime>2023-11-17T09:14:39.000Z</StartTime>\
                <ProcessPercentage>100</ProcessPercentage><EstimatedRemainingTime>0</EstimatedRemainingTime>\
                <EndTime>2023-11-17T09:14:39.000Z</EndTime></BucketDataRedundancyTransition>
                """)
        let list = RedundancyTransitionDocuments.list([task], next: "t2")
        #expect(
            list.hasSuffix(
                "<IsTruncated>true</IsTruncated><NextContinuationToken>t2</NextContinuationToken></ListBucketDataRedundancyTransition>"
            ))
    }
}
