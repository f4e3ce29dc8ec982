import Foundation

/// A fault rule as a test posts it: which requests it concerns (`match`), what it does to them (`action`), and how
/// many of the matching requests it fires for (`budget`).
struct FaultRule: Sendable, Equatable {
    var match: FaultMatch
    var action: FaultAction
    var budget: FaultBudget

    /// The fields of the rule object; any other is refused, so a misspelt one cannot silently widen a rule.
    static let fields: Set<String> = ["match", "action", "times", "after", "probability", "seed"]
}

/// A rule that cannot be used, naming the field at fault (`action.status`), so the test author can fix it.
struct FaultRuleError: Error, Equatable, CustomStringConvertible {
    var field: String
    var problem: String

    init(_ field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    var description: String { field.isEmpty ? problem : "field \(field): \(problem)" }
}

/// What a request is matched on: known once the router has classified it, before anything else is done with it.
struct FaultSubject: Equatable {
    var operation: String
    var method: String
    var bucket: String?
    var key: String?
    var uploadID: String?
    var partNumber: Int?
}

extension FaultSubject {
    init(_ operation: Operation, method: String) {
        let (bucket, key) = operation.resource
        self.init(operation: operation.name, method: method, bucket: bucket, key: key)
        switch operation {
        case .uploadPart(_, let uploadID, let part), .uploadPartCopy(_, let uploadID, let part, _):
            self.uploadID = uploadID
            partNumber = part.value
        case .completeMultipartUpload(_, let uploadID), .abortMultipartUpload(_, let uploadID),
            .listParts(_, let uploadID):
            self.uploadID = uploadID
        default: break
        }
    }
}

/// The conditions of a rule; each one given must hold, and an empty match holds for every OSS request.
struct FaultMatch: Sendable, Equatable, Codable {
    var operation: String?
    var method: String?
    var bucket: String?
    var key: String?
    var keyPrefix: String?
    var uploadId: String?
    var partNumber: Int?

    init(
        operation: String? = nil, method: String? = nil, bucket: String? = nil, key: String? = nil,
        keyPrefix: String? = nil, uploadId: String? = nil, partNumber: Int? = nil
    ) {
        self.operation = operation
        self.method = method
        self.bucket = bucket
        self.key = key
        self.keyPrefix = keyPrefix
        self.uploadId = uploadId
        self.partNumber = partNumber
    }

    /// `Operation.name` of every operation the router knows: an operation name not among them is a typo that would
    /// make the rule never fire.
    static let operationNames: Set<String> = [
        "ListBuckets", "PutBucket", "DeleteBucket", "HeadBucket", "GetBucketInfo", "GetBucketLocation",
        "GetBucketAcl", "PutBucketAcl", "ListObjects", "ListObjectsV2", "ListMultipartUploads",
        "DeleteMultipleObjects", "ListLiveChannel", "CopyObject", "AppendObject", "PutObject", "GetObject",
        "HeadObject", "GetObjectMeta", "DeleteObject", "GetObjectAcl", "PutObjectAcl", "InitiateMultipartUpload",
        "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
        "OptionBucket", "OptionObject", "NotImplemented",
    ]

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case operation, method, bucket, key, keyPrefix, uploadId, partNumber
    }

