#if canImport(Glibc)
    import Glibc
#endif

extension ObjectStore {
    /// A read that opens blob files. Reads run on a snapshot without a lock, so a concurrent delete may unlink a blob
    /// between the snapshot and the open; the open then fails with ENOENT, and a fresh snapshot gives the current
    /// answer (usually NoSuchKey). A descriptor, once open, keeps its file readable whatever happens to the name.
    func readOpeningBlobs<T>(_ body: (Catalog) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try metadata.read(body)
            } catch let failure as POSIXFailure where failure.code == ENOENT && attempt < 3 {
                attempt += 1
            }
        }
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
