import CSQLite

/// A failure reported by SQLite. Never shown to clients: it becomes an `InternalError`.
struct DatabaseError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
    /// SQLITE_FULL: the disk (or quota) has no room for the write-ahead log or the database to grow.
    var isDiskFull: Bool { code & 0xFF == SQLITE_FULL }
}

/// One SQLite connection. Not thread-safe by itself: `MetadataStore` serialises all use behind its lock.
final class Database {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    /// Statements handed out since the last `resetStatements`: only these can hold a snapshot, so only these are
    /// reset (walking every cached statement cost more than the query on small requests).
    private var used: [Statement] = []
    /// Transaction control, prepared once: `sqlite3_exec` would parse the SQL again on every request.
    private lazy var begin = try? Statement(database: self, sql: "BEGIN")
    private lazy var beginImmediate = try? Statement(database: self, sql: "BEGIN IMMEDIATE")
    private lazy var commit = try? Statement(database: self, sql: "COMMIT")
    private lazy var rollback = try? Statement(database: self, sql: "ROLLBACK")
    private lazy var savepoints: [Savepoint: Statement] = {
        var statements: [Savepoint: Statement] = [:]
        for step in Savepoint.allCases { statements[step] = try? Statement(database: self, sql: step.sql) }
        return statements
    }()

    /// One body's savepoint inside a group-committed transaction.
    enum Savepoint: CaseIterable {
        case begin, release, rollback

        var sql: String {
            switch self {
            case .begin: "SAVEPOINT body"
            case .release: "RELEASE body"
            case .rollback: "ROLLBACK TO body"
            }
        }
    }
    /// Set by a write to the buckets table: `MetadataStore` then drops its cached bucket records after the commit.
    var bucketsChanged = false
    /// Released to let a transaction commit on a full disk (deletes must work there, to free space).
    private let reserve: SpaceReserve

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw DatabaseError(code: status, message: message)
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 5000)
        reserve = SpaceReserve.in(directoryOf: path)
    }

    deinit {
        used.removeAll()
        statements.removeAll()
        begin = nil
        beginImmediate = nil
        commit = nil
        rollback = nil
        savepoints = [:]
        sqlite3_close_v2(handle)
    }

    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown"
            sqlite3_free(error)
            throw DatabaseError(code: status, message: message)
        }
    }

    /// A prepared statement, cached by its SQL text and reset for reuse.
    func prepare(_ sql: String) throws -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            markUsed(cached)
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        statements[sql] = statement
        markUsed(statement)
        return statement
    }

    private func markUsed(_ statement: Statement) {
        guard !statement.isUsed else { return }
        statement.isUsed = true
        used.append(statement)
    }

    /// Starts a read transaction (`immediate: false`) or takes the write lock at once (`immediate: true`).
    func beginTransaction(immediate: Bool) throws {
        try run(immediate ? beginImmediate : begin, orExecute: immediate ? "BEGIN IMMEDIATE" : "BEGIN")
    }

    func execute(savepoint step: Savepoint) throws { try run(savepoints[step] ?? nil, orExecute: step.sql) }

    func commitTransaction() throws { try run(commit, orExecute: "COMMIT") }

    func rollbackTransaction() throws { try run(rollback, orExecute: "ROLLBACK") }

    private func run(_ statement: Statement?, orExecute sql: String) throws {
        guard let statement else { return try execute(sql) }
        defer { statement.reset() }
        try statement.run()
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws. On a full disk the
    /// `SpaceReserve` is released and the transaction run once more; if that is not enough, or the reserve was
    /// already gone, it fails with `InsufficientStorage`.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        do {
            return try attempt(body)
        } catch let error as DatabaseError where error.isDiskFull {
            guard reserve.release() else { throw OSSError.insufficientStorage }
            do {
                return try attempt(body)
            } catch let error as DatabaseError where error.isDiskFull {
                throw OSSError.insufficientStorage
            }
        }
    }

    private func attempt<T>(_ body: () throws -> T) throws -> T {
        try beginTransaction(immediate: true)
        do {
            let result = try body()
            try commitTransaction()
            return result
        } catch {
            try? rollbackTransaction()
            throw error
        }
    }

    /// Ends every cached statement's pending step. A statement left mid-result holds a read snapshot, and while one
    /// is held SQLite cannot checkpoint: the write-ahead log would grow without bound and slow every restart.
    func resetStatements() {
        for statement in used {
            statement.reset()
            statement.isUsed = false
        }
        used.removeAll(keepingCapacity: true)
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    fileprivate func error(_ status: Int32) -> DatabaseError {
        DatabaseError(code: status, message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// A prepared statement. Binding is positional (1-based); text is bound as raw UTF-8 bytes so that byte-wise
/// bounds (a prefix with its last byte incremented) can be compared even when they are not valid UTF-8.
final class Statement {
    /// Unowned: the database owns its cached statements, and a strong reference back would keep both alive forever
    /// (and with them any read snapshot a statement holds).
    private unowned let database: Database
    private let handle: OpaquePointer
    /// Listed in the database's `used` since its last `resetStatements`.
    fileprivate var isUsed = false

    fileprivate init(database: Database, sql: String) throws {
        self.database = database
        var handle: OpaquePointer?
        let status = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard status == SQLITE_OK, let handle else { throw database.error(status) }
        self.handle = handle
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    @discardableResult
    func bind(_ values: StatementValue?...) -> Statement {
        for (offset, value) in values.enumerated() { bind(at: Int32(offset + 1), value) }
        return self
    }

    func bind(at index: Int32, _ value: StatementValue?) {
        switch value {
        case nil: sqlite3_bind_null(handle, index)
        case .integer(let number): sqlite3_bind_int64(handle, index, number)
        case .text(let bytes):
            // A zero-length buffer may have no base address, and a nil pointer would bind NULL.
            let storage = bytes.isEmpty ? [0] : bytes
            storage.withUnsafeBufferPointer { buffer in
                _ = buffer.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text(handle, index, $0.baseAddress, Int32(bytes.count), csqlite_transient())
                }
            }
        case .blob(let bytes):
            bytes.withUnsafeBytes { buffer in
                _ = sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), csqlite_transient())
            }
        }
    }

    /// Advances to the next row; false when done.
    func step() throws -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(status)
        }
    }

    func run() throws { while try step() {} }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: pointer)
    }

    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : text(column)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

enum StatementValue {
    case integer(Int64)
    case text([UInt8])
    case blob([UInt8])

    static func string(_ value: String) -> StatementValue { .text(Array(value.utf8)) }
    static func int(_ value: Int) -> StatementValue { .integer(Int64(value)) }
    /// Unsigned 64-bit values (CRCs) are stored by bit pattern.
    static func unsigned(_ value: UInt64) -> StatementValue { .integer(Int64(bitPattern: value)) }
}