    init(from decoder: Decoder) throws {
        try FaultJSON.refuseUnknownFields(
            in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)), at: "match")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        operation = try container.decodeIfPresent(String.self, forKey: .operation)
        method = try container.decodeIfPresent(String.self, forKey: .method)?.uppercased()
        bucket = try container.decodeIfPresent(String.self, forKey: .bucket)
        key = try container.decodeIfPresent(String.self, forKey: .key)
        keyPrefix = try container.decodeIfPresent(String.self, forKey: .keyPrefix)
        uploadId = try container.decodeIfPresent(String.self, forKey: .uploadId)
        partNumber = try container.decodeIfPresent(Int.self, forKey: .partNumber)
        if let operation, !Self.operationNames.contains(operation) {
            throw FaultRuleError(
                "match.operation",
                "\(operation) is not an OSS operation LocalOSS knows (e.g. PutObject, GetObject, UploadPart)")
        }
        if let partNumber, !PartNumber.range.contains(partNumber) {
            throw FaultRuleError("match.partNumber", "must be between 1 and 10000")
        }
    }

    func matches(_ subject: FaultSubject) -> Bool {
        if let operation, operation != subject.operation { return false }
        if let method, method != subject.method { return false }
        if let bucket, bucket != subject.bucket { return false }
        if let key, key != subject.key { return false }
        if let keyPrefix, !(subject.key ?? "").hasPrefix(keyPrefix) || subject.key == nil { return false }
        if let uploadId, uploadId != subject.uploadID { return false }
        if let partNumber, partNumber != subject.partNumber { return false }
        return true
    }
}

/// What a fired rule does to its request.
enum FaultAction: Sendable, Equatable {
    enum DelayPhase: String, Sendable {
        /// Before the body is read (and before `100 Continue` is sent).
        case beforeBody
        /// After the operation ran, before the first byte of the reply.
        case beforeResponse
    }

    enum Direction: String, Sendable {
        case request
        case response
    }

    /// An OSS error reply; the operation is not run.
    case error(status: Int, code: String, message: String, ec: String?, retryAfter: Int?)
    case delay(milliseconds: Int, phase: DelayPhase)
    /// The body in `direction` moves at most this fast.
    case throttle(bytesPerSecond: Int, direction: Direction)
    /// A TCP reset once this many request-body bytes were read; the operation stores nothing.
    case resetAfterBodyBytes(Int)
    /// The operation runs and commits, then a TCP reset instead of the reply.
    case dropResponseAfterCommit
    /// The reply body stops after this many bytes and the connection closes; the headers announce all of it.
    case truncateBody(Int)
    /// The byte of the reply body at this offset is flipped; the headers keep the true CRC-64 and ETag.
    case corruptBody(offset: Int)
    /// `x-oss-hash-crc64ecma` is off by one bit; the body is intact.
    case wrongChecksum
    /// No reply at all, until the client gives up, the rule is removed, or the server stops.
    case stall

    var type: String {
        switch self {
        case .error: "error"
        case .delay: "delay"
        case .throttle: "throttle"
        case .resetAfterBodyBytes: "resetAfterBodyBytes"
        case .dropResponseAfterCommit: "dropResponseAfterCommit"
        case .truncateBody: "truncateBody"
        case .corruptBody: "corruptBody"
        case .wrongChecksum: "wrongChecksum"
        case .stall: "stall"
        }
    }

    /// The fields each type takes besides `type`.
    static let fields: [String: Set<String>] = [
        "error": ["status", "code", "message", "ec", "retryAfter"],
        "delay": ["ms", "phase"],
        "throttle": ["bytesPerSecond", "direction"],
        "resetAfterBodyBytes": ["bytes"],
        "dropResponseAfterCommit": [],
        "truncateBody": ["bytes"],
        "corruptBody": ["offset"],
        "wrongChecksum": [],
        "stall": [],
    ]
}

