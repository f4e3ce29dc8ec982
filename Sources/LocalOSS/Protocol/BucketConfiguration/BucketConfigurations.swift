/// A bucket's configuration documents as one request reads them: once, when it names an existing bucket, for every
/// step that enforces them (authorization, website, referer, lifecycle and access-time headers, CORS, the access
/// log). Each lookup in the store takes its lock and hashes two strings; a small GET made a dozen. Only the request
/// keeps it, and `current(in:)` reads again once a write (the request's own included) has replaced the documents.
/// Work outside a request (the lifecycle sweep, the console, the configuration API's handlers) reads the store.
/// A class, immutable: the steps it goes through share it for one reference count instead of copying its name and
/// dictionary (a retain and a release each, every step).
final class BucketConfigurations: Sendable {
    let bucket: String
    private let documents: [String: String]
    /// The store's generation of writes when read (`BucketConfigurationStore.isCurrent`).
    private let generation: UInt64

    init(of bucket: String, in store: BucketConfigurationStore) throws {
        self.bucket = bucket
        let read = try store.generationalDocuments(of: bucket)
        documents = read.documents
        generation = read.generation
    }

    /// The snapshot itself while no write has replaced it, else the store's documents now (NoSuchBucket once the
    /// bucket is gone).
    func current(in store: BucketConfigurationStore) throws -> BucketConfigurations {
        store.isCurrent(generation) ? self : try BucketConfigurations(of: bucket, in: store)
    }

    /// The request's snapshot when it is of `bucket`, else the store's documents (a copy's source bucket).
    static func of(_ bucket: String, reusing snapshot: BucketConfigurations?, in store: BucketConfigurationStore)
        throws -> BucketConfigurations
    {
        if let snapshot, snapshot.bucket == bucket { return snapshot }
        return try BucketConfigurations(of: bucket, in: store)
    }

    /// The document stored under a sub-resource name, nil when the bucket has none.
    subscript(_ name: String) -> String? { documents[name] }

    var lifecycle: String? { self[LifecycleSweeper.subresource] }
    var cors: String? { self[CORSConfiguration.kind.subresource] }
    var website: String? { self[WebsiteRules.subresource] }
    var referer: String? { self[RefererPolicy.subresource] }
    var logging: String? { self[LoggingConfiguration.kind.subresource] }
    var policy: String? { self[PolicyConfiguration.kind.subresource] }
    var requestPayment: String? { self["requestPayment"] }
    var publicAccessBlock: String? { self["publicAccessBlock"] }
    /// When access tracking was enabled; nil while it is off.
    var accessTrackingSince: Int64? { AccessTracking.enabledAt(documents) }
}
