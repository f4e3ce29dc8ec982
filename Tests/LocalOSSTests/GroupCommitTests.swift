import Foundation
import Testing

@testable import LocalOSS

/// Concurrent writes share one transaction (group commit): each body still commits or rolls back on its own, and
/// the cached bucket records follow bucket writes.
@Suite struct GroupCommitTests {
    static func store() throws -> (MetadataStore, String) {
        let directory = NSTemporaryDirectory() + "localoss-group-commit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (try MetadataStore(path: directory + "/metadata.sqlite", durable: false), directory)
    }

    static func bucket(_ name: String, acl: CannedACL = .private) -> BucketRecord {
        BucketRecord(name: name, created: 0, acl: acl, storageClass: .standard, redundancy: "LRS")
    }

    @Test func concurrentWritesCommitExceptTheOnesThatThrow() throws {
        let (metadata, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        struct Refused: Error {}
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            do {
                try metadata.write { catalog in
                    try catalog.insertBucket(Self.bucket("bucket-\(index)"))
                    if index % 3 == 0 { throw Refused() }
                }
                outcomes.record(index, committed: true)
            } catch is Refused {
                outcomes.record(index, committed: false)
            } catch {
                Issue.record("write \(index): \(error)")
            }
        }
        let names = Set(try metadata.read { try $0.buckets(prefix: nil, after: nil, limit: 1000) }.map(\.name))
        #expect(names == Set((0..<64).filter { $0 % 3 != 0 }.map { "bucket-\($0)" }))
        #expect(outcomes.committed == Set((0..<64).filter { $0 % 3 != 0 }))
    }

    @Test func aBucketWriteIsSeenThroughTheCache() throws {
        let (metadata, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try metadata.bucket("bkt") == nil)
        try metadata.write { try $0.insertBucket(Self.bucket("bkt")) }
        #expect(try metadata.bucket("bkt")?.acl == .private)
        try metadata.write { try $0.setBucketACL("bkt", .publicRead) }
        #expect(try metadata.bucket("bkt")?.acl == .publicRead)
        try metadata.write { try $0.deleteBucket("bkt") }
        #expect(try metadata.bucket("bkt") == nil)
    }
}

private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var indices = Set<Int>()

    func record(_ index: Int, committed: Bool) {
        guard committed else { return }
        lock.withLock { _ = indices.insert(index) }
    }

    var committed: Set<Int> { lock.withLock { indices } }
}
