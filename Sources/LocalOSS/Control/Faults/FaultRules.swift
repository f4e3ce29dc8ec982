import Foundation
import Synchronization

/// The fault rules in force, shared by the request pipeline (which asks, once per OSS request, whether one fires)
/// and the control plane (which adds, lists and removes them). Rules are tried in the order they were added; the
/// first whose match holds and whose budget fires applies, and the rules after it do not see that request.
///
/// With no rules, a request costs one relaxed atomic load: the lock is taken only while rules exist.
final class FaultRules: Sendable {
    /// A rule with its id and what it has counted, as `GET /_localoss/faults` lists it.
    struct Entry: Sendable, Encodable {
        var id: String
        var rule: FaultRule

        private enum CodingKeys: String, CodingKey {
            case id, match, action, times, after, probability, seed, hits, matched
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(rule.match, forKey: .match)
            try container.encode(rule.action, forKey: .action)
            try container.encode(rule.budget.times, forKey: .times)
            try container.encode(rule.budget.after, forKey: .after)
            try container.encode(rule.budget.probability, forKey: .probability)
            try container.encode(rule.budget.seed, forKey: .seed)
            try container.encode(rule.budget.hits, forKey: .hits)
            try container.encode(rule.budget.matched, forKey: .matched)
        }
    }

    private struct State {
        var entries: [Entry] = []
        var nextID = 1
    }

    private let count = Atomic<Int>(0)
    private let state = Mutex(State())

    init(_ rules: [FaultRule] = []) {
        for rule in rules { add(rule) }
    }

    @discardableResult
    func add(_ rule: FaultRule) -> Entry {
        state.withLock { state in
            let entry = Entry(id: "f\(state.nextID)", rule: rule)
            state.nextID += 1
            state.entries.append(entry)
            count.store(state.entries.count, ordering: .relaxed)
            return entry
        }
    }

    var entries: [Entry] { state.withLock { $0.entries } }

    /// False if there was no rule `id`.
    func remove(_ id: String) -> Bool {
        state.withLock { state in
            guard let index = state.entries.firstIndex(where: { $0.id == id }) else { return false }
            state.entries.remove(at: index)
            count.store(state.entries.count, ordering: .relaxed)
            return true
        }
    }

    func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            count.store(0, ordering: .relaxed)
        }
    }

    func contains(_ id: String) -> Bool { state.withLock { $0.entries.contains { $0.id == id } } }

    /// The fault to apply to a request, if a rule fires for it; `subject` is built only when rules exist.
    func fire(for subject: @autoclosure () -> FaultSubject) -> FiredFault? {
        guard count.load(ordering: .relaxed) > 0 else { return nil }
        let subject = subject()
        return state.withLock { state in
            for index in state.entries.indices where state.entries[index].rule.match.matches(subject) {
                guard state.entries[index].rule.budget.fires() else { continue }
                let entry = state.entries[index]
                return FiredFault(ruleID: entry.id, action: entry.rule.action, rules: self)
            }
            return nil
        }
    }
}

/// A rule that fired for the request in hand: its action, and whether the rule is still in force (a stalled
/// request ends when it is removed).
struct FiredFault: Sendable {
    var ruleID: String
    var action: FaultAction
    let rules: FaultRules

    /// How the request journal names it: `f3 error`.
    var label: String { "\(ruleID) \(action.type)" }

    var isStillInForce: Bool { rules.contains(ruleID) }
}

extension FaultRules {
    /// The control plane's endpoints for fault rules.
    var routes: [ControlRoute] {
        [
            ControlRoute("POST", "faults") { [self] request in
                let rule: FaultRule
                do throws(FaultRuleError) {
                    rule = try FaultRule.parse(request.body.isEmpty ? Array("{}".utf8) : request.body)
                } catch {
                    throw ControlError(400, "invalid fault rule", error.description)
                }
                return ControlReply(status: 201, json: add(rule))
            },
            ControlRoute("GET", "faults") { [self] _ in ControlReply(json: ["faults": entries]) },
            ControlRoute("DELETE", "faults") { [self] _ in
                removeAll()
                return .noContent
            },
            ControlRoute("DELETE", "faults/{id}") { [self] request in
                let id = request.parameters["id"] ?? ""
                guard remove(id) else { throw ControlError(404, "no such fault", "no fault rule has the id \(id)") }
                return .noContent
            },
        ]
    }
}
