/// A bucket's retention policy (bucket WORM): while it applies, an object younger than `days` cannot be deleted or
/// overwritten. A new policy is `InProgress` until CompleteBucketWorm locks it; one not locked within 24 hours
/// lapses as if it had been aborted. Times are server-clock seconds.
struct RetentionPolicy: Sendable, Equatable {
    enum State: String, Sendable {
        case inProgress = "InProgress"
        case locked = "Locked"
    }

    /// How long an unlocked policy waits to be locked.
    static let lockWindow: Int64 = 24 * 3600
    /// InitiateBucketWorm's range: 1 day to 70 years.
    static let days: ClosedRange<Int> = 1...25550

    let id: String
    var state: State
    var days: Int
    let created: Int64

    /// When an `InProgress` policy lapses; nil once locked.
    var lapsesAt: Int64? { state == .inProgress ? created + Self.lockWindow : nil }

    /// Whether the policy still exists at `now` (a lapsed one reads as none).
    func isInForce(at now: Int64) -> Bool {
        guard let lapsesAt else { return true }
        return now < lapsesAt
    }

    /// Whether an object last modified at `lastModified` is still retained at `now`. Both states protect, as on
    /// OSS, so that a policy being tried out already behaves as the locked one will.
    func protects(lastModified: Int64, at now: Int64) -> Bool {
        isInForce(at: now) && lastModified + Int64(days) * 86400 > now
    }

    /// ExtendBucketWorm: only a locked policy, and only to a period at least as long.
    func extended(to newDays: Int) throws(OSSError) -> RetentionPolicy {
        guard state == .locked else {
            throw OSSError(.invalidWORMConfiguration, "The retention policy is not locked yet and cannot be extended.")
        }
        guard newDays >= days else {
            throw OSSError(
                .invalidWORMConfiguration, "The retention period can only be extended, not shortened.",
                details: [("RetentionPeriodInDays", String(newDays))])
        }
        var policy = self
        policy.days = newDays
        return policy
    }
}

/// One data redundancy transition (LRS → ZRS). LocalOSS has no replicas to move: a task finishes when it is made.
struct RedundancyTransitionRecord: Sendable, Equatable {
    let taskID: String
    let bucket: String
    /// Server-clock seconds; the task also started and finished then.
    let created: Int64
}
