/// A bucket's lifecycle rules as the sweep applies them, read from the stored `LifecycleConfiguration` document
/// (the one GET returns; its PUT was validated when it was stored). Only what changes objects is kept here.
///
/// Time rules (protocol notes §4.1, "Days arithmetic"): an object modified at T expires at T rounded up to the
/// next 00:00 UTC plus `Days` days; `CreatedBeforeDate` (or the legacy `Date`) expires every object modified
/// before that date. Incomplete uploads use their initiation time the same way.
struct LifecycleRule: Sendable, Equatable {
    /// When an action applies: after a number of days, or to what was made before an instant.
    enum Timing: Sendable, Equatable {
        case days(Int64)
        case before(Int64)

        /// Whether something made at `created` (Unix seconds) is due at `now`.
        func isDue(created: Int64, now: Int64) -> Bool {
            switch self {
            case .days(let days): LifecycleRule.roundedUpToMidnight(created) + days * 86_400 <= now
            case .before(let instant): created < instant
            }
        }

        /// When an object made at `created` becomes due (for `x-oss-expiration`).
        func dueDate(created: Int64) -> Int64 {
            switch self {
            case .days(let days): LifecycleRule.roundedUpToMidnight(created) + days * 86_400
            case .before(let instant): instant
            }
        }
    }

    struct Transition: Sendable, Equatable {
        var timing: Timing
        var storageClass: StorageClass
        /// `IsAccessTime`: days count from the object's last access time (`AccessTracking`), not Last-Modified.
        var countsFromAccessTime = false
        /// `ReturnToStdWhenVisit`: a GetObject of an object this transition moved brings it back to Standard.
        var returnsToStandardOnRead = false
    }

    /// What a rule does to the versions of a versioned bucket that are not current (and to lone delete markers).
    /// Noncurrent days count from when a version stopped being current — when the next newer version (or delete
    /// marker) was written — with the same rounding up to 00:00 UTC as `Days`.
    struct VersionActions: Sendable, Equatable {
        /// `Expiration/ExpiredObjectDeleteMarker`: a delete marker that is the only version left of its key goes.
        var removesExpiredDeleteMarkers = false
        /// `NoncurrentVersionExpiration/NoncurrentDays`.
        var expirationDays: Int64?
        /// `NoncurrentVersionTransition`: `NoncurrentDays` and `StorageClass` each.
        var transitions: [(days: Int64, storageClass: StorageClass)] = []

        var isEmpty: Bool { !removesExpiredDeleteMarkers && expirationDays == nil && transitions.isEmpty }

        static func == (lhs: VersionActions, rhs: VersionActions) -> Bool {
            lhs.removesExpiredDeleteMarkers == rhs.removesExpiredDeleteMarkers
                && lhs.expirationDays == rhs.expirationDays
                && lhs.transitions.map(\.days) == rhs.transitions.map(\.days)
                && lhs.transitions.map(\.storageClass) == rhs.transitions.map(\.storageClass)
        }
    }

    var id: String
    var prefix: String
    var enabled: Bool
    /// `Filter/Not/Prefix`: keys under it are left alone.
    var excludedPrefix: String?
    var sizeGreaterThan: Int64?
    var sizeLessThan: Int64?
    /// The object must carry every one of these tags.
    var tags: [(key: String, value: String)]
    var expiration: Timing?
    var transitions: [Transition]
    var abortUploads: Timing?
    var versions = VersionActions()

    static func == (lhs: LifecycleRule, rhs: LifecycleRule) -> Bool {
        lhs.id == rhs.id && lhs.prefix == rhs.prefix && lhs.enabled == rhs.enabled
            && lhs.excludedPrefix == rhs.excludedPrefix && lhs.sizeGreaterThan == rhs.sizeGreaterThan
            && lhs.sizeLessThan == rhs.sizeLessThan && lhs.tags.map(\.key) == rhs.tags.map(\.key)
            && lhs.tags.map(\.value) == rhs.tags.map(\.value) && lhs.expiration == rhs.expiration
            && lhs.transitions == rhs.transitions && lhs.abortUploads == rhs.abortUploads
            && lhs.versions == rhs.versions
    }

    /// Whether the rule covers an object (tags as the object carries them).
    func covers(key: String, size: Int64, tags objectTags: [(key: String, value: String)] = []) -> Bool {
        guard enabled, key.hasPrefix(prefix) else { return false }
        if let excludedPrefix, key.hasPrefix(excludedPrefix) { return false }
        if let sizeGreaterThan, !(size > sizeGreaterThan) { return false }
        if let sizeLessThan, !(size < sizeLessThan) { return false }
        return tags.allSatisfy { tag in objectTags.contains { $0.key == tag.key && $0.value == tag.value } }
    }

