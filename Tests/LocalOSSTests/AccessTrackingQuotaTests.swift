import Testing

@testable import LocalOSS

/// The pure parts of access tracking and the storage quota: the last access time arithmetic, the access monitor's
/// and lifecycle's codecs as they consult each other, the lifecycle rules' access-time flags, and the quota codec
/// (protocol notes, bucket-configuration-and-access.md §4.1, §4.12, §4.19.2).
@Suite struct AccessTrackingQuotaTests {
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    static let accessTimeRule = """
        <LifecycleConfiguration><Rule><ID>cold</ID><Prefix>cold/</Prefix><Status>Enabled</Status>\
        <Transition><Days>30</Days><StorageClass>IA</StorageClass><IsAccessTime>true</IsAccessTime>\
        <ReturnToStdWhenVisit>true</ReturnToStdWhenVisit></Transition></Rule></LifecycleConfiguration>
        """

    func put(_ body: String, stored: [String: String] = [:], now: Int64 = 1_000) -> BucketConfigurationPut {
        BucketConfigurationPut(
            body: Array(body.utf8), headers: [:], bucketExists: { _ in true }, stored: { stored[$0] }, now: now)
    }

    func monitor(_ status: String) -> String {
        "<AccessMonitorConfiguration><Status>\(status)</Status></AccessMonitorConfiguration>"
    }

    // MARK: last access time

    @Test func lastAccessIsTheLatestOfModifiedEnabledAndRecorded() {
        #expect(AccessTracking.lastAccess(lastModified: 100, enabledAt: 200, recorded: nil) == 200)
        #expect(AccessTracking.lastAccess(lastModified: 300, enabledAt: 200, recorded: nil) == 300)
        #expect(AccessTracking.lastAccess(lastModified: 100, enabledAt: 200, recorded: 250) == 250)
        #expect(AccessTracking.lastAccess(lastModified: 400, enabledAt: 200, recorded: 250) == 400)
    }

    @Test func aReadIsRecordedOnlyMoreThanADayAfterTheLastAccess() {
        #expect(!AccessTracking.readIsRecorded(lastAccess: 0, now: 86_400))
        #expect(AccessTracking.readIsRecorded(lastAccess: 0, now: 86_401))
        #expect(!AccessTracking.readIsRecorded(lastAccess: 500, now: 600))
    }

    @Test func enabledAtReadsTheCompanionDocument() {
        #expect(AccessTracking.enabledAt([:]) == nil)
        #expect(AccessTracking.enabledAt([AccessTracking.sinceDocument: "1631698332"]) == 1_631_698_332)
    }

    // MARK: access monitor

    @Test func enablingRecordsTheFirstInstantAndDisablingDropsIt() throws {
        let kind = AccessTracking.kind
        let enable = put(monitor("Enabled"), now: 1_234)
        let document = try kind.acceptRequest(enable)
        #expect(document == Self.declaration + monitor("Enabled"))
        #expect(kind.companions(document, enable) == [AccessTracking.sinceDocument: "1234"])
        // Enabled again: the first instant stays.
        let again = put(monitor("Enabled"), stored: [AccessTracking.sinceDocument: "1000"], now: 5_000)
        #expect(kind.companions(try kind.acceptRequest(again), again).isEmpty)
        let disable = put(monitor("Disabled"), stored: [AccessTracking.sinceDocument: "1000"])
        let disabled = try kind.acceptRequest(disable)
        #expect(disabled == Self.declaration + monitor("Disabled"))
        #expect(kind.companions(disabled, disable) == [AccessTracking.sinceDocument: String?.none])
    }

