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
    fileprivate let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
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
        statements.removeAll()
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
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        statements[sql] = statement
        return statement
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
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Ends every cached statement's pending step. A statement left mid-result holds a read snapshot, and while one
    /// is held SQLite cannot checkpoint: the write-ahead log would grow without bound and slow every restart.
    func resetStatements() {
        for statement in statements.values { statement.reset() }
    }

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
