import Foundation
import Testing

@testable import LocalOSS

/// Fault rules without sockets: what a rule's JSON may say (and how a bad one is refused, naming the field), which
/// requests a match holds for, and how the budget (`times`, `after`, `probability` with `seed`) picks the requests
/// a rule fires for.
@Suite struct FaultRuleTests {
    private func rule(_ json: String) throws -> FaultRule { try FaultRule.parse(Array(json.utf8)) }

    private func refusal(_ json: String) -> FaultRuleError? {
        do {
            _ = try rule(json)
            return nil
        } catch let error as FaultRuleError {
            return error
        } catch {
            return FaultRuleError("?", "\(error)")
        }
    }

    private let uploadPart = FaultSubject(
        operation: "UploadPart", method: "PUT", bucket: "bkt", key: "dir/big.bin", uploadID: "U1", partNumber: 2)

    // MARK: JSON

    @Test func aFullRuleDecodesEveryField() throws {
        let decoded = try rule(
            """
            {"match": {"operation": "UploadPart", "method": "put", "bucket": "bkt", "key": "dir/big.bin",
                       "keyPrefix": "dir/", "uploadId": "U1", "partNumber": 2},
             "action": {"type": "error", "status": 503, "code": "ServiceUnavailable", "message": "busy",
                        "ec": "0002-00000503", "retryAfter": 2},
             "times": 1, "after": 1, "probability": 0.5, "seed": 42}
            """)
        #expect(
            decoded.match
                == FaultMatch(
                    operation: "UploadPart", method: "PUT", bucket: "bkt", key: "dir/big.bin", keyPrefix: "dir/",
                    uploadId: "U1", partNumber: 2))
        #expect(
            decoded.action
                == .error(status: 503, code: "ServiceUnavailable", message: "busy", ec: "0002-00000503", retryAfter: 2))
        #expect(decoded.budget == FaultBudget(times: 1, after: 1, probability: 0.5, seed: 42))
    }

    @Test func everyActionTypeDecodesWithItsDefaults() throws {
        #expect(
            try rule(#"{"action": {"type": "delay", "ms": 250}}"#).action
                == .delay(milliseconds: 250, phase: .beforeResponse))
        #expect(
            try rule(#"{"action": {"type": "delay", "ms": 5, "phase": "beforeBody"}}"#).action
                == .delay(milliseconds: 5, phase: .beforeBody))
        #expect(
            try rule(#"{"action": {"type": "throttle", "bytesPerSecond": 1024}}"#).action
                == .throttle(bytesPerSecond: 1024, direction: .response))
        #expect(
            try rule(#"{"action": {"type": "throttle", "bytesPerSecond": 1, "direction": "request"}}"#).action
                == .throttle(bytesPerSecond: 1, direction: .request))
        #expect(try rule(#"{"action": {"type": "resetAfterBodyBytes", "bytes": 0}}"#).action == .resetAfterBodyBytes(0))
        #expect(try rule(#"{"action": {"type": "dropResponseAfterCommit"}}"#).action == .dropResponseAfterCommit)
        #expect(try rule(#"{"action": {"type": "truncateBody", "bytes": 10}}"#).action == .truncateBody(10))
        #expect(try rule(#"{"action": {"type": "corruptBody", "offset": 7}}"#).action == .corruptBody(offset: 7))
        #expect(try rule(#"{"action": {"type": "wrongChecksum"}}"#).action == .wrongChecksum)
        #expect(try rule(#"{"action": {"type": "stall"}}"#).action == .stall)
        let error = try rule(#"{"action": {"type": "error", "status": 500, "code": "InternalError"}}"#)
        #expect(
            error.action
                == .error(status: 500, code: "InternalError", message: "Injected fault.", ec: nil, retryAfter: nil))
        #expect(error.match == FaultMatch())
        #expect(error.budget.times == nil && error.budget.after == 0 && error.budget.probability == 1)
    }

    @Test func badRulesAreRefusedNamingTheField() {
        #expect(refusal("{}")?.field == "action")
        #expect(refusal("{")?.problem == "not valid JSON")
        #expect(refusal(#"{"action": {}}"#)?.field == "action.type")
        #expect(refusal(#"{"action": {"type": "explode"}}"#)?.field == "action.type")
        #expect(refusal(#"{"action": {"type": "error", "code": "X"}}"#)?.field == "action.status")
        #expect(refusal(#"{"action": {"type": "error", "status": 700, "code": "X"}}"#)?.field == "action.status")
        #expect(refusal(#"{"action": {"type": "error", "status": 503}}"#)?.field == "action.code")
        #expect(refusal(#"{"action": {"type": "delay"}}"#)?.field == "action.ms")
        #expect(refusal(#"{"action": {"type": "delay", "ms": 1, "phase": "later"}}"#)?.field == "action.phase")
        #expect(refusal(#"{"action": {"type": "throttle", "bytesPerSecond": 0}}"#)?.field == "action.bytesPerSecond")
        #expect(
            refusal(#"{"action": {"type": "throttle", "bytesPerSecond": 9, "direction": "up"}}"#)?.field
                == "action.direction")
        #expect(refusal(#"{"action": {"type": "truncateBody", "bytes": -1}}"#)?.field == "action.bytes")
        #expect(refusal(#"{"action": {"type": "stall", "ms": 1}}"#)?.field == "action.ms")
        #expect(refusal(#"{"action": {"type": "stall"}, "time": 1}"#)?.field == "time")
        #expect(refusal(#"{"action": {"type": "stall"}, "match": {"keyprefix": "a"}}"#)?.field == "match.keyprefix")
        #expect(
            refusal(#"{"action": {"type": "stall"}, "match": {"operation": "Upload"}}"#)?.field == "match.operation")
        #expect(refusal(#"{"action": {"type": "stall"}, "match": {"partNumber": 0}}"#)?.field == "match.partNumber")
        #expect(refusal(#"{"action": {"type": "stall"}, "times": 0}"#)?.field == "times")
        #expect(refusal(#"{"action": {"type": "stall"}, "after": -1}"#)?.field == "after")
        #expect(refusal(#"{"action": {"type": "stall"}, "probability": 1.5}"#)?.field == "probability")
        let mistyped = refusal(#"{"action": {"type": "error", "status": "503", "code": "X"}}"#)
        #expect(mistyped?.problem.contains("action.status") == true)
    }

    @Test func aListIsOneRuleOrAnArray() throws {
        #expect(try FaultRule.parseList(Array(#"{"action": {"type": "stall"}}"#.utf8)).count == 1)
        let two = try FaultRule.parseList(
            Array(#" [{"action": {"type": "stall"}}, {"action": {"type": "wrongChecksum"}}]"#.utf8))
        #expect(two.map(\.action) == [.stall, .wrongChecksum])
        do {
            _ = try FaultRule.parseList(Array(#"[{"action": {"type": "stall"}}, {"action": {"type": "delay"}}]"#.utf8))
            Issue.record("an array with a bad rule was accepted")
        } catch {
            #expect(error == FaultRuleError("[1].action.ms", "required for delay"))
        }
    }

    @Test func aRuleWithoutSeedGetsOneItCanBeRepeatedWith() throws {
        let first = try rule(#"{"action": {"type": "stall"}, "probability": 0.5}"#)
        #expect(first.budget.seed < 1 << 53)
    }

    @Test func aListedRuleEchoesItsFields() throws {
        let rules = FaultRules()
        let entry = rules.add(
            try rule(
                #"{"match": {"operation": "GetObject"}, "action": {"type": "corruptBody", "offset": 3}, "seed": 9}"#))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(entry), as: UTF8.self)
        #expect(
            text
                == #"{"action":{"offset":3,"type":"corruptBody"},"after":0,"hits":0,"id":"f1","match":{"operation":"GetObject"},"matched":0,"probability":1,"seed":9,"times":null}"#
        )
    }

    // MARK: matching

    @Test func anEmptyMatchHoldsForEveryRequest() {
        #expect(FaultMatch().matches(uploadPart))
        #expect(FaultMatch().matches(FaultSubject(operation: "ListBuckets", method: "GET")))
    }

    @Test func everyGivenConditionMustHold() {
        #expect(FaultMatch(operation: "UploadPart", partNumber: 2).matches(uploadPart))
        #expect(!FaultMatch(operation: "UploadPart", partNumber: 3).matches(uploadPart))
        #expect(!FaultMatch(operation: "PutObject").matches(uploadPart))
        #expect(FaultMatch(method: "PUT").matches(uploadPart))
        #expect(!FaultMatch(method: "POST").matches(uploadPart))
        #expect(FaultMatch(bucket: "bkt", key: "dir/big.bin").matches(uploadPart))
        #expect(!FaultMatch(key: "dir/big").matches(uploadPart))
        #expect(FaultMatch(keyPrefix: "dir/").matches(uploadPart))
        #expect(!FaultMatch(keyPrefix: "other/").matches(uploadPart))
        #expect(FaultMatch(uploadId: "U1").matches(uploadPart))
        #expect(!FaultMatch(uploadId: "U2").matches(uploadPart))
    }

    @Test func aKeyPrefixNeverHoldsForABucketRequest() {
        #expect(
            !FaultMatch(keyPrefix: "").matches(FaultSubject(operation: "ListObjects", method: "GET", bucket: "bkt")))
    }

    @Test func theSubjectOfAnOperationCarriesItsUploadAndPart() throws {
        let address = ObjectAddress(bucket: try BucketName(validating: "bkt"), key: try ObjectKey(validating: "a/b"))
        let part = try PartNumber(validating: "7")
        let subject = FaultSubject(.uploadPart(address, uploadID: "U9", part: part), method: "PUT")
        #expect(
            subject
                == FaultSubject(
                    operation: "UploadPart", method: "PUT", bucket: "bkt", key: "a/b", uploadID: "U9", partNumber: 7))
        let listing = FaultSubject(.listParts(address, uploadID: "U9"), method: "GET")
        #expect(listing.uploadID == "U9" && listing.partNumber == nil)
    }

    // MARK: budget

    private func pattern(_ budget: FaultBudget, requests: Int) -> [Bool] {
        var budget = budget
        return (0..<requests).map { _ in budget.fires() }
    }

    @Test func afterSkipsTheFirstMatchesAndTimesLimitsTheFiring() {
        #expect(pattern(FaultBudget(times: 1, after: 1), requests: 4) == [false, true, false, false])
        #expect(pattern(FaultBudget(times: 2), requests: 4) == [true, true, false, false])
        #expect(pattern(FaultBudget(), requests: 3) == [true, true, true])
        var budget = FaultBudget(times: 2, after: 1)
        for _ in 0..<5 { _ = budget.fires() }
        #expect(budget.matched == 5 && budget.hits == 2 && budget.isExhausted)
    }

    @Test func aSeededProbabilityFiresInTheSamePatternEveryRun() {
        let first = pattern(FaultBudget(probability: 0.3, seed: 1234), requests: 200)
        let second = pattern(FaultBudget(probability: 0.3, seed: 1234), requests: 200)
        let other = pattern(FaultBudget(probability: 0.3, seed: 4321), requests: 200)
        #expect(first == second)
        #expect(first != other)
        let fired = first.filter { $0 }.count
        #expect((30...90).contains(fired), "about 60 of 200 at 0.3, got \(fired)")
        #expect(pattern(FaultBudget(probability: 0, seed: 1), requests: 50).allSatisfy { !$0 })
    }

    @Test func splitMix64MatchesItsReferenceOutput() {
        // The first outputs of the reference implementation (Vigna, splitmix64.c) seeded with 0.
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    // MARK: the registry

    @Test func theFirstRuleThatFiresApplies() throws {
        let rules = FaultRules()
        let once = rules.add(
            try rule(#"{"match": {"operation": "UploadPart"}, "action": {"type": "stall"}, "times": 1}"#))
        let always = rules.add(try rule(#"{"action": {"type": "wrongChecksum"}}"#))
        #expect(rules.fire(for: uploadPart)?.ruleID == once.id)
        #expect(rules.fire(for: uploadPart)?.ruleID == always.id)
        #expect(rules.entries.map(\.rule.budget.hits) == [1, 1])
        #expect(rules.entries.map(\.rule.budget.matched) == [2, 1])
    }

    @Test func removedRulesNoLongerFire() throws {
        let rules = FaultRules()
        let stall = rules.add(try rule(#"{"action": {"type": "stall"}}"#))
        let fired = rules.fire(for: uploadPart)
        #expect(fired?.isStillInForce == true)
        #expect(rules.remove(stall.id))
        #expect(!rules.remove(stall.id))
        #expect(fired?.isStillInForce == false)
        #expect(rules.fire(for: uploadPart) == nil)
        rules.add(try rule(#"{"action": {"type": "stall"}}"#))
        rules.removeAll()
        #expect(rules.entries.isEmpty)
        #expect(rules.fire(for: uploadPart) == nil)
    }

    @Test func withoutRulesTheSubjectIsNeverBuilt() {
        let rules = FaultRules()
        var built = false
        let subject = { () -> FaultSubject in
            built = true
            return FaultSubject(operation: "GetObject", method: "GET")
        }
        #expect(rules.fire(for: subject()) == nil)
        #expect(!built)
    }
}
