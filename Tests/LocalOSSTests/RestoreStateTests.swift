import Testing

@testable import LocalOSS

/// The restore state machine as a pure function of the stored times and the clock, and what RestoreObject decides
/// for each class, state and request (protocol notes §4.3-4.5).
@Suite struct RestoreStateTests {
    static let now: Int64 = 1_700_000_000  // Tue, 14 Nov 2023 22:13:20 GMT
    static let day = RestorePlan.secondsPerDay

    static let record = RestoreRecord(
        requestedAt: now, readyAt: now + 10, expiresAt: now + 10 + day, days: 1, tier: nil)

    @Test func withoutARecordTheObjectIsFrozen() {
        #expect(RestoreState(nil, now: Self.now) == .frozen)
        #expect(RestoreState(nil, now: Self.now).headerValue == nil)
        #expect(!RestoreState(nil, now: Self.now).isReadable)
    }

    @Test func restoringUntilReadyThenRestoredUntilExpiryThenFrozenAgain() {
        let record = Self.record
        #expect(RestoreState(record, now: Self.now) == .restoring(record))
        #expect(RestoreState(record, now: record.readyAt - 1) == .restoring(record))
        #expect(RestoreState(record, now: record.readyAt) == .restored(record))
        #expect(RestoreState(record, now: record.expiresAt - 1) == .restored(record))
        #expect(RestoreState(record, now: record.expiresAt) == .frozen)
        #expect(RestoreState(record, now: record.expiresAt + 10 * Self.day) == .frozen)
    }

