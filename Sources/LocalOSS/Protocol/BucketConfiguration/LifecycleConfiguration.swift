/// `PUT|GET|DELETE ?lifecycle`: the rules are validated as OSS does and stored; GET returns them in the order they
/// were sent, each with `ID`, `Prefix` and `Status` first (oss2's parser requires all three). Rules are not run:
/// expiring and transitioning objects is the lifecycle sweep's job.
enum LifecycleConfiguration {
    static let maxRules = 1000
    static let maxIDLength = 255
    static let transitionClasses: Set<String> = ["IA", "Archive", "ColdArchive", "DeepColdArchive"]
    /// Actions of which two rules with overlapping prefixes may not both carry one, unless the request sends
    /// `x-oss-allow-same-action-overlap: true`.
    static let exclusiveActions = ["Expiration", "NoncurrentVersionExpiration", "AbortMultipartUpload"]
    /// The elements after `ID`, `Prefix` and `Status`, in the order GET writes them (oss2's own order).
    static let actionOrder = [
        "Filter", "Expiration", "AbortMultipartUpload", "Transition", "Tag", "NoncurrentVersionExpiration",
        "NoncurrentVersionTransition",
    ]

    static let kind = BucketConfigurationKind(
        "lifecycle", stem: "BucketLifecycle",
        absent: .error(OSSError(.noSuchLifecycle, "No Row found in Lifecycle Table.")),
        acceptRequest: { put throws(OSSError) in
            try document(
                put.body, allowOverlap: put.headers["x-oss-allow-same-action-overlap"] == "true",
                accessTrackingSince: put.stored(AccessTracking.sinceDocument).flatMap { Int64($0) })
        })

    struct Rule {
        var id: String
        var prefix: String
        var status: String
        var element: XMLElement
    }

