/// While Block Public Access is on, no new public grant may be made: a public ACL sent by PutBucket, PutBucketAcl,
/// PutObjectAcl or an upload's `x-oss-object-acl` is refused before anything changes (the public policy check is
/// `BucketConfigurationHandler`'s, as it needs the body). Private ACLs, and `default`, pass.
struct PublicGrantGuard {
    let access: AccessControl

    func check(_ operation: Operation, headers: HTTPHeaders) throws {
        let (bucket, _) = operation.resource
        switch operation {
        case .createBucket:
            // A bucket being made has no setting of its own yet: the account's decides.
            if Self.isPublic(headers["x-oss-acl"]), try access.publicAccessBlocked(nil) { throw Self.bucketACL }
        case .putBucketACL:
            if Self.isPublic(headers["x-oss-acl"]), try access.publicAccessBlocked(bucket) { throw Self.bucketACL }
        case .putObjectACL, .putObject, .copyObject, .appendObject, .putSymlink, .initiateMultipartUpload,
            .completeMultipartUpload:
            if Self.isPublic(headers["x-oss-object-acl"]), try access.publicAccessBlocked(bucket) {
                throw Self.objectACL
            }
        default: return
        }
    }

    private static func isPublic(_ header: String?) -> Bool {
        header == CannedACL.publicRead.rawValue || header == CannedACL.publicReadWrite.rawValue
    }

    // OSS documents that public grants "cannot be configured" while the block is on; the wording of its refusal is
    // not published, so these name the cause.
    static let bucketACL = OSSError(
        .accessDenied, "Put public bucket acl is not allowed when block public access is enabled.",
        ec: "0003-00000001")
    static let objectACL = OSSError(
        .accessDenied, "Put public object acl is not allowed when block public access is enabled.",
        ec: "0003-00000001")
    static let policy = OSSError(
        .accessDenied, "Put public bucket policy is not allowed when block public access is enabled.",
        ec: "0003-00000001")
}
