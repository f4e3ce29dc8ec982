extension ObjectStore {
    /// The bucket's record, or nil when it does not exist: looked up before authentication, as OSS does.
    func existingBucket(_ name: String) throws -> BucketRecord? {
        try metadata.read { try $0.bucket(name) }
    }

    /// The object's own ACL (`default` defers to the bucket), or nil when there is no such object.
    func objectACL(bucket: String, key: String) throws -> CannedACL? {
        try metadata.read { try $0.object(bucket: bucket, key: key)?.acl }
    }
}
