extension ObjectStore {
    /// A read that yields extents to stream, with their blobs pinned so that a delete committed after the snapshot
    /// cannot unlink them before the reader is done. If a blob went between the snapshot and the pin, a fresh
    /// snapshot gives the current answer (usually NoSuchKey).
    func pinnedRead<T>(_ body: (Catalog) throws -> (T, [Extent])) throws -> (T, ObjectReader) {
        for _ in 0..<3 {
            let generation = blobs.removalGeneration
            let (value, extents) = try metadata.read(body)
            var names: [String] = []
            var seen = Set<String>()
            for extent in extents where seen.insert(extent.blob).inserted { names.append(extent.blob) }
            if blobs.pin(names, since: generation) {
                return (value, ObjectReader(blobs: blobs, extents: extents, pinned: names))
            }
        }
        throw POSIXFailure("pin blobs: removed under three snapshots in a row")
    }

    /// The bucket's record, or nil when it does not exist: looked up before authentication, as OSS does.
    func existingBucket(_ name: String) throws -> BucketRecord? {
        try metadata.read { try $0.bucket(name) }
    }

    /// The object's own ACL (`default` defers to the bucket), or nil when there is no such object.
    func objectACL(bucket: String, key: String) throws -> CannedACL? {
        try metadata.read { try $0.object(bucket: bucket, key: key)?.acl }
    }
}