extension FaultAction: Codable {
    private enum Field: String, CodingKey {
        case type, status, code, message, ec, retryAfter, ms, phase, bytesPerSecond, direction, bytes, offset
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Field.self)
        guard let type = try container.decodeIfPresent(String.self, forKey: .type) else {
            throw FaultRuleError("action.type", "missing; one of \(Self.fields.keys.sorted().joined(separator: ", "))")
        }
        guard let allowed = Self.fields[type] else {
            throw FaultRuleError(
                "action.type", "\(type) is not a fault; one of \(Self.fields.keys.sorted().joined(separator: ", "))")
        }
        try FaultJSON.refuseUnknownFields(in: decoder, allowed: allowed.union(["type"]), at: "action")
        func required(_ field: Field, atLeast minimum: Int) throws -> Int {
            guard let value = try container.decodeIfPresent(Int.self, forKey: field) else {
                throw FaultRuleError("action.\(field.rawValue)", "required for \(type)")
            }
            guard value >= minimum else {
                throw FaultRuleError("action.\(field.rawValue)", "must be \(minimum) or more")
            }
            return value
        }
        switch type {
        case "error":
            let status = try required(.status, atLeast: 100)
            guard status <= 599 else { throw FaultRuleError("action.status", "must be an HTTP status, 100 to 599") }
            guard let code = try container.decodeIfPresent(String.self, forKey: .code), !code.isEmpty else {
                throw FaultRuleError("action.code", "required for error (an OSS error code, e.g. ServiceUnavailable)")
            }
            let retryAfter = try container.decodeIfPresent(Int.self, forKey: .retryAfter)
            if let retryAfter, retryAfter < 0 { throw FaultRuleError("action.retryAfter", "must be 0 or more seconds") }
            self = .error(
                status: status, code: code,
                message: try container.decodeIfPresent(String.self, forKey: .message) ?? "Injected fault.",
                ec: try container.decodeIfPresent(String.self, forKey: .ec), retryAfter: retryAfter)
        case "delay":
            let phase = try container.decodeIfPresent(String.self, forKey: .phase) ?? "beforeResponse"
            guard let delayPhase = DelayPhase(rawValue: phase) else {
                throw FaultRuleError("action.phase", "beforeBody or beforeResponse, not \(phase)")
            }
            self = .delay(milliseconds: try required(.ms, atLeast: 0), phase: delayPhase)
        case "throttle":
            let direction = try container.decodeIfPresent(String.self, forKey: .direction) ?? "response"
            guard let bodyDirection = Direction(rawValue: direction) else {
                throw FaultRuleError("action.direction", "request or response, not \(direction)")
            }
            self = .throttle(bytesPerSecond: try required(.bytesPerSecond, atLeast: 1), direction: bodyDirection)
        case "resetAfterBodyBytes": self = .resetAfterBodyBytes(try required(.bytes, atLeast: 0))
        case "dropResponseAfterCommit": self = .dropResponseAfterCommit
        case "truncateBody": self = .truncateBody(try required(.bytes, atLeast: 0))
        case "corruptBody": self = .corruptBody(offset: try required(.offset, atLeast: 0))
        case "wrongChecksum": self = .wrongChecksum
        default: self = .stall
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Field.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .error(let status, let code, let message, let ec, let retryAfter):
            try container.encode(status, forKey: .status)
            try container.encode(code, forKey: .code)
            try container.encode(message, forKey: .message)
            try container.encodeIfPresent(ec, forKey: .ec)
            try container.encodeIfPresent(retryAfter, forKey: .retryAfter)
        case .delay(let milliseconds, let phase):
            try container.encode(milliseconds, forKey: .ms)
            try container.encode(phase.rawValue, forKey: .phase)
        case .throttle(let bytesPerSecond, let direction):
            try container.encode(bytesPerSecond, forKey: .bytesPerSecond)
            try container.encode(direction.rawValue, forKey: .direction)
        case .resetAfterBodyBytes(let bytes), .truncateBody(let bytes): try container.encode(bytes, forKey: .bytes)
        case .corruptBody(let offset): try container.encode(offset, forKey: .offset)
        case .dropResponseAfterCommit, .wrongChecksum, .stall: break
        }
    }
}

/// How many of the matching requests a rule fires for: skip the first `after`, then fire for at most `times`, each
/// with `probability`, drawn from a generator seeded with `seed` so that the same requests give the same pattern.
struct FaultBudget: Sendable, Equatable {
    var times: Int?
    var after = 0
    var probability = 1.0
    var seed: UInt64 = 0

    /// Matching requests seen and fired for.
    private(set) var matched = 0
    private(set) var hits = 0
    private var generator: SplitMix64

    init(times: Int? = nil, after: Int = 0, probability: Double = 1, seed: UInt64 = 0) {
        self.times = times
        self.after = after
        self.probability = probability
        self.seed = seed
        generator = SplitMix64(seed: seed)
    }