    @Test func headerTextsAreOSSs() {
        let record = Self.record
        #expect(RestoreState(record, now: Self.now).headerValue == "ongoing-request=\"true\"")
        // expiry = now + 10 s + 1 day = Wed, 15 Nov 2023 22:13:30 GMT
        #expect(
            RestoreState(record, now: record.readyAt).headerValue
                == "ongoing-request=\"false\", expiry-date=\"Wed, 15 Nov 2023 22:13:30 GMT\"")
        #expect(RestoreState(record, now: record.readyAt).isReadable)
    }

    @Test func aFrozenArchiveObjectStartsRestoringAfterTheDelay() throws {
        let plan = try RestorePlan.plan(
            RestoreRequest(days: 3), storageClass: .archive, state: .frozen, now: Self.now, delay: 2)
        #expect(
            plan
                == .start(
                    RestoreRecord(
                        requestedAt: Self.now, readyAt: Self.now + 2, expiresAt: Self.now + 2 + 3 * Self.day, days: 3,
                        tier: nil)))
    }

    @Test func daysDefaultToOneAndColdClassesDefaultToTheStandardTier() throws {
        let plan = try RestorePlan.plan(
            RestoreRequest(), storageClass: .coldArchive, state: .frozen, now: Self.now, delay: 0)
        #expect(plan.record.days == 1)
        #expect(plan.record.tier == "Standard")
        #expect(plan.record.readyAt == Self.now)
    }

    @Test func aSecondRestoreWhileRestoringIsRefused() {
        #expect {
            try RestorePlan.plan(
                RestoreRequest(), storageClass: .archive, state: .restoring(Self.record), now: Self.now, delay: 2)
        } throws: { error in
            let error = error as? OSSError
            return error?.code == .restoreAlreadyInProgress && error?.status == 409 && error?.ec == "0016-00000701"
        }
    }

    @Test func aRestoreOfARestoredObjectExtendsItsPeriodAndNeverShortensIt() throws {
        let record = Self.record
        let later = record.readyAt + 100
        let extended = try RestorePlan.plan(
            RestoreRequest(days: 5), storageClass: .archive, state: .restored(record), now: later, delay: 2)
        #expect(
            extended
                == .extend(
                    RestoreRecord(
                        requestedAt: record.requestedAt, readyAt: record.readyAt, expiresAt: later + 5 * Self.day,
                        days: 5,
                        tier: nil)))
        let long = RestoreRecord(
            requestedAt: Self.now, readyAt: Self.now, expiresAt: Self.now + 7 * Self.day, days: 7, tier: nil)
        let kept = try RestorePlan.plan(
            RestoreRequest(days: 1), storageClass: .archive, state: .restored(long), now: Self.now + 1, delay: 2)
        #expect(kept.record.expiresAt == long.expiresAt)
    }

    @Test func standardAndIAObjectsCannotBeRestored() {
        for storageClass in [StorageClass.standard, .ia] {
            #expect {
                try RestorePlan.plan(
                    RestoreRequest(), storageClass: storageClass, state: .frozen, now: Self.now, delay: 2)
            } throws: { error in
                let error = error as? OSSError
                return error?.code == .operationNotSupported && error?.status == 400 && error?.ec == "0016-00000702"
            }
        }
    }

    @Test func jobParametersOnArchiveAreMalformedXML() {
        #expect {
            try RestorePlan.plan(
                RestoreRequest(days: 5, tier: "Bulk", hasJobParameters: true), storageClass: .archive, state: .frozen,
                now: Self.now, delay: 2)
        } throws: { ($0 as? OSSError)?.code == .malformedXML }
    }

    @Test func unknownTiersAndBulkForDeepColdArchiveAreInvalidArguments() {
        let cases: [(StorageClass, String)] = [(.coldArchive, "wrong-tier"), (.deepColdArchive, "Bulk")]
        for (storageClass, tier) in cases {
            #expect {
                try RestorePlan.plan(
                    RestoreRequest(days: 5, tier: tier, hasJobParameters: true), storageClass: storageClass,
                    state: .frozen, now: Self.now, delay: 2)
            } throws: { error in
                let error = error as? OSSError
                return error?.code == .invalidArgument && error?.ec == "0016-00000703"
            }
        }
    }

    @Test func daysOutOfRangeAreRefused() {
        for (storageClass, days) in [(StorageClass.archive, 0), (.archive, 8), (.coldArchive, 366)] {
            #expect(throws: OSSError.self) {
                try RestorePlan.plan(
                    RestoreRequest(days: days), storageClass: storageClass, state: .frozen, now: Self.now, delay: 2)
            }
        }
    }

    @Test func restoreRequestBodies() throws {
        #expect(try ArchiveHandler.parse([]) == RestoreRequest())
        let body = Array(
            "<RestoreRequest><Days>2</Days><JobParameters><Tier>Expedited</Tier></JobParameters></RestoreRequest>".utf8)
        #expect(try ArchiveHandler.parse(body) == RestoreRequest(days: 2, tier: "Expedited", hasJobParameters: true))
        #expect(throws: OSSError.self) { try ArchiveHandler.parse(Array("<Other/>".utf8)) }
    }

    @Test func aRunningColdRestoreMovesOnlyToAFasterTier() throws {
        let running = RestoreRecord(
            requestedAt: Self.now, readyAt: Self.now + 10, expiresAt: Self.now + 10 + Self.day, days: 1,
            tier: "Standard")
        let faster = try RestorePlan.plan(
            RestoreRequest(tier: "Expedited", hasJobParameters: true), storageClass: .coldArchive,
            state: .restoring(running), now: Self.now + 1, delay: 2)
        var upgraded = running
        upgraded.tier = "Expedited"
        #expect(faster == .upgrade(upgraded))
        #expect {
            try RestorePlan.plan(
                RestoreRequest(tier: "Bulk", hasJobParameters: true), storageClass: .coldArchive,
                state: .restoring(running), now: Self.now + 1, delay: 2)
        } throws: { ($0 as? OSSError)?.ec == "0016-00000715" }
        #expect {
            try RestorePlan.plan(
                RestoreRequest(tier: "Standard", hasJobParameters: true), storageClass: .coldArchive,
                state: .restoring(running), now: Self.now + 1, delay: 2)
        } throws: { ($0 as? OSSError)?.ec == "0016-00000701" }
    }
}