    static func roundedUpToMidnight(_ seconds: Int64) -> Int64 {
        let day: Int64 = 86_400
        let remainder = ((seconds % day) + day) % day
        return remainder == 0 ? seconds : seconds - remainder + day
    }

    /// The rules of a stored `LifecycleConfiguration`; rules this sweep cannot read are skipped, not guessed.
    static func parse(_ document: String) -> [LifecycleRule] {
        guard let root = try? XMLDocument.parse(Array(document.utf8)), root.name == "LifecycleConfiguration" else {
            return []
        }
        return root.children("Rule").compactMap(rule)
    }

    private static func rule(_ element: XMLElement) -> LifecycleRule? {
        let filter = element.child("Filter")
        var tags = element.children("Tag").compactMap(tag)
        tags += filter?.children("Tag").compactMap(tag) ?? []
        return LifecycleRule(
            id: element.child("ID")?.text ?? "",
            prefix: element.child("Prefix")?.text ?? filter?.child("Prefix")?.text ?? "",
            enabled: element.child("Status")?.text == "Enabled",
            excludedPrefix: filter?.child("Not")?.child("Prefix")?.text,
            sizeGreaterThan: filter?.child("ObjectSizeGreaterThan").flatMap { Int64($0.text) },
            sizeLessThan: filter?.child("ObjectSizeLessThan").flatMap { Int64($0.text) },
            tags: tags,
            expiration: element.child("Expiration").flatMap(timing),
            transitions: element.children("Transition").compactMap { transition in
                guard let timing = timing(transition),
                    let storageClass = transition.child("StorageClass").flatMap({ StorageClass(rawValue: $0.text) })
                else { return nil }
                return Transition(
                    timing: timing, storageClass: storageClass,
                    countsFromAccessTime: flag(transition, "IsAccessTime"),
                    returnsToStandardOnRead: flag(transition, "ReturnToStdWhenVisit"))
            },
            abortUploads: element.child("AbortMultipartUpload").flatMap(timing),
            versions: versionActions(element))
    }

    private static func versionActions(_ element: XMLElement) -> VersionActions {
        VersionActions(
            // oss2 writes `True`.
            removesExpiredDeleteMarkers: element.child("Expiration")?.child("ExpiredObjectDeleteMarker")?.text
                .lowercased() == "true",
            expirationDays: element.child("NoncurrentVersionExpiration")?.child("NoncurrentDays")
                .flatMap { Int64($0.text) },
            transitions: element.children("NoncurrentVersionTransition").compactMap { transition in
                guard let days = transition.child("NoncurrentDays").flatMap({ Int64($0.text) }),
                    let storageClass = transition.child("StorageClass").flatMap({ StorageClass(rawValue: $0.text) })
                else { return nil }
                return (days, storageClass)
            })
    }

    private static func flag(_ element: XMLElement, _ name: String) -> Bool {
        element.child(name)?.text.lowercased() == "true"
    }

    /// Whether a read of an object of `storageClass` returns it to Standard: an enabled rule covering it has a
    /// `ReturnToStdWhenVisit` transition to that class counted from the last access time.
    static func readReturnsToStandard(
        _ rules: [LifecycleRule], key: String, size: Int64, storageClass: StorageClass
    ) -> Bool {
        storageClass != .standard
            && rules.contains { rule in
                rule.covers(key: key, size: size)
                    && rule.transitions.contains {
                        $0.countsFromAccessTime && $0.returnsToStandardOnRead && $0.storageClass == storageClass
                    }
            }
    }

    private static func tag(_ element: XMLElement) -> (key: String, value: String)? {
        guard let key = element.child("Key")?.text else { return nil }
        return (key, element.child("Value")?.text ?? "")
    }

    /// `Days`, or `CreatedBeforeDate` / `Date` (`2015-11-11T00:00:00.000Z`).
    private static func timing(_ element: XMLElement) -> Timing? {
        if let days = element.child("Days").flatMap({ Int64($0.text) }) { return .days(days) }
        let date = element.child("CreatedBeforeDate") ?? element.child("Date")
        if let date, let instant = parseDate(date.text) { return .before(instant) }
        return nil
    }

    /// `yyyy-MM-ddTHH:mm:ss(.SSS)Z`.
    static func parseDate(_ text: String) -> Int64? {
        let chars = Array(text.utf8)
        guard chars.count >= 20, chars[4] == UInt8(ascii: "-"), chars[10] == UInt8(ascii: "T"),
            chars.last == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: chars[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        return HTTPDate.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}
