/// The whole stored state at once, for tests: reset it, save it as a named snapshot, restore one. Each operation is
/// one write transaction (writes of other requests commit before or after it, never in between), and blob files that
/// nothing names any more are unlinked after it commits. Reset and restore keep the foreign keys by their order
/// (`StateTables`), so they run without SQLite's per-row checks. Snapshots are cheap because blobs are immutable: a snapshot
/// copies metadata rows and names the blobs they name, which then stay until neither live rows nor a snapshot do.
struct StateStore: Sendable {
    let metadata: MetadataStore
    let blobs: BlobStore
    /// Snapshot creation times.
    var clock = ServerClock.system
    /// Whether reset and restore may run without SQLite's foreign-key checks: only while every table that points
    /// into the state is one of `StateTables`, whose order keeps the keys (else a cascade would be skipped).
    private let ordersItsOwnForeignKeys: Bool

    init(metadata: MetadataStore, blobs: BlobStore, clock: ServerClock = .system) throws {
        self.metadata = metadata
        self.blobs = blobs
        self.clock = clock
        ordersItsOwnForeignKeys = try metadata.read { try $0.foreignKeyDependents() }.isEmpty
    }

    enum Failure: Error, Equatable {
        case noSuchBucket(String)
        case noSuchSnapshot(String)
        case snapshotExists(String)
        case invalidSnapshotName(String)
    }

    /// What a snapshot name may be: it is a path segment of the control plane and is shown in listings.
    static func isValidSnapshotName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// Empties everything (buckets too), or with `bucket` that bucket's objects and uploads, the bucket staying.
    /// Returns what was removed. Snapshots are kept.
    @discardableResult
    func reset(bucket: String? = nil) throws -> StateCounts {
        let (removed, released) = try bulkWrite { catalog in
            if let bucket, try catalog.bucket(bucket) == nil { throw Failure.noSuchBucket(bucket) }
            let counts = try catalog.stateCounts(bucket: bucket)
            return (counts, try catalog.clearState(bucket: bucket))
        }
        FaultInjection.reach(.stateCommitted)
        blobs.remove(released)
        return removed
    }

    func createSnapshot(_ name: String) throws -> SnapshotRecord {
        try Self.checkName(name)
        return try metadata.write { catalog in
            if try catalog.snapshotExists(name) { throw Failure.snapshotExists(name) }
            let record = SnapshotRecord(
                name: name, created: clock.nowMicroseconds(), counts: try catalog.stateCounts(bucket: nil))
            try catalog.saveSnapshot(record)
            return record
        }
    }

    /// Replaces the live state by the snapshot's, which stays saved (it can be restored again).
    @discardableResult
    func restore(_ name: String) throws -> SnapshotRecord {
        try Self.checkName(name)
        let (record, released) = try bulkWrite { catalog in
            guard let record = try catalog.snapshot(name) else { throw Failure.noSuchSnapshot(name) }
            return (record, try catalog.restoreSnapshot(name))
        }
        FaultInjection.reach(.stateCommitted)
        blobs.remove(released)
        return record
    }

    func deleteSnapshot(_ name: String) throws {
        try Self.checkName(name)
        let released = try metadata.write { catalog in
            guard try catalog.snapshotExists(name) else { throw Failure.noSuchSnapshot(name) }
            return try catalog.deleteSnapshot(name)
        }
        FaultInjection.reach(.stateCommitted)
        blobs.remove(released)
    }

    func snapshots() throws -> [SnapshotRecord] {
        try metadata.read { try $0.snapshots() }
    }

    private func bulkWrite<T>(_ body: (Catalog) throws -> T) throws -> T {
        ordersItsOwnForeignKeys ? try metadata.writeWithoutForeignKeys(body) : try metadata.write(body)
    }

    private static func checkName(_ name: String) throws(Failure) {
        guard isValidSnapshotName(name) else { throw .invalidSnapshotName(name) }
    }
}
