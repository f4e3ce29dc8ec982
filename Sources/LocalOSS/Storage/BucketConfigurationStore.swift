import Foundation

/// Bucket configurations as stored documents, by sub-resource name. Storage neither parses nor validates them
/// (the protocol layer did); it keeps one document per bucket and name, and deletes them with the bucket.
/// Reads of a configuration that enforcement consults on many requests (CORS) come from a cache that every write
/// of that bucket's configurations invalidates; a request reads its bucket's once (`BucketConfigurations`).
struct BucketConfigurationStore: Sendable {
    let metadata: MetadataStore
    private var cache: DocumentCache { metadata.configurationCache }

    /// The document, or nil when the bucket has none (NoSuchBucket when the bucket does not exist).
    func document(_ name: String, bucket: String) throws -> String? {
        try documents(of: bucket)[name]
    }

    /// Every configuration document of the bucket, by name: read together and cached together, as a request's
    /// enforcement (CORS, referer, website, lifecycle) asks for several of them.
    func documents(of bucket: String) throws -> [String: String] {
        try generationalDocuments(of: bucket).documents
    }

    /// `documents(of:)` with the generation of writes they were read at: for a reader that keeps them (a request
    /// reads them once) and must tell whether a write has replaced them since (`isCurrent`).
    func generationalDocuments(of bucket: String) throws -> (documents: [String: String], generation: UInt64) {
        let (cached, generation) = cache.lookup(bucket: bucket)
        if let cached { return (cached, generation) }
        let documents = try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket)
            return try catalog.configurations(bucket: bucket)
        }
        cache.store(documents, bucket: bucket, ifStill: generation)
        return (documents, generation)
    }

    /// Whether no configuration has been written (nor a bucket made or deleted) since `generation`.
    func isCurrent(_ generation: UInt64) -> Bool {
        cache.generation == generation
    }

    func setDocument(_ document: String, name: String, bucket: String) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket)
            try catalog.setConfiguration(bucket: bucket, name: name, document: document)
        }
        cache.invalidate()
    }

    /// Sets (a value) or deletes (nil) several documents in one transaction.
    func setDocuments(_ documents: [String: String?], bucket: String) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket)
            for (name, document) in documents {
                if let document {
                    try catalog.setConfiguration(bucket: bucket, name: name, document: document)
                } else {
                    try catalog.deleteConfiguration(bucket: bucket, name: name)
                }
            }
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

    /// Each bucket's documents by name (an empty dictionary: none stored). A value read before a write committed is not kept
    /// once that write has invalidated the cache (`generation`). `MetadataStore` also invalidates it whenever the
    /// buckets table changes, so a bucket deleted and made again starts without the old documents.
    /// `@unchecked Sendable`: guarded by `lock`.
    final class DocumentCache: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String: [String: String]] = [:]
        private var current: UInt64 = 0

        var generation: UInt64 { lock.withLock { current } }

        func lookup(bucket: String) -> ([String: String]?, generation: UInt64) {
            lock.lock()
            defer { lock.unlock() }
            return (entries[bucket], current)
        }

        func store(_ documents: [String: String], bucket: String, ifStill generation: UInt64) {
            lock.withLock {
                if entries.count >= 4096 { entries.removeAll() }
                if current == generation { entries[bucket] = documents }
            }
        }

        func invalidate() {
            lock.withLock {
                current &+= 1
                entries.removeAll()
            }
        }
    }
}
