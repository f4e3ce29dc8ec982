import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Crash points for the crash-safety tests: `LOCALOSS_CRASH_AT=<point>:<n>` makes the process kill itself with
/// SIGKILL the n-th time it reaches `<point>` — a stand-in for power loss or `kill -9` at exactly that step.
/// It is honoured only together with the explicit switch `LOCALOSS_ENABLE_CRASH_POINTS=1`, so a variable left in
/// an environment (or set by anyone who can influence a deployment's environment) cannot make a normal server
/// kill itself. Without both every call is a no-op.
public enum FaultInjection {
    public static let switchVariable = "LOCALOSS_ENABLE_CRASH_POINTS"
    public static let targetVariable = "LOCALOSS_CRASH_AT"

    enum Point: String, CaseIterable {
        /// A body is fully in `tmp/`, not yet renamed.
        case blobStaged = "blob-staged"
        /// A blob is renamed into `blobs/`; its metadata row is not committed yet.
        case blobRenamed = "blob-renamed"
        /// A part row is committed; the part it replaced is not unlinked yet.
        case partCommitted = "part-committed"
        /// Inside CompleteMultipartUpload's transaction, before COMMIT.
        case completeBeforeCommit = "complete-before-commit"
        /// CompleteMultipartUpload committed; unlisted parts not unlinked yet.
        case completeCommitted = "complete-committed"
        /// AbortMultipartUpload committed; part files not unlinked yet.
        case abortCommitted = "abort-committed"
        /// A PutObject row is committed; the replaced object's files not unlinked yet.
        case objectCommitted = "object-committed"
        /// A reset, restore or snapshot deletion committed; the files it freed not unlinked yet.
        case stateCommitted = "state-committed"
    }

    private static let target: (point: String, count: Int)? = {
        let environment = ProcessInfo.processInfo.environment
        guard environment[switchVariable] == "1", let value = environment[targetVariable] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]), count > 0 else { return nil }
        return (String(parts[0]), count)
    }()

    private static let counter = Counter()

    /// Whether a crash point is armed, for the start-up log.
    public static var isArmed: Bool { target != nil }

    static func reach(_ point: Point) {
        guard let target, target.point == point.rawValue else { return }
        if counter.increment() == target.count { kill(getpid(), SIGKILL) }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func increment() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
