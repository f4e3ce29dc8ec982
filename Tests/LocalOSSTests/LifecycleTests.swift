import Foundation
import Logging
import Testing

@testable import LocalOSS

/// Lifecycle rules read from a stored document and applied by a sweep on a controlled clock, without sockets.
@Suite struct LifecycleTests {
    /// 2026-03-10T15:00:00Z.
    static let modified: Int64 = 1_773_154_800
    static let day: Int64 = 86_400

    /// A server clock stopped at `modified`, moved only by the test.
    static func frozenClock() -> ServerClock {
        let clock = ServerClock()
        clock.freeze(true)
        clock.set(micros: modified * 1_000_000)
        return clock
    }

    @discardableResult
    static func put(_ objects: ObjectStore, _ address: ObjectAddress, _ bytes: [UInt8]) throws -> ObjectRecord {
        try objects.putObject(
            address, body: InMemoryBytes(bytes: bytes),
            options: ObjectStore.PutOptions(
                metadata: ObjectMetadata(contentType: "application/octet-stream", headers: []),
                expected: ExpectedDigests(), acl: .default, storageClass: nil, forbidOverwrite: false))
    }

    @Test func daysCountFromTheNextMidnightAfterTheLastModification() {
        let thirty = LifecycleRule.Timing.days(30)
        // Modified at 15:00 on the 10th: the days start at 00:00 on the 11th.
        let due = Self.modified - 15 * 3600 + Self.day + 30 * Self.day
        #expect(thirty.dueDate(created: Self.modified) == due)
        #expect(!thirty.isDue(created: Self.modified, now: due - 1))
        #expect(thirty.isDue(created: Self.modified, now: due))
        // Exactly at midnight: nothing to round.
        let midnight = Self.modified - 15 * 3600
        #expect(LifecycleRule.Timing.days(1).dueDate(created: midnight) == midnight + Self.day)
        let before = LifecycleRule.Timing.before(Self.modified)
        #expect(before.isDue(created: Self.modified - 1, now: 0))
        #expect(!before.isDue(created: Self.modified, now: .max))
    }

    @Test func rulesAreReadFromTheStoredDocument() throws {
        let rules = LifecycleRule.parse(
            """
            <LifecycleConfiguration><Rule><ID>logs</ID><Prefix>logs/</Prefix><Status>Enabled</Status>
            <Filter><Not><Prefix>logs/keep/</Prefix></Not><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></Filter>
            <Expiration><Days>30</Days></Expiration>
            <Transition><Days>10</Days><StorageClass>IA</StorageClass></Transition>
            <AbortMultipartUpload><CreatedBeforeDate>2026-01-01T00:00:00.000Z</CreatedBeforeDate></AbortMultipartUpload>
            </Rule><Rule><ID>off</ID><Prefix></Prefix><Status>Disabled</Status>
            <Expiration><Date>2015-11-11T00:00:00.000Z</Date></Expiration></Rule></LifecycleConfiguration>
            """)
        #expect(rules.count == 2)
        let logs = rules[0]
        #expect(logs.id == "logs" && logs.prefix == "logs/" && logs.enabled)
        #expect(logs.expiration == .days(30))
        #expect(logs.transitions == [.init(timing: .days(10), storageClass: .ia)])
        #expect(logs.abortUploads == .before(1_767_225_600))
        #expect(logs.covers(key: "logs/a", size: 11))
        #expect(!logs.covers(key: "logs/a", size: 10))  // strictly greater
        #expect(!logs.covers(key: "logs/keep/a", size: 11))
        #expect(!logs.covers(key: "other/a", size: 11))
        #expect(!rules[1].enabled)
        #expect(rules[1].expiration == .before(1_447_200_000))
    }

