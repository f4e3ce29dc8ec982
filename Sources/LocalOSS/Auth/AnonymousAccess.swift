/// What a caller without credentials may do, decided by ACLs as OSS does: a bucket's ACL governs its objects unless
/// an object's own ACL is not `default`, which then wins in both directions. `public-read` lets anyone read objects
/// (and list the bucket), `public-read-write` also write and delete them; nothing lets an anonymous caller manage a
/// bucket, read or change ACLs, or run a service operation.
struct AnonymousAccess {
    /// Looks up an object's own ACL: nil when the object does not exist.
    let objectACL: (_ bucket: String, _ key: String) throws -> CannedACL?
    /// Looks up a bucket's ACL: nil when the bucket does not exist.
    let bucketACL: (_ bucket: String) throws -> CannedACL?
    /// The target key of a symlink, nil for any other object: reading through a link needs the right to read both
    /// (PutSymlink reference).
    var symlinkTarget: (_ bucket: String, _ key: String) throws -> String? = { _, _ in nil }

    enum Need {
        case readObject(ObjectAddress)
        /// GetObject and HeadObject, which follow a symlink to its target.
        case readThroughLink(ObjectAddress)
        case writeObject(ObjectAddress)
        /// CopyObject and UploadPartCopy: write the target, read the source.
        case copyObject(ObjectAddress, source: CopySource)
        case listBucket
        case writeBucket
        case manageBucket
        case manageObject
        case none
    }

    /// Throws `AccessDenied` unless the operation is open to anonymous callers on this bucket.
    func authorize(_ operation: Operation, bucketACL acl: CannedACL?) throws {
        let bucketACL = acl ?? .private
        switch Self.need(of: operation) {
        case .none: return
        case .readObject(let address):
            if try canRead(address.bucket.value, address.key.value, bucketACL) { return }
            throw Self.deniedObject
        case .readThroughLink(let address):
            let (bucket, key) = (address.bucket.value, address.key.value)
            guard try canRead(bucket, key, bucketACL) else { throw Self.deniedObject }
            if let target = try symlinkTarget(bucket, key), !(try canRead(bucket, target, bucketACL)) {
                throw Self.deniedObject
            }
        case .writeObject(let address):
            if try canWrite(address, bucketACL) { return }
            throw Self.deniedObject
        case .copyObject(let address, let source):
            let sourceBucketACL = try self.bucketACL(source.bucket) ?? .private
            // The source key is read as the copy itself reads it: as sent, or with `+` as a space (Go 1.5).
            let readable =
                try canRead(source.bucket, source.key, sourceBucketACL)
                || (try source.alternateKey.map { try canRead(source.bucket, $0, sourceBucketACL) } ?? false)
            if try canWrite(address, bucketACL), readable { return }
            throw Self.deniedObject
        case .listBucket:
            if bucketACL == .publicRead || bucketACL == .publicReadWrite { return }
            throw Self.deniedBucket
        case .writeBucket:
            if bucketACL == .publicReadWrite { return }
            throw Self.deniedBucket
        case .manageBucket: throw Self.deniedBucket
        case .manageObject: throw Self.deniedObject
        }
    }

    private func effectiveACL(_ bucket: String, _ key: String, _ bucketACL: CannedACL) throws -> CannedACL {
        guard let own = try objectACL(bucket, key), own != .default else { return bucketACL }
        return own
    }

    func canRead(_ bucket: String, _ key: String, _ bucketACL: CannedACL) throws -> Bool {
        let acl = try effectiveACL(bucket, key, bucketACL)
        return acl == .publicRead || acl == .publicReadWrite
    }

    private func canWrite(_ address: ObjectAddress, _ bucketACL: CannedACL) throws -> Bool {
        try effectiveACL(address.bucket.value, address.key.value, bucketACL) == .publicReadWrite
    }

    static func need(of operation: Operation) -> Need {
        switch operation {
        case .preflight: .none
        case .getObject(let address), .headObject(let address): .readThroughLink(address)
        case .getObjectMeta(let address): .readObject(address)
        case .putObject(let address), .appendObject(let address), .deleteObject(let address),
            .initiateMultipartUpload(let address), .uploadPart(let address, _, _),
            .completeMultipartUpload(let address, _), .abortMultipartUpload(let address, _),
            .listParts(let address, _), .restoreObject(let address), .cleanRestoredObject(let address):
            .writeObject(address)
        case .copyObject(let address, let source), .uploadPartCopy(let address, _, _, let source):
            .copyObject(address, source: source)
        case .listObjects, .listMultipartUploads, .headBucket, .listObjectVersions: .listBucket
        case .deleteMultipleObjects: .writeBucket
        case .getObjectACL, .putObjectACL, .getObjectTagging, .putObjectTagging, .deleteObjectTagging: .manageObject
        case .getSymlink(let address): .readObject(address)
        case .putSymlink(let address): .writeObject(address)
        case .unimplemented(let request): request.key == nil ? .manageBucket : .manageObject
        case .listBuckets, .createBucket, .deleteBucket, .getBucketInfo, .getBucketLocation, .getBucketACL,
            .putBucketACL, .listLiveChannels, .getBucketConfiguration, .putBucketConfiguration,
            .deleteBucketConfiguration, .getBucketTags, .putBucketTags, .deleteBucketTags, .putBucketEncryption,
            .getBucketEncryption, .deleteBucketEncryption, .putBucketArchiveDirectRead, .getBucketArchiveDirectRead,
            .putBucketVersioning, .getBucketVersioning, .getBucketStat, .getBucketPolicyStatus, .describeRegions,
            .getUserQoSInfo, .getPublicAccessBlock, .putPublicAccessBlock, .deletePublicAccessBlock,
            .initiateBucketWorm, .abortBucketWorm, .completeBucketWorm, .extendBucketWorm, .getBucketWorm,
            .createRedundancyTransition, .getRedundancyTransition, .listRedundancyTransitions,
            .deleteRedundancyTransition, .listUserRedundancyTransitions, .inventory, .accessPoint:
            .manageBucket
        case .liveChannel: .manageObject
        }
    }

    static let deniedBucket = OSSError(
        .accessDenied, "Anonymous user has no right to access this bucket", ec: "0003-00000001")
    static let deniedObject = OSSError(
        .accessDenied, "Anonymous user has no right to access this object", ec: "0003-00000001")
}
