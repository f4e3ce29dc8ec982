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
    /// Checkpoints the log off the write path; nil when its thread could not start (SQLite's own then runs).
    private let checkpointer: WALCheckpointer?
    private let readers = NSCondition()
    private var idleReaders: [Database] = []
    private var openReaders = 0
    private let buckets = BucketCache()
    /// Bucket configuration documents (`BucketConfigurationStore`), dropped with the bucket cache.
    let configurationCache = BucketConfigurationStore.DocumentCache()
    /// Group commit: bodies waiting for the next transaction, and whether a thread is running one.
    private let queue = NSLock()
    private var pending: [WriteJob] = []
    private var leading = false

    init(path: String, durable: Bool) throws {
        self.path = path
        writer = try Database(path: path)
        try writer.execute("PRAGMA journal_mode = WAL")
        try writer.execute("PRAGMA synchronous = \(durable ? "FULL" : "NORMAL")")
        try writer.execute("PRAGMA foreign_keys = ON")
        // Keep the write-ahead log small: start-up replays it, so a large one slows every restart.
        try writer.execute("PRAGMA journal_size_limit = \(8 << 20)")
        try Schema.migrate(writer)
        let checkpointer = try WALCheckpointer(path: path)
        if checkpointer.start() {
            writer.handOverCheckpoints(to: checkpointer)  // replaces the automatic checkpoint in the commit
            self.checkpointer = checkpointer
        } else {
            self.checkpointer = nil
        }
    }

    deinit { checkpointer?.stop() }

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
        try database.beginTransaction(immediate: false)
        defer {
            // A statement left mid-step would pin the snapshot and stop checkpoints.
            database.resetStatements()
            try? database.commitTransaction()
        }
        return try body(Catalog(database: database))
    }

    /// Runs `body` in a write transaction. Writers that arrive while one is committing are committed together
    /// (group commit): the next one to take the lead runs every waiting body in one transaction, each inside its own
    /// savepoint, so a body that throws rolls back alone and the others commit. One commit writes each page the
    /// batch touched once, instead of once per request: 64 clients writing small objects took turns at the lock
    /// for 18 write-ahead-log frames each.
    func write<T>(_ body: (Catalog) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            var value: T?
            let job = WriteJob { catalog in value = try body(catalog) }
            try commitInBatch(job)
            return value!
        }
    }

    /// Runs `body` alone in a write transaction with foreign-key enforcement off, for the set-based statements of
    /// reset and restore, which delete children before parents and insert parents before children themselves:
    /// SQLite's per-row checks (and the loss of its truncate optimisation) were three quarters of a reset of 10,000
    /// objects. Taken between group-commit batches, under the same lock. The setting can only change outside a
    /// transaction; statements prepared under the other setting are recompiled by SQLite on their next run.
    func writeWithoutForeignKeys<T>(_ body: (Catalog) throws -> T) throws -> T {
        writerLock.lock()
        defer { writerLock.unlock() }
        defer { dropCachesIfBucketsChanged() }
        try writer.execute("PRAGMA foreign_keys = OFF")
        defer { try? writer.execute("PRAGMA foreign_keys = ON") }
        return try writer.transaction {
            defer { writer.resetStatements() }
            return try body(Catalog(database: writer))
        }
    }

    /// The first writer to find no leader leads: it commits every body waiting at that moment in one transaction,
    /// wakes exactly their owners, and hands the lead to the oldest body that arrived meanwhile. Each waiter sleeps on
    /// its own semaphore and wakes once, either done or promoted: a broadcast to 60 waiters after every batch made
    /// context switches a quarter of a small PUT's time.
    private func commitInBatch(_ job: WriteJob) throws {
        queue.lock()
        pending.append(job)
        let leads = !leading
        leading = true
        queue.unlock()
        if !leads {
            job.wake.wait()
            let (done, error) = queue.withLock { (job.isDone, job.error) }
            if done {
                if let error { throw error }
                return
            }
        }
        // Leading: `job` is in the batch taken now, since it is pending and no other leader runs.
        queue.lock()
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        queue.unlock()
        run(batch)
        for finished in batch { finished.body = nil }
        queue.lock()
        for finished in batch { finished.isDone = true }
        let next = pending.first
        if next == nil { leading = false }
        queue.unlock()
        for finished in batch where finished !== job { finished.wake.signal() }
        next?.wake.signal()
        if let error = job.error { throw error }
    }

    /// After a transaction that wrote the buckets table: the cached bucket records and configurations may be stale.
    /// Under `writerLock`.
    private func dropCachesIfBucketsChanged() {
        guard writer.bucketsChanged else { return }
        writer.bucketsChanged = false
        buckets.invalidate()
        configurationCache.invalidate()
    }

    /// One transaction for the batch. A failure of the transaction itself (its commit, a full disk twice) fails
    /// every body in it.
    private func run(_ batch: [WriteJob]) {
        writerLock.lock()
        defer { writerLock.unlock() }
        defer { dropCachesIfBucketsChanged() }
        do {
            try writer.transaction {
                let catalog = Catalog(database: writer)
                for job in batch {
                    job.error = nil
                    if batch.count == 1 {
                        defer { writer.resetStatements() }
                        do { try job.body?(catalog) } catch let error as DatabaseError where error.isDiskFull {
                            throw error
                        } catch { throw WriteJob.Refused(error: error) }
                        continue
                    }
                    try writer.execute(savepoint: .begin)
                    do {
                        do {
                            defer { writer.resetStatements() }
                            try job.body?(catalog)
                        }
                        try writer.execute(savepoint: .release)
                    } catch let error as DatabaseError where error.isDiskFull {
                        throw error  // the whole batch is retried once the reserve is released
                    } catch {
                        job.error = error
                        try writer.execute(savepoint: .rollback)
                        try writer.execute(savepoint: .release)
                    }
                }
            }
        } catch let refused as WriteJob.Refused {
            // A batch of one: its body threw and the transaction was rolled back, as before group commit.
            batch[0].error = refused.error
        } catch {
            for job in batch { job.error = error }
        }
    }

    /// The bucket's record, from a cache kept until the next write to the buckets table. Every request to a bucket
    /// looks it up before authentication, and again in its own snapshot; the first lookup was a whole read
    /// transaction, about a tenth of a small GET. Only existing buckets are cached.
    func bucket(_ name: String) throws -> BucketRecord? {
        let (cached, generation) = buckets.lookup(name)
        if let cached { return cached }
        let record = try read { try $0.bucket(name) }
        if let record { buckets.store(record, ifStill: generation) }
        return record
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

/// Bucket records by name. A record read from a snapshot taken before a bucket write committed is not stored once
/// the write has invalidated the cache: `generation` tells. `@unchecked Sendable`: guarded by `lock`.
private final class BucketCache: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [String: BucketRecord] = [:]
    private var generation: UInt64 = 0

    func lookup(_ name: String) -> (BucketRecord?, generation: UInt64) {
        lock.withLock { (records[name], generation) }
    }

    func store(_ record: BucketRecord, ifStill generation: UInt64) {
        lock.withLock {
            // Bounded: a test suite that makes a bucket per test would otherwise grow it for the server's life.
            if records.count >= 1024 { records.removeAll() }
            if self.generation == generation { records[record.name] = record }
        }
    }

    func invalidate() {
        lock.withLock {
            generation &+= 1
            records.removeAll()
        }
    }
}

/// One caller's write body in a group commit, and how it ended. Touched by the leader while the caller waits;
/// `isDone` and `error` are read by the owner under the queue's lock.
private final class WriteJob {
    /// Dropped by the leader once the batch has committed, before the owner wakes: the owner's closure must not
    /// outlive its `write` call (it is made escaping only for the batch).
    var body: ((Catalog) throws -> Void)?
    var error: Error?
    /// Set under the queue's lock before `wake` is signalled; read by the owner after it wakes.
    var isDone = false
    /// Signalled once: when the job is done, or when its owner is to lead the next batch.
    let wake = DispatchSemaphore(value: 0)

    init(_ body: @escaping (Catalog) throws -> Void) { self.body = body }

    /// A lone body's own error, carried out of the transaction so that it is rolled back.
    struct Refused: Error {
        let error: Error
    }
}
