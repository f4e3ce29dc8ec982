/// The configurations a bucket holds many of, each under a name within its family (`inventory`, `live`,
/// `accessPoint`, …). Like `BucketConfigurationStore` it neither parses nor validates documents; it checks that the
/// bucket exists and keeps the per-bucket limits a family has, in the same transaction as the write.
struct NamedConfigurationStore: Sendable {
    let metadata: MetadataStore
    var clock: ServerClock

    func configuration(_ family: String, _ name: String, bucket: String) throws -> NamedConfiguration? {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket)
            return try catalog.namedConfiguration(bucket: bucket, family: family, name: name)
        }
    }

    /// One page in name order; `bucket` nil: every bucket's (the account's access points).
    func list(
        _ family: String, bucket: String?, prefix: String = "", after marker: String? = nil, limit: Int
    ) throws -> [NamedConfiguration] {
        try metadata.read { catalog in
            if let bucket { _ = try catalog.requireBucket(bucket) }
            return try catalog.namedConfigurations(
                bucket: bucket, family: family, prefix: prefix, after: marker, limit: limit)
        }
    }

    /// How many of the family the bucket holds (GetBucketStat's `LiveChannelCount`).
    func count(_ family: String, bucket: String) throws -> Int {
        try metadata.read { try $0.namedConfigurationCount(bucket: bucket, family: family) }
    }

    /// The bucket holding the family's configuration of that name, if any (access point names are the account's).
    func owner(_ family: String, _ name: String) throws -> String? {
        try metadata.read { try $0.namedConfigurationOwner(family: family, name: name) }
    }

    /// Stores (or replaces) the document. `limit`: how many the bucket may hold; a new name beyond it throws
    /// `overLimit`. `taken`: thrown when the name exists already, in any bucket (creation, not replacement).
    func set(
        _ family: String, _ name: String, document: String, bucket: String, limit: Int? = nil,
        overLimit: OSSError? = nil, taken: OSSError? = nil
    ) throws {
        let now = clock.now()
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket)
            let existing = try catalog.namedConfiguration(bucket: bucket, family: family, name: name)
            if let taken, try catalog.namedConfigurationExists(family: family, name: name) {
                throw taken
            }
            if existing == nil, let limit, let overLimit,
                try catalog.namedConfigurationCount(bucket: bucket, family: family) >= limit
            {
                throw overLimit
            }
            try catalog.setNamedConfiguration(
                NamedConfiguration(bucket: bucket, family: family, name: name, document: document, modified: now))
        }
    }

    /// Whether there was one.
    @discardableResult
    func delete(_ family: String, _ name: String, bucket: String) throws -> Bool {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket)
            return try catalog.deleteNamedConfiguration(bucket: bucket, family: family, name: name)
        }
    }

    /// Deletes every family's row of that name (an access point and what it carries).
    func deleteAll(_ families: [String], _ name: String, bucket: String) throws {
        try metadata.write { catalog in
            _ = try catalog.requireBucket(bucket)
            for family in families { try catalog.deleteNamedConfiguration(bucket: bucket, family: family, name: name) }
        }
    }
}