    @Test func aSweepExpiresTransitionsAndAbortsWhatIsDueOnTheClock() throws {
        let stores = try StoreTests.Stores()
        let clock = Self.frozenClock()
        var objects = stores.objects
        objects.clock = clock
        var multipart = stores.multipart
        multipart.clock = clock
        for key in ["logs/old", "logs/keep/old", "data/x"] {
            _ = try Self.put(objects, try stores.address(key), Array(repeating: 7, count: 100))
        }
        let upload = try multipart.initiate(
            try stores.address("logs/upload"),
            options: .init(
                metadata: ObjectMetadata(contentType: "application/octet-stream", headers: []), storageClass: nil,
                acl: .default, forbidOverwrite: false))
        try objects.configurations.setDocument(
            """
            <LifecycleConfiguration><Rule><ID>logs</ID><Prefix>logs/</Prefix><Status>Enabled</Status>
            <Filter><Not><Prefix>logs/keep/</Prefix></Not></Filter>
            <Expiration><Days>30</Days></Expiration><AbortMultipartUpload><Days>7</Days></AbortMultipartUpload>
            </Rule><Rule><ID>data</ID><Prefix>data/</Prefix><Status>Enabled</Status>
            <Transition><Days>10</Days><StorageClass>IA</StorageClass></Transition>
            <Transition><Days>20</Days><StorageClass>Archive</StorageClass></Transition></Rule></LifecycleConfiguration>
            """, name: "lifecycle", bucket: stores.bucket.value)
        let sweeper = LifecycleSweeper(
            objects: objects, multipart: multipart, clock: clock, logger: Logger(label: "test"))
        #expect(sweeper.sweep() == .init())  // nothing due yet
        clock.advance(micros: 8 * Self.day * 1_000_000)
        #expect(sweeper.sweep() == .init(expiredObjects: 0, transitionedObjects: 0, abortedUploads: 1))
        #expect(throws: OSSError.self) {
            _ = try multipart.listParts(
                try stores.address("logs/upload"), uploadID: upload.uploadID, after: 0, maxParts: 10)
        }
        clock.advance(micros: 3 * Self.day * 1_000_000)  // day 11: data/x to IA
        #expect(sweeper.sweep() == .init(expiredObjects: 0, transitionedObjects: 1, abortedUploads: 0))
        #expect(try objects.object(try stores.address("data/x")).storageClass == .ia)
        clock.advance(micros: 20 * Self.day * 1_000_000)  // day 31: logs/old expires, data/x to Archive
        #expect(sweeper.sweep() == .init(expiredObjects: 1, transitionedObjects: 1, abortedUploads: 0))
        #expect(throws: OSSError.self) { _ = try objects.object(try stores.address("logs/old")) }
        #expect(try objects.object(try stores.address("logs/keep/old")).size == 100)
        #expect(try objects.object(try stores.address("data/x")).storageClass == .archive)
        #expect(sweeper.sweep() == .init())  // nothing left to do
    }

    @Test func aRuleWithTagsExpiresOnlyObjectsCarryingAllOfThem() throws {
        let stores = try StoreTests.Stores()
        let clock = Self.frozenClock()
        var objects = stores.objects
        objects.clock = clock
        for key in ["both", "one", "none"] {
            _ = try Self.put(objects, try stores.address(key), [1])
        }
        try objects.setObjectTags(try stores.address("both"), [Tag(key: "a", value: "1"), Tag(key: "b", value: "2")])
        try objects.setObjectTags(try stores.address("one"), [Tag(key: "a", value: "1")])
        try objects.configurations.setDocument(
            """
            <LifecycleConfiguration><Rule><ID>tagged</ID><Prefix></Prefix><Status>Enabled</Status>
            <Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag>
            <Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>
            """, name: "lifecycle", bucket: stores.bucket.value)
        let sweeper = LifecycleSweeper(
            objects: objects, multipart: stores.multipart, clock: clock, logger: Logger(label: "test"))
        clock.advance(micros: 3 * Self.day * 1_000_000)
        #expect(sweeper.sweep() == .init(expiredObjects: 1, transitionedObjects: 0, abortedUploads: 0))
        #expect(throws: OSSError.self) { _ = try objects.object(try stores.address("both")) }
        #expect(try objects.object(try stores.address("one")).size == 1)
        #expect(try objects.object(try stores.address("none")).size == 1)
    }

    /// Noncurrent versions count their days from when the next version was written; a delete marker left alone
    /// goes once the versions under it have.
    @Test func noncurrentVersionRulesFollowTheTimeAVersionStoppedBeingCurrent() throws {
        let stores = try StoreTests.Stores()
        let clock = Self.frozenClock()
        var objects = stores.objects
        objects.clock = clock
        try objects.setVersioning(stores.bucket, .enabled)
        func put(_ key: String) throws -> ObjectRecord {
            try Self.put(objects, try stores.address(key), [1, 2, 3])
        }
        let first = try put("k")
        clock.advance(micros: 5 * Self.day * 1_000_000)  // day 5: the first version becomes noncurrent
        let second = try put("k")
        try objects.deleteObject(try stores.address("gone"))  // a lone delete marker (no version under it)
        _ = try put("m")
        try objects.deleteObject(try stores.address("m"))  // a marker over a version
        try objects.configurations.setDocument(
            """
            <LifecycleConfiguration><Rule><ID>v</ID><Prefix></Prefix><Status>Enabled</Status>
            <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
            <NoncurrentVersionTransition><NoncurrentDays>3</NoncurrentDays><StorageClass>IA</StorageClass>
            </NoncurrentVersionTransition>
            <NoncurrentVersionExpiration><NoncurrentDays>10</NoncurrentDays></NoncurrentVersionExpiration>
            </Rule></LifecycleConfiguration>
            """, name: "lifecycle", bucket: stores.bucket.value)
        let sweeper = LifecycleSweeper(
            objects: objects, multipart: stores.multipart, clock: clock, logger: Logger(label: "test"))
        let address = try stores.address("k")
        let firstVersion = try VersionSelector.parse(first.versionID)
        // The lone marker goes at once; the marker over "m" stays while its version is there.
        #expect(sweeper.sweep() == .init(removedDeleteMarkers: 1))
        clock.advance(micros: 3 * Self.day * 1_000_000)  // day 8: noncurrent for 3 days, but days start at midnight
        #expect(sweeper.sweep() == .init())
        clock.advance(micros: 1 * Self.day * 1_000_000)  // day 9
        #expect(sweeper.sweep() == .init(transitionedVersions: 2))  // k's first version and m's
        #expect(try objects.object(address, version: firstVersion).storageClass == .ia)
        #expect(try objects.object(address, version: nil).storageClass == .standard)  // current: untouched
        clock.advance(micros: 7 * Self.day * 1_000_000)  // day 16: ten days after the midnight after day 5
        #expect(sweeper.sweep() == .init(expiredVersions: 2))
        #expect(throws: OSSError.self) { _ = try objects.object(address, version: firstVersion) }
        #expect(try objects.object(address, version: nil).versionID == second.versionID)
        // m's marker is now alone: the next sweep removes it.
        #expect(sweeper.sweep() == .init(removedDeleteMarkers: 1))
        #expect(sweeper.sweep() == .init())
    }
}
