import Foundation

/// The SQLite database: one writer connection behind a lock, and a pool of reader connections. In WAL mode a reader
/// sees the last committed state and never waits for the writer, so a HEAD is not held up by a long write.
/// `@unchecked Sendable` because the writer is only touched inside `writerLock` and a reader by one thread at a time.
final class MetadataStore: @unchecked Sendable {
    /// Enough readers for every worker to read at once; beyond it a read waits for a connection to come back.
    static let maxReaders = 16

    private let path: String
    private let writer: Database
    private let writerLock = NSLock()
    private let readers = NSCondition()
    private var idleReaders: [Database] = []
    private var openReaders = 0

    init(path: String, durable: Bool) throws {
        self.path = path
        writer = try Database(path: path)
        try writer.execute("PRAGMA journal_mode = WAL")
        try writer.execute("PRAGMA synchronous = \(durable ? "FULL" : "NORMAL")")
        try writer.execute("PRAGMA foreign_keys = ON")
        // Keep the write-ahead log small: start-up replays it, so a large one slows every restart.
        try writer.execute("PRAGMA journal_size_limit = \(8 << 20)")
        try Schema.migrate(writer)
    }

    /// Folds the write-ahead log into the database and truncates it, so the next start has nothing to replay.
    func checkpoint() {
        writerLock.lock()
        defer { writerLock.unlock() }
        try? writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Runs `body` in a read transaction on a reader connection: every query inside sees one consistent snapshot.
    func read<T>(_ body: (Catalog) throws -> T) throws -> T {
        let database = try acquireReader()
        defer { releaseReader(database) }
        try database.execute("BEGIN")
        defer {
            // A statement left mid-step would pin the snapshot and stop checkpoints.
            database.resetStatements()
            try? database.execute("COMMIT")
        }
        return try body(Catalog(database: database))
    }

    func write<T>(_ body: (Catalog) throws -> T) throws -> T {
        writerLock.lock()
        defer { writerLock.unlock() }
        return try writer.transaction {
            defer { writer.resetStatements() }
            return try body(Catalog(database: writer))
        }
    }

    private func acquireReader() throws -> Database {
        readers.lock()
        defer { readers.unlock() }
        while true {
            if let database = idleReaders.popLast() { return database }
            if openReaders < Self.maxReaders { break }
            readers.wait()
        }
        openReaders += 1
        do {
            let database = try Database(path: path)
            try database.execute("PRAGMA query_only = 1")
            return database
        } catch {
            openReaders -= 1
            throw error
        }
    }

    private func releaseReader(_ database: Database) {
        readers.lock()
        idleReaders.append(database)
        readers.signal()
        readers.unlock()
    }
}
