import CSQLite
import Foundation

/// Checkpoints the write-ahead log on its own thread and connection, so no write waits for it. SQLite's automatic
/// checkpoint runs inside the commit that crosses 1,000 log pages: that writer copies the pages into the database
/// and syncs it while every other write of the group commit waits — 64 clients writing 4 KiB objects saw pauses
/// of up to a second. A PASSIVE checkpoint here copies what no reader still needs without taking the write lock.
///
/// The writer's connection reports its log size after each commit (`sqlite3_wal_hook`); past `threshold` pages the
/// checkpointer is woken. If it cannot run (no thread), the caller keeps SQLite's automatic checkpoint.
/// `@unchecked Sendable`: the state is guarded by `condition`.
final class WALCheckpointer: @unchecked Sendable {
    static let threshold: Int32 = 1_000

    private let database: Database
    private let condition = NSCondition()
    private var due = false
    private var stopped = false

    init(path: String) throws {
        database = try Database(path: path)
    }

    /// Starts the thread; false if it could not be started.
    func start() -> Bool {
        DetachedThread.start(256 << 10) { [self] in run() } == 0
    }

    /// Called by the writer after a commit left `pages` in the log.
    func logged(pages: Int32) {
        guard pages >= Self.threshold else { return }
        condition.lock()
        if !due {
            due = true
            condition.signal()
        }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while !due, !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            due = false
            condition.unlock()
            // Readers still on old snapshots keep their frames; what they need is copied by a later round.
            try? database.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}

extension Database {
    /// Calls `checkpointer.logged(pages:)` after each commit of this connection, instead of checkpointing itself.
    func handOverCheckpoints(to checkpointer: WALCheckpointer) {
        let context = Unmanaged.passUnretained(checkpointer).toOpaque()
        sqlite3_wal_hook(
            handle,
            { context, _, _, pages in
                if let context {
                    Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().logged(pages: pages)
                }
                return SQLITE_OK
            }, context)
    }
}
