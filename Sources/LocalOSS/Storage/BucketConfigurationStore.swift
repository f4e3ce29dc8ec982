import Foundation

/// Bucket configurations as stored documents, by sub-resource name. Storage neither parses nor validates them
/// (the protocol layer did); it keeps one document per bucket and name, and deletes them with the bucket.
/// Reads of a configuration that enforcement consults on many requests (CORS) come from a cache that every write
/// of that bucket's configurations invalidates.
struct BucketConfigurationStore: Sendable {
    let metadata: MetadataStore
    private var cache: DocumentCache { metadata.configurationCache }

    /// The document, or nil when the bucket has none (NoSuchBucket when the bucket does not exist).
    func document(_ name: String, bucket: String) throws -> String? {
        let (cached, generation) = cache.lookup(bucket: bucket, name: name)
        if let cached { return cached.document }
        let document = try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket)
            return try catalog.configuration(bucket: bucket, name: name)
        }
        cache.store(document, bucket: bucket, name: name, ifStill: generation)
        return document
    }

    func setDocument(_ document: String, name: String, bucket: String) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket)
            try catalog.setConfiguration(bucket: bucket, name: name, document: document)
        }
        cache.invalidate()
    }

    func deleteDocument(_ name: String, bucket: String) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket)
            try catalog.deleteConfiguration(bucket: bucket, name: name)
        }
        cache.invalidate()
    }

    /// An account-level document (service `?publicAccessBlock`), or nil. Rarely read: not cached.
    func accountDocument(_ name: String) throws -> String? {
        try metadata.read { try $0.accountConfiguration(name: name) }
    }

    /// Stores an account-level document; nil deletes it.
    func setAccountDocument(_ document: String?, name: String) throws {
        try metadata.write { try $0.setAccountConfiguration(name: name, document: document) }
    }

    /// Documents by (bucket, name), nil meaning "none stored". A value read before a write committed is not kept
    /// once that write has invalidated the cache (`generation`). `MetadataStore` also invalidates it whenever the
    /// buckets table changes, so a bucket deleted and made again starts without the old documents.
    /// `@unchecked Sendable`: guarded by `lock`.
    final class DocumentCache: @unchecked Sendable {
        struct Entry { let document: String? }

        private let lock = NSLock()
        private var entries: [String: Entry] = [:]
        private var generation: UInt64 = 0

        func lookup(bucket: String, name: String) -> (Entry?, generation: UInt64) {
            lock.withLock { (entries[bucket + "\u{0}" + name], generation) }
        }

        func store(_ document: String?, bucket: String, name: String, ifStill generation: UInt64) {
            lock.withLock {
                if entries.count >= 4096 { entries.removeAll() }
                if self.generation == generation { entries[bucket + "\u{0}" + name] = Entry(document: document) }
            }
        }

        func invalidate() {
            lock.withLock {
                generation &+= 1
                entries.removeAll()
            }
        }
    }
}
