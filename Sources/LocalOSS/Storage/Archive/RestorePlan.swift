/// RestoreObject's body, read by the handler: `<RestoreRequest><Days>…</Days><JobParameters><Tier>…</Tier>
/// </JobParameters></RestoreRequest>`, every part optional (Go SDK 1.5 sends no body at all).
struct RestoreRequest: Sendable, Equatable {
    var days: Int?
    /// The text of `JobParameters/Tier`; `hasJobParameters` is true when the element was there at all.
    var tier: String?
    var hasJobParameters = false
}

/// What a RestoreObject does to an object, decided from its class, its current state and the request alone.
enum RestorePlan: Sendable, Equatable {
    /// A frozen object starts restoring: 202.
    case start(RestoreRecord)
    /// An already restored object keeps its copy longer: 200.
    case extend(RestoreRecord)
    /// A cold-class restore in progress moves to a faster tier: 202.
    case upgrade(RestoreRecord)

    var record: RestoreRecord {
        switch self {
        case .start(let record), .extend(let record), .upgrade(let record): record
        }
    }

    /// Fastest first: a running restore may only move up this list (OSS's EC 0016-00000715).
    static let tierPriority = ["Expedited", "Standard", "Bulk"]

    static let secondsPerDay: Int64 = 86_400
    static let tiers: Set<String> = ["Expedited", "Standard", "Bulk"]

    /// `delay`: seconds from the request until the restored copy is readable (`--restore-delay`).
    static func plan(
        _ request: RestoreRequest, storageClass: StorageClass, state: RestoreState, now: Int64, delay: Int64
    ) throws(OSSError) -> RestorePlan {
        guard storageClass.needsRestore else {
            throw OSSError(
                .operationNotSupported, "The operation is not supported for this resource",
                details: [("Detail", "RestoreObject operation does not support this object storage class")],
                ec: "0016-00000702")
        }
        let days = request.days ?? 1
        // Archive restores for 1-7 days (pyv2's documented range); the cold classes for up to a year (OSS's
        // RestoreObject reference). The code for a value out of range is not documented: InvalidArgument.
        let maximumDays = storageClass == .archive ? 7 : 365
        guard (1...maximumDays).contains(days) else {
            throw OSSError.invalidArgument(
                "The Days you specified is invalid, it must be between 1 and \(maximumDays).", name: "Days",
                value: String(days))
        }
        var tier: String?
        if storageClass == .archive {
            // oss2's suite (test_restore_archive_object_with_job_parameters) expects MalformedXML from OSS.
            if request.hasJobParameters { throw OSSError.malformedXML }
        } else {
            tier = request.tier ?? "Standard"
            // Deep Cold Archive restores in Expedited or Standard only (OSS's storage class overview).
            let allowed = storageClass == .deepColdArchive ? tiers.subtracting(["Bulk"]) : tiers
            guard let tier, allowed.contains(tier) else {
                throw OSSError(
                    .invalidArgument, "The restore tier you specified is invalid.",
                    details: [("ArgumentName", "Tier"), ("ArgumentValue", request.tier ?? "")], ec: "0016-00000703")
            }
        }
        switch state {
        case .frozen:
            let ready = now + max(0, delay)
            return .start(
                RestoreRecord(
                    requestedAt: now, readyAt: ready, expiresAt: ready + Int64(days) * secondsPerDay, days: days,
                    tier: tier))
        case .restoring(var record):
            // A cold restore asked again with an explicit, faster tier is upgraded; a slower one is refused with
            // EC 0016-00000715 (its status and code are not documented: those of RestoreAlreadyInProgress here).
            if request.hasJobParameters, let tier, let running = record.tier,
                let new = tierPriority.firstIndex(of: tier), let old = tierPriority.firstIndex(of: running),
                new != old
            {
                guard new < old else {
                    throw OSSError(
                        .restoreAlreadyInProgress,
                        "The restore tier you specified is lower than the one of the restore in progress.",
                        ec: "0016-00000715")
                }
                record.tier = tier
                return .upgrade(record)
            }
            throw OSSError(.restoreAlreadyInProgress, "The restore operation is in progress.", ec: "0016-00000701")
        case .restored(var record):
            // A restore of a restored object lengthens its period; it never shortens it.
            record.expiresAt = max(record.expiresAt, now + Int64(days) * secondsPerDay)
            record.days = days
            return .extend(record)
        }
    }
}