    /// Counts one matching request and says whether the rule fires for it. A draw is made only for requests past
    /// `after` while `times` is not used up, so the pattern depends on those requests alone.
    mutating func fires() -> Bool {
        matched += 1
        guard matched > after else { return false }
        if let times, hits >= times { return false }
        if probability < 1, generator.nextUnit() >= probability { return false }
        hits += 1
        return true
    }

    /// Whether no request can fire any more (`times` used up): the rule stays listed, with its hits.
    var isExhausted: Bool { times.map { hits >= $0 } ?? false }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and fully determined by its seed.
struct SplitMix64: Sendable, Equatable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

extension FaultRule: Decodable {
    private enum Field: String, CodingKey {
        case match, action, times, after, probability, seed
    }

    init(from decoder: Decoder) throws {
        try FaultJSON.refuseUnknownFields(in: decoder, allowed: Self.fields, at: "")
        let container = try decoder.container(keyedBy: Field.self)
        match = try container.decodeIfPresent(FaultMatch.self, forKey: .match) ?? FaultMatch()
        guard container.contains(.action) else { throw FaultRuleError("action", "required") }
        action = try container.decode(FaultAction.self, forKey: .action)
        let times = try container.decodeIfPresent(Int.self, forKey: .times)
        if let times, times < 1 { throw FaultRuleError("times", "must be 1 or more (leave it out for no limit)") }
        let after = try container.decodeIfPresent(Int.self, forKey: .after) ?? 0
        guard after >= 0 else { throw FaultRuleError("after", "must be 0 or more") }
        let probability = try container.decodeIfPresent(Double.self, forKey: .probability) ?? 1
        guard probability >= 0, probability <= 1 else { throw FaultRuleError("probability", "must be from 0 to 1") }
        // Without a seed one is chosen, and listed, so a run that fired oddly can be repeated. Below 2^53 so that
        // JSON readers with doubles only keep it exact.
        let seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? UInt64.random(in: 0..<(1 << 53))
        budget = FaultBudget(times: times, after: after, probability: probability, seed: seed)
    }

    /// One rule from its JSON text.
    static func parse(_ json: [UInt8]) throws(FaultRuleError) -> FaultRule {
        try FaultJSON.decode(FaultRule.self, from: json)
    }

    /// A rule, or an array of rules (`LOCALOSS_FAULTS`), from JSON text.
    static func parseList(_ json: [UInt8]) throws(FaultRuleError) -> [FaultRule] {
        let trimmed = json.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard trimmed.first == UInt8(ascii: "[") else { return [try parse(json)] }
        // Element by element, so that an error says which rule of the array it is about.
        guard let array = try? JSONSerialization.jsonObject(with: Data(json)) as? [Any] else {
            throw FaultRuleError("", "not valid JSON")
        }
        var rules: [FaultRule] = []
        for (index, element) in array.enumerated() {
            do throws(FaultRuleError) {
                guard let text = try? JSONSerialization.data(withJSONObject: element, options: [.fragmentsAllowed])
                else { throw FaultRuleError("", "not valid JSON") }
                rules.append(try parse(Array(text)))
            } catch {
                throw FaultRuleError("[\(index)]" + (error.field.isEmpty ? "" : ".\(error.field)"), error.problem)
            }
        }
        return rules
    }
}

/// The JSON decoding shared by the control plane and the command line, with errors that name the field.
enum FaultJSON {
    static func decode<T: Decodable>(_ type: T.Type, from json: [UInt8]) throws(FaultRuleError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json))
        } catch let error as FaultRuleError {
            throw error
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw FaultRuleError("", "not valid JSON")
        } catch {
            throw FaultRuleError("", ControlError.describe(error))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Refuses fields other than `allowed` in the object being decoded; `path` names it in the error.
    static func refuseUnknownFields(in decoder: Decoder, allowed: Set<String>, at path: String) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw FaultRuleError(
                path.isEmpty ? unknown : "\(path).\(unknown)",
                "unknown field; known here: \(allowed.sorted().joined(separator: ", "))")
        }
    }
}