    @Test func disablingIsRefusedWhileAnAccessTimeRuleExists() throws {
        let stored = try LifecycleConfiguration.document(Array(Self.accessTimeRule.utf8), accessTrackingSince: 7)
        #expect(throws: OSSError.self) {
            try AccessTracking.kind.acceptRequest(put(monitor("Disabled"), stored: ["lifecycle": stored]))
        }
        let other = """
            <LifecycleConfiguration><Rule><ID>r</ID><Prefix></Prefix><Status>Enabled</Status>\
            <Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>
            """
        #expect(
            try AccessTracking.kind.acceptRequest(put(monitor("Disabled"), stored: ["lifecycle": other]))
                == Self.declaration + monitor("Disabled"))
        #expect(throws: OSSError.self) { try AccessTracking.kind.acceptRequest(put(monitor("enabled"))) }
    }

    // MARK: lifecycle by last access time

    @Test func accessTimeRulesNeedTrackingAndAnswerAtimeBase() throws {
        do {
            _ = try LifecycleConfiguration.kind.acceptRequest(put(Self.accessTimeRule))
            Issue.record("an access-time rule without tracking was accepted")
        } catch {
            #expect(error.code == .invalidArgument && error.ec == "0014-00000016")
        }
        let document = try LifecycleConfiguration.kind.acceptRequest(
            put(Self.accessTimeRule, stored: [AccessTracking.sinceDocument: "1631698332"]))
        #expect(
            document == Self.declaration
                + "<LifecycleConfiguration><Rule><ID>cold</ID><Prefix>cold/</Prefix><Status>Enabled</Status>"
                + "<Transition><Days>30</Days><StorageClass>IA</StorageClass><IsAccessTime>true</IsAccessTime>"
                + "<ReturnToStdWhenVisit>true</ReturnToStdWhenVisit></Transition>"
                + "<AtimeBase>1631698332</AtimeBase></Rule></LifecycleConfiguration>")
        #expect(LifecycleConfiguration.countsFromAccessTime(document))
        let rules = LifecycleRule.parse(document)
        #expect(rules[0].transitions[0].countsFromAccessTime && rules[0].transitions[0].returnsToStandardOnRead)
    }

    @Test func aRuleByModificationTimeGetsNoAtimeBase() throws {
        let body = """
            <LifecycleConfiguration><Rule><ID>r</ID><Prefix></Prefix><Status>Enabled</Status>\
            <Transition><Days>30</Days><StorageClass>IA</StorageClass><IsAccessTime>false</IsAccessTime></Transition>\
            </Rule></LifecycleConfiguration>
            """
        let document = try LifecycleConfiguration.kind.acceptRequest(put(body))
        #expect(!document.contains("AtimeBase") && !LifecycleConfiguration.countsFromAccessTime(document))
        #expect(!LifecycleRule.parse(document)[0].transitions[0].countsFromAccessTime)
    }

    @Test func aReadReturnsToStandardOnlyWhatAReturningAccessTimeRuleCovers() throws {
        let document = try LifecycleConfiguration.document(Array(Self.accessTimeRule.utf8), accessTrackingSince: 1)
        let rules = LifecycleRule.parse(document)
        #expect(LifecycleRule.readReturnsToStandard(rules, key: "cold/a", size: 1, storageClass: .ia))
        #expect(!LifecycleRule.readReturnsToStandard(rules, key: "warm/a", size: 1, storageClass: .ia))
        #expect(!LifecycleRule.readReturnsToStandard(rules, key: "cold/a", size: 1, storageClass: .archive))
        #expect(!LifecycleRule.readReturnsToStandard(rules, key: "cold/a", size: 1, storageClass: .standard))
    }

    // MARK: storage quota

    @Test func quotaDocumentsAndUsage() throws {
        let kind = StorageQuotaConfiguration.kind
        let body = "<QuotaConfiguration><Mode>Strict</Mode><StorageQuota>1024</StorageQuota></QuotaConfiguration>"
        let stored = try kind.accept(Array(body.utf8))
        let quota = "<QuotaConfiguration><StorageQuota>1024</StorageQuota><Mode>Strict</Mode>"
        #expect(stored == Self.declaration + quota + "</QuotaConfiguration>")
        #expect(
            kind.answer?(stored, BucketUsage(bytes: 12)) == Self.declaration + quota
                + "<CurrentUsage>12</CurrentUsage></QuotaConfiguration>")
        guard case .document(let absent) = kind.absent else {
            Issue.record("no default document")
            return
        }
        #expect(
            kind.answer?(absent, BucketUsage(bytes: 0))
                == Self.declaration + "<QuotaConfiguration><CurrentUsage>0</CurrentUsage></QuotaConfiguration>")
    }

    @Test(arguments: [
        ("<QuotaConfiguration><StorageQuota>0</StorageQuota></QuotaConfiguration>", OSSErrorCode.invalidArgument),
        ("<QuotaConfiguration><StorageQuota>-1</StorageQuota></QuotaConfiguration>", .invalidArgument),
        (
            "<QuotaConfiguration><StorageQuota>10</StorageQuota><Mode>strict</Mode></QuotaConfiguration>",
            .invalidArgument
        ),
        ("<QuotaConfiguration><Mode>Strict</Mode></QuotaConfiguration>", .malformedXML),
        ("<Quota><StorageQuota>10</StorageQuota></Quota>", .malformedXML),
    ])
    func quotaRefusals(body: String, code: OSSErrorCode) {
        do {
            _ = try StorageQuotaConfiguration.kind.accept(Array(body.utf8))
            Issue.record("accepted \(body)")
        } catch { #expect(error.code == code) }
    }
}
