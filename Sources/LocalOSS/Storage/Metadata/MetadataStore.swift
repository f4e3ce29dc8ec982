import Foundation

/// The SQLite database behind one lock: every read and write transaction runs whole while holding it.
/// `@unchecked Sendable` because the connection is only touched inside `lock`.
final class MetadataStore: @unchecked Sendable {
    private let database: Database
    private let lock = NSLock()

    init(path: String, durable: Bool) throws {
        database = try Database(path: path)
        try database.execute("PRAGMA journal_mode = WAL")
        try database.execute("PRAGMA synchronous = \(durable ? "FULL" : "NORMAL")")
        try database.execute("PRAGMA foreign_keys = ON")
        // Keep the write-ahead log small: start-up replays it, so a large one slows every restart.
        try database.execute("PRAGMA journal_size_limit = \(8 << 20)")
        try Schema.migrate(database)
    }

    /// Folds the write-ahead log into the database and truncates it, so the next start has nothing to replay.
    func checkpoint() {
        lock.lock()
        defer { lock.unlock() }
        try? database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    func read<T>(_ body: (Catalog) throws -> T) throws -> T {
        lock.lock()
        defer {
            database.resetStatements()
            lock.unlock()
        }
        return try body(Catalog(database: database))
    }

    func write<T>(_ body: (Catalog) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try database.transaction {
            defer { database.resetStatements() }
            return try body(Catalog(database: database))
        }
    }
}
