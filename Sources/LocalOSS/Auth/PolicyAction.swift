extension Operation {
    /// The RAM action a bucket policy names for this operation (OSS's action list): `oss:` and the operation's name
    /// (`oss:PutBucketPolicy`, `oss:InitiateBucketWorm`, `oss:CreateAccessPoint`, …), except where OSS groups
    /// operations under one action (every write of an object is `oss:PutObject`, every read `oss:GetObject`) or names
    /// it otherwise. nil for what no policy can grant (a preflight is not authenticated; an unimplemented operation is
    /// refused).
    var policyAction: String? {
        switch self {
        case .headBucket: "oss:GetBucketInfo"
        case .listObjects: "oss:ListObjects"  // ListObjectsV2 too
        case .deleteMultipleObjects: "oss:DeleteObject"
        case .listLiveChannels: "oss:ListLiveChannels"
        case .getBucketTags: "oss:GetBucketTagging"
        case .putBucketTags: "oss:PutBucketTagging"
        case .deleteBucketTags: "oss:DeleteBucketTagging"
        case .appendObject, .copyObject, .putSymlink, .initiateMultipartUpload, .uploadPart, .uploadPartCopy,
            .completeMultipartUpload:
            "oss:PutObject"
        case .headObject, .getObjectMeta, .getSymlink: "oss:GetObject"
        case .preflight, .unimplemented: nil
        default: "oss:" + name
        }
    }
}
