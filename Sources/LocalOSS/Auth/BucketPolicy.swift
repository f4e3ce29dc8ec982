import Foundation

/// Who a policy statement is matched against.
enum PolicyPrincipal: Equatable, Sendable {
    case anonymous
    /// An authenticated account other than the bucket owner's.
    case account(String)
    /// The bucket owner's account (its UID): only statements naming it, or `*` statements with a condition, apply.
    case owner(String)
}

/// What a request looks like to a bucket policy: pure values, no HTTP types.
struct PolicyRequest: Sendable {
    var principal: PolicyPrincipal
    /// `oss:GetObject`, … (`PolicyAction`).
    var action: String
    /// `acs:oss:<region>:<owner uid>:<bucket>` or `…:<bucket>/<key>`.
    var resource: String
    /// The client's address (IPv4 dotted or IPv6 text), nil when unknown.
    var sourceIP: String?
    var secureTransport = false
    /// ListObjects' `prefix` and `delimiter` (empty when not sent); nil for other operations.
    var prefix: String?
    var delimiter: String?

    static func resource(region: String, bucket: String, key: String?) -> String {
        "acs:oss:\(region):\(Credentials.ownerAccount):\(bucket)" + (key.map { "/" + $0 } ?? "")
    }
}

enum PolicyDecision: Equatable, Sendable {
    case allow
    case deny
    /// No statement applies: ACLs decide.
    case noDecision
}

/// A bucket policy document as evaluated: statements with `Effect`, `Principal` (`*` and account UIDs), `Action`,
/// `Resource` (both with `*`/`?` wildcards, case-insensitive actions) and `Condition`. An explicit Deny wins over any
/// Allow. A statement with a part this evaluator does not know (`NotAction`, `NotPrincipal`, `NotResource`, an
/// unknown condition operator or key) never applies, so it neither grants nor refuses.
struct BucketPolicy: Sendable {
    struct Statement: Sendable {
        var allows: Bool
        /// nil when the statement names no principal (it then applies to everyone, as `*`).
        var principals: [String]?
        var actions: [String]
        var resources: [String]
        var conditions: [Condition]
        /// The statement has a `Condition` element (even one this evaluator cannot read).
        var isConditional: Bool
        /// A part the evaluator does not know: the statement never applies.
        var unsupported: Bool

        /// PolicyStatus's definition, shared with Block Public Access: an Allow open to anyone, unconditionally.
        var isPublic: Bool {
            allows && !isConditional && (principals?.contains("*") ?? true)
        }
    }

    struct Condition: Sendable {
        var test: ConditionTest
        var key: String
        var values: [String]
    }

    enum ConditionTest: String, Sendable {
        case ipAddress = "ipaddress"
        case notIPAddress = "notipaddress"
        case stringEquals = "stringequals"
        case stringNotEquals = "stringnotequals"
        case stringLike = "stringlike"
        case stringNotLike = "stringnotlike"
        case bool = "bool"
    }

    static let conditionKeys: Set<String> = ["acs:sourceip", "acs:securetransport", "oss:prefix", "oss:delimiter"]

    var statements: [Statement]

    /// nil when the text is not a policy document (it was validated when stored, so only for damaged rows).
    init?(json: String) {
        guard let document = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
            let list = document["Statement"] as? [Any]
        else { return nil }
        statements = list.compactMap { ($0 as? [String: Any]).map(Self.statement) }
    }

    var isPublic: Bool { statements.contains(where: \.isPublic) }

    /// Deny if any applicable statement denies, else allow if any allows. `ignoringPublic` (Block Public Access on)
    /// drops public Allow statements.
    func decision(for request: PolicyRequest, ignoringPublic: Bool = false) -> PolicyDecision {
        var allowed = false
        for statement in statements where applies(statement, to: request) {
            if !statement.allows { return .deny }
            if ignoringPublic && statement.isPublic { continue }
            allowed = true
        }
        return allowed ? .allow : .noDecision
    }

    private func applies(_ statement: Statement, to request: PolicyRequest) -> Bool {
        guard !statement.unsupported, matches(statement, request.principal) else { return false }
        guard statement.actions.contains(where: { PolicyPattern.matches($0, request.action, caseInsensitive: true) }),
            statement.resources.contains(where: { PolicyPattern.matches($0, request.resource, caseInsensitive: false) })
        else { return false }
        return statement.conditions.allSatisfy { Self.holds($0, request) }
    }

    private func matches(_ statement: Statement, _ principal: PolicyPrincipal) -> Bool {
        let named = statement.principals ?? ["*"]
        switch principal {
        case .anonymous: return named.contains("*")
        case .account(let uid): return named.contains("*") || named.contains(uid)
        // OSS: a `*` statement without a condition applies to everyone but the bucket owner.
        case .owner(let uid): return named.contains(uid) || (named.contains("*") && statement.isConditional)
        }
    }

