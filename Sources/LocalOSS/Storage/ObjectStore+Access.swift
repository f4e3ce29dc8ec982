extension ObjectStore {
    /// A read that yields extents to stream, with their blobs pinned so that a delete committed after the snapshot
    /// cannot unlink them before the reader is done. If a blob went between the snapshot and the pin, a fresh
    /// snapshot gives the current answer (usually NoSuchKey).
    /// `body` finds the object and says which of its bytes are wanted.
    func pinnedRead<T>(_ body: (Catalog) throws -> (T, ByteSelection, owner: ExtentOwner)) throws -> (T, ObjectReader) {
        for _ in 0..<3 {
            let generation = blobs.removalGeneration
            let (value, extents, cut, inline) = try metadata.read { catalog in
                let (value, selection, owner) = try body(catalog)
                let extents: [Extent]
                let cut: (offset: Int64, length: Int64)
                switch selection {
                case .nothing:
                    (extents, cut) = ([], (0, 0))
                case .all:
                    extents = try catalog.extents(of: owner)
                    cut = (0, extents.reduce(0) { $0 + $1.size })
                case .range(let offset, let length):
                    let (found, start) = try catalog.extents(of: owner, covering: offset, length: length)
                    (extents, cut) = (found, (offset - start, length))
                }
                var inline: [String: [UInt8]] = [:]
                for extent in extents where InlineBlob.isInline(extent.blob) {
                    inline[extent.blob] = try catalog.inlineBlob(extent.blob)
                }
                return (value, extents, cut, inline)
            }
            var names: [String] = []
            var seen = Set<String>()
            for extent in extents where inline[extent.blob] == nil && seen.insert(extent.blob).inserted {
                names.append(extent.blob)
            }
            if blobs.pin(names, since: generation) {
                let reader = ObjectReader(blobs: blobs, extents: extents, pinned: names, inline: inline)
                reader.restrict(offset: cut.offset, length: cut.length)
                return (value, reader)
            }
        }
        throw POSIXFailure("pin blobs: removed under three snapshots in a row")
    }

    /// The bucket's record, or nil when it does not exist: looked up before authentication, as OSS does.
    func existingBucket(_ name: String) throws -> BucketRecord? {
        try metadata.bucket(name)
    }

    /// The object's own ACL (`default` defers to the bucket), or nil when there is no such object.
    func objectACL(bucket: String, key: String) throws -> CannedACL? {
        try metadata.read { try $0.object(bucket: bucket, key: key)?.acl }
    }
}