    /// `accessTrackingSince`: when the bucket's access tracking was enabled (nil: it is off, and rules counting from
    /// the last access time are refused with EC 0014-00000016); GET answers it as each such rule's `AtimeBase`.
    static func document(
        _ body: [UInt8], allowOverlap: Bool = false, accessTrackingSince: Int64? = nil
    ) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "LifecycleConfiguration" else { throw OSSError.malformedXML }
        let elements = root.children("Rule")
        // An empty list is refused (Go 1.5 sends `<LifecycleConfiguration></LifecycleConfiguration>`).
        guard !elements.isEmpty, elements.count <= maxRules else { throw OSSError.malformedXML }
        var rules: [Rule] = []
        var ids: Set<String> = []
        for (index, element) in elements.enumerated() {
            let rule = try validated(element, index: index)
            guard ids.insert(rule.id).inserted else {
                throw OSSError(
                    .invalidArgument, "Rule ID must be unique. Found same ID for more than one rule.",
                    details: [("ArgumentName", "ID"), ("ArgumentValue", rule.id)], ec: "0014-00000020")
            }
            rules.append(rule)
        }
        try checkOverlaps(rules, allowOverlap: allowOverlap)
        let accessTimeRules = rules.filter { countsFromAccessTime($0.element) }
        if !accessTimeRules.isEmpty, accessTrackingSince == nil {
            // OSS documents the EC, not the code: 400 InvalidArgument is this server's choice.
            throw OSSError(
                .invalidArgument,
                "A lifecycle rule based on last access time needs access tracking enabled for the bucket.",
                ec: "0014-00000016")
        }
        return XMLDocumentWriter.document("LifecycleConfiguration") { xml in
            for rule in rules {
                xml.open("Rule")
                xml.element("ID", rule.id)
                xml.element("Prefix", rule.prefix)
                xml.element("Status", rule.status)
                for name in actionOrder {
                    for child in rule.element.children(name) { xml.echo(child) }
                }
                if let accessTrackingSince, countsFromAccessTime(rule.element) {
                    xml.element("AtimeBase", String(accessTrackingSince))
                }
                xml.close("Rule")
            }
        }
    }

    /// Whether a rule transitions objects or versions by their last access time (`IsAccessTime` true).
    static func countsFromAccessTime(_ rule: XMLElement) -> Bool {
        (rule.children("Transition") + rule.children("NoncurrentVersionTransition")).contains {
            $0.child("IsAccessTime")?.boolValue == true
        }
    }

    /// Whether a stored configuration has such a rule.
    static func countsFromAccessTime(_ document: String?) -> Bool {
        guard let document, let root = try? XMLDocument.parse(Array(document.utf8)) else { return false }
        return root.children("Rule").contains { countsFromAccessTime($0) }
    }

    private static func validated(_ element: XMLElement, index: Int) throws(OSSError) -> Rule {
        let status = element.child("Status")?.text ?? ""
        guard status == "Enabled" || status == "Disabled" else { throw OSSError.malformedXML }
        var id = element.child("ID")?.text ?? ""
        guard id.utf8.count <= maxIDLength else {
            throw OSSError.invalidArgument("The rule ID is too long.", name: "ID", value: id)
        }
        // OSS names a rule that has no ID itself; a stable name keeps GET answers repeatable.
        if id.isEmpty { id = "rule-\(index + 1)" }
        let prefix = element.child("Prefix")?.text ?? element.child("Filter")?.child("Prefix")?.text ?? ""
        for tag in element.children("Tag") { try validateTag(tag) }
        if let not = element.child("Filter")?.child("Not") {
            for tag in not.children("Tag") { try validateTag(tag) }
        }
        let expiration = element.child("Expiration")
        if let expiration { try validateExpiration(expiration) }
        let transitions = element.children("Transition")
        for transition in transitions { try validateTransition(transition) }
        try validateAbort(element.child("AbortMultipartUpload"))
        if let noncurrent = element.child("NoncurrentVersionExpiration") {
            guard positiveDays(noncurrent.child("NoncurrentDays")) != nil else { throw OSSError.malformedXML }
        }
        var noncurrent: [(rank: Int, days: Int)] = []
        for transition in element.children("NoncurrentVersionTransition") {
            guard let days = positiveDays(transition.child("NoncurrentDays")),
                let storageClass = transition.child("StorageClass")?.text
            else { throw OSSError.malformedXML }
            try validateStorageClass(storageClass)
            noncurrent.append((classRank[storageClass] ?? 0, days))
        }
        try validateOrder(
            noncurrent,
            expiresAfter: positiveDays(element.child("NoncurrentVersionExpiration")?.child("NoncurrentDays")))
        let hasAction =
            expiration != nil || !transitions.isEmpty || element.child("AbortMultipartUpload") != nil
            || element.child("NoncurrentVersionExpiration") != nil
            || element.child("NoncurrentVersionTransition") != nil
        guard hasAction else { throw OSSError.malformedXML }
        try validateTimeline(expiration: expiration, transitions: transitions)
        return Rule(id: id, prefix: prefix, status: status, element: element)
    }

    /// Exactly one of `Days`, `CreatedBeforeDate`, `ExpiredObjectDeleteMarker`, or the legacy `Date` that Go 1.5
    /// and oss2 still send and expect echoed.
    private static func validateExpiration(_ expiration: XMLElement) throws(OSSError) {
        let days = expiration.child("Days")
        let before = expiration.child("CreatedBeforeDate")
        let date = expiration.child("Date")
        let marker = expiration.child("ExpiredObjectDeleteMarker")
        if days != nil, before != nil {
            throw OSSError(
                .invalidArgument, "Days and CreatedBeforeDate cannot be specified at the same time.",
                ec: "0014-00000061")
        }
        let given = [days, before, date, marker].compactMap { $0 }
        guard !given.isEmpty else {
            throw OSSError(
                .invalidArgument, "One of Days, CreatedBeforeDate and ExpiredObjectDeleteMarker must be specified.",
                ec: "0014-00000060")
        }
        guard given.count == 1 else { throw OSSError.malformedXML }
        if let days, positiveDays(days) == nil {
            throw OSSError.invalidArgument("Days must be a positive integer.", name: "Days", value: days.text)
        }
        if let before { try validateMidnight(before) }
        if let date { try validateMidnight(date) }
        if let marker, marker.boolValue == nil { throw OSSError.malformedXML }
    }

    private static func validateTransition(_ transition: XMLElement) throws(OSSError) {
        guard let storageClass = transition.child("StorageClass")?.text else { throw OSSError.malformedXML }
        try validateStorageClass(storageClass)
        let days = transition.child("Days")
        let before = transition.child("CreatedBeforeDate")
        if days != nil, before != nil {
            throw OSSError(
                .invalidArgument, "Days and CreatedBeforeDate cannot be specified at the same time.",
                ec: "0014-00000050")
        }
        if let days, positiveDays(days) == nil {
            throw OSSError.invalidArgument("Days must be a positive integer.", name: "Days", value: days.text)
        }
        if let before { try validateMidnight(before) }
        guard days != nil || before != nil else { throw OSSError.malformedXML }
        for flag in ["IsAccessTime", "ReturnToStdWhenVisit", "AllowSmallFile"] {
            if let value = transition.child(flag), value.boolValue == nil { throw OSSError.malformedXML }
        }
    }

    private static func validateStorageClass(_ storageClass: String) throws(OSSError) {
        guard transitionClasses.contains(storageClass) else {
            throw OSSError.invalidArgument(
                "The storage class of a transition must be IA, Archive, ColdArchive or DeepColdArchive.",
                name: "StorageClass", value: storageClass)
        }
    }

    private static func validateAbort(_ abort: XMLElement?) throws(OSSError) {
        guard let abort else { return }
        let days = abort.child("Days")
        let before = abort.child("CreatedBeforeDate")
        guard (days == nil) != (before == nil) else { throw OSSError.malformedXML }
        if let days, positiveDays(days) == nil {
            throw OSSError.invalidArgument("Days must be a positive integer.", name: "Days", value: days.text)
        }
        if let before { try validateMidnight(before) }
    }

    /// Within a rule, objects must move to colder classes later than to warmer ones, and expire after every
    /// transition; a rule mixing days and dates between expiration and transitions is refused.
    private static func validateTimeline(expiration: XMLElement?, transitions: [XMLElement]) throws(OSSError) {
        let expirationDays = positiveDays(expiration?.child("Days"))
        let expirationByDate = expiration?.child("CreatedBeforeDate") != nil || expiration?.child("Date") != nil
        var byDays: [(rank: Int, days: Int)] = []
        for transition in transitions {
            let days = positiveDays(transition.child("Days"))
            if (expirationDays != nil && days == nil) || (expirationByDate && days != nil) {
                throw OSSError(
                    .invalidRequest, "Expiration and Transition of a rule must both use Days or both use dates.")
            }
            if let days, let rank = classRank[transition.child("StorageClass")?.text ?? ""] {
                byDays.append((rank, days))
            }
        }
        try validateOrder(byDays, expiresAfter: expirationDays)
    }

    static let classRank = ["IA": 0, "Archive": 1, "ColdArchive": 2, "DeepColdArchive": 3]

    /// Transitions by days (class rank, days) against each other and against the expiration's days.
    private static func validateOrder(_ byDays: [(rank: Int, days: Int)], expiresAfter expirationDays: Int?)
        throws(OSSError)
    {
        for transition in byDays {
            if let expirationDays, expirationDays <= transition.days {
                throw OSSError.invalidArgument(
                    "Expiration days must be greater than the days of every transition.", name: "Days",
                    value: String(expirationDays))
            }
            for colder in byDays where colder.rank > transition.rank && colder.days <= transition.days {
                throw OSSError.invalidArgument(
                    "A transition to a colder storage class must come later than one to a warmer class.",
                    name: "Days", value: String(colder.days))
            }
        }
    }

    /// Tag keys and values use letters, digits, spaces and `+ - = . _ : / @` (OSS's object-tagging alphabet).
    private static func validateTag(_ tag: XMLElement) throws(OSSError) {
        guard let key = tag.child("Key")?.text, let value = tag.child("Value")?.text, !key.isEmpty else {
            throw OSSError.malformedXML
        }
        func allowed(_ text: String) -> Bool {
            text.unicodeScalars.allSatisfy { scalar in
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || " +-=._:/@".unicodeScalars
                        .contains(scalar)
            }
        }
        // No length limit is checked: OSS accepts a 129-character key and a 257-character value in a rule.
        guard allowed(key), allowed(value) else {
            throw OSSError.invalidArgument("The tag of a lifecycle rule is invalid.", name: "Tag", value: key)
        }
    }

    /// `yyyy-MM-ddT00:00:00.000Z`, UTC midnight.
    private static func validateMidnight(_ element: XMLElement) throws(OSSError) {
        let text = element.text
        let bytes = Array(text.utf8)
        let digitsAt = [0, 1, 2, 3, 5, 6, 8, 9]
        guard bytes.count == 24, text.hasSuffix("T00:00:00.000Z"), bytes[4] == UInt8(ascii: "-"),
            bytes[7] == UInt8(ascii: "-"), digitsAt.allSatisfy({ (48...57).contains(bytes[$0]) })
        else {
            throw OSSError(
                .invalidArgument, "The date must be UTC midnight in the format yyyy-MM-ddT00:00:00.000Z.",
                details: [("ArgumentName", element.name), ("ArgumentValue", text)], ec: "0014-00000087")
        }
    }

    private static func positiveDays(_ element: XMLElement?) -> Int? {
        guard let element, let days = Int(element.text), days > 0 else { return nil }
        return days
    }

    /// Two rules whose prefixes overlap (one starts with the other) may not carry the same exclusive action.
    private static func checkOverlaps(_ rules: [Rule], allowOverlap: Bool) throws(OSSError) {
        for (index, first) in rules.enumerated() {
            for second in rules[(index + 1)...] {
                if first.prefix == second.prefix, first.element.child("Filter") == nil,
                    second.element.child("Filter") == nil, first.element.children("Tag").isEmpty,
                    second.element.children("Tag").isEmpty
                {
                    throw OSSError(
                        .invalidArgument, "Two rules have the same prefix \(first.prefix).", ec: "0014-00000085")
                }
                guard !allowOverlap, first.prefix.hasPrefix(second.prefix) || second.prefix.hasPrefix(first.prefix)
                else { continue }
                for action in exclusiveActions
                where first.element.child(action) != nil && second.element.child(action) != nil {
                    throw OSSError(.invalidArgument, "Overlap for same action type \(action)", ec: "0014-00000084")
                }
            }
        }
    }
}