    private static func holds(_ condition: Condition, _ request: PolicyRequest) -> Bool {
        let actual: String?
        switch condition.key {
        case "acs:sourceip": actual = request.sourceIP
        case "acs:securetransport": actual = request.secureTransport ? "true" : "false"
        case "oss:prefix": actual = request.prefix
        case "oss:delimiter": actual = request.delimiter
        default: return false
        }
        // A key the request does not have (oss:Prefix outside a listing) satisfies no condition on it.
        guard let actual else { return false }
        switch condition.test {
        case .ipAddress: return condition.values.contains { IPRange($0)?.contains(actual) ?? false }
        case .notIPAddress: return !condition.values.contains { IPRange($0)?.contains(actual) ?? false }
        case .stringEquals: return condition.values.contains(actual)
        case .stringNotEquals: return !condition.values.contains(actual)
        case .stringLike: return condition.values.contains { PolicyPattern.matches($0, actual, caseInsensitive: false) }
        case .stringNotLike:
            return !condition.values.contains { PolicyPattern.matches($0, actual, caseInsensitive: false) }
        case .bool: return condition.values.contains { Self.boolText($0) == actual }
        }
    }

    /// `true`/`false` in any case; JSON booleans may arrive as `1`/`0`.
    private static func boolText(_ value: String) -> String {
        switch value.lowercased() {
        case "1", "true": "true"
        case "0", "false": "false"
        default: value
        }
    }

    private static func statement(_ object: [String: Any]) -> Statement {
        var unsupported = ["NotAction", "NotPrincipal", "NotResource"].contains { object[$0] != nil }
        let effect = object["Effect"] as? String
        if effect != "Allow" && effect != "Deny" { unsupported = true }
        var principals: [String]?
        if let value = object["Principal"] {
            principals = strings(value)
            if principals == nil {
                principals = []
                unsupported = true
            }
        }
        var conditions: [Condition] = []
        if let value = object["Condition"] {
            if let blocks = value as? [String: Any] {
                for (name, block) in blocks {
                    guard let test = ConditionTest(rawValue: name.lowercased()), let pairs = block as? [String: Any]
                    else {
                        unsupported = true
                        continue
                    }
                    for (key, values) in pairs {
                        let key = key.lowercased()
                        guard conditionKeys.contains(key), let values = strings(values) else {
                            unsupported = true
                            continue
                        }
                        conditions.append(Condition(test: test, key: key, values: values))
                    }
                }
            } else {
                unsupported = true
            }
        }
        return Statement(
            allows: effect == "Allow", principals: principals, actions: strings(object["Action"]) ?? [],
            resources: strings(object["Resource"]) ?? [], conditions: conditions,
            isConditional: object["Condition"] != nil, unsupported: unsupported)
    }

    /// A string or an array of strings (booleans and numbers as JSON writes them, for `Bool` conditions).
    private static func strings(_ value: Any?) -> [String]? {
        func text(_ item: Any) -> String? {
            if let string = item as? String { return string }
            if let number = item as? NSNumber { return number.stringValue }
            return nil
        }
        if let list = value as? [Any] {
            let texts = list.compactMap(text)
            return texts.count == list.count ? texts : nil
        }
        return value.flatMap(text).map { [$0] }
    }
}

/// `*` (any run, `/` and `:` included) and `?` (one character) wildcards, as policy actions, resources and
/// StringLike conditions use them.
enum PolicyPattern {
    static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool) -> Bool {
        let p = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
        let t = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        // Greedy matching with one backtrack point: linear for the patterns policies use.
        var (pi, ti) = (0, 0)
        var star: Int?
        var resume = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "*" {
                star = pi
                resume = ti
                pi += 1
            } else if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if let star {
                pi = star + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// An `acs:SourceIp` value: one address or a CIDR block, IPv4 or IPv6.
struct IPRange: Sendable {
    let network: [UInt8]
    let bits: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPRange.bytes(String(first)) else { return nil }
        let width = address.count * 8
        let bits = parts.count == 2 ? Int(parts[1]) : width
        guard let bits, (0...width).contains(bits) else { return nil }
        network = address
        self.bits = bits
    }

    func contains(_ text: String) -> Bool {
        guard let address = IPRange.bytes(text), address.count == network.count else { return false }
        var remaining = bits
        for (a, b) in zip(address, network) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// 4 bytes for IPv4 (also an IPv4-mapped IPv6 address), 16 for IPv6.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}
