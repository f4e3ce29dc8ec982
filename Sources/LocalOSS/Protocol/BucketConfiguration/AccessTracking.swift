/// Last-access-time tracking, switched by `PUT ?accessmonitor` (protocol notes §4.12; OSS's PutBucketAccessMonitor
/// reference). While it is on, an object's last access time is the latest of its Last-Modified, the time tracking
/// was enabled (OSS's default for every object) and the last GetObject or PutObjectACL recorded; a read updates it
/// at most once per 24 hours (OSS keeps the earliest access of such a period). Lifecycle transitions with
/// `IsAccessTime` count their days from it, and GET ?lifecycle answers the time tracking was enabled as `AtimeBase`.
enum AccessTracking {
    /// The companion document of the access monitor: Unix seconds at which tracking was enabled, present only while
    /// it is enabled. Kept beside the switch so that a GET asks the cached configuration documents once.
    static let sinceDocument = "accessmonitor.enabledAt"
    /// A read refreshes a last access time older than this.
    static let refreshInterval: Int64 = 86_400

    /// When tracking was enabled, or nil while it is off.
    static func enabledAt(_ documents: [String: String]) -> Int64? { documents[sinceDocument].flatMap { Int64($0) } }

    static func lastAccess(lastModified: Int64, enabledAt: Int64, recorded: Int64?) -> Int64 {
        max(lastModified, enabledAt, recorded ?? .min)
    }

    /// Whether a read at `now` is recorded as the object's new last access.
    static func readIsRecorded(lastAccess: Int64, now: Int64) -> Bool { now - lastAccess > refreshInterval }

    /// `PUT ?accessmonitor`: `Enabled` or `Disabled`. Disabling is refused while a lifecycle rule counts from the
    /// last access time (OSS: "Disabled can be set only while the bucket has no lifecycle rule based on Last Access
    /// Time"; the error code is not documented: 400 InvalidArgument is this server's choice).
    static let kind = BucketConfigurationKind(
        "accessmonitor", stem: "BucketAccessMonitor",
        absent: .document(document("Disabled")), deletable: false,
        acceptRequest: { put throws(OSSError) in
            let root = try XMLDocument.parse(put.body)
            guard root.name == "AccessMonitorConfiguration", let status = root.child("Status")?.text,
                status == "Enabled" || status == "Disabled"
            else { throw OSSError.malformedXML }
            if status == "Disabled",
                LifecycleConfiguration.countsFromAccessTime(put.stored(LifecycleConfiguration.kind.subresource))
            {
                throw OSSError(
                    .invalidArgument,
                    "Access monitor cannot be disabled while the bucket has a lifecycle rule based on last access time.",
                    details: [("ArgumentName", "Status"), ("ArgumentValue", status)])
            }
            return document(status)
        }
    ).withCompanions { document, put in
        guard document.contains("<Status>Enabled</Status>") else { return [sinceDocument: String?.none] }
        // Enabling again keeps the first instant: objects' default last access time does not move.
        return put.stored(sinceDocument) == nil ? [sinceDocument: String(put.now)] : [:]
    }

    static func document(_ status: String) -> String {
        XMLDocumentWriter.document("AccessMonitorConfiguration") { $0.element("Status", status) }
    }
}
