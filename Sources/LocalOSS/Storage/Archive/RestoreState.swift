/// One restore of an archived object, as stored in `object_restores`: when it was asked for, when its copy becomes
/// readable and when that copy goes away again. Times are server-clock seconds since 1970.
struct RestoreRecord: Sendable, Equatable {
    var requestedAt: Int64
    var readyAt: Int64
    var expiresAt: Int64
    var days: Int
    /// `Expedited`, `Standard` or `Bulk` for the cold classes; nil for Archive.
    var tier: String?
}

/// Where an archived object stands, derived from its restore record and the server clock at read time: nothing
/// runs in the background, so advancing or freezing the clock (`/_localoss/clock`) moves or holds every restore.
enum RestoreState: Sendable, Equatable {
    /// Never restored, or the restored copy expired: reads are refused.
    case frozen
    /// A restore is in progress.
    case restoring(RestoreRecord)
    /// Readable until `expiresAt`.
    case restored(RestoreRecord)

    init(_ record: RestoreRecord?, now: Int64) {
        guard let record else {
            self = .frozen
            return
        }
        if now < record.readyAt {
            self = .restoring(record)
        } else if now < record.expiresAt {
            self = .restored(record)
        } else {
            self = .frozen
        }
    }

    var isReadable: Bool {
        if case .restored = self { return true }
        return false
    }

    /// `x-oss-restore` on HEAD/GET and `RestoreInfo` in listings; nil when frozen (OSS omits both).
    var headerValue: String? {
        switch self {
        case .frozen: nil
        case .restoring: "ongoing-request=\"true\""
        case .restored(let record):
            "ongoing-request=\"false\", expiry-date=\"\(HTTPDate.rfc1123(record.expiresAt))\""
        }
    }
}

extension StorageClass {
    /// The classes whose objects must be restored before their bytes can be read.
    var needsRestore: Bool {
        switch self {
        case .archive, .coldArchive, .deepColdArchive: true
        case .standard, .ia: false
        }
    }
}
