extension Operation {
    /// The RAM action a bucket policy names for this operation (OSS's action list): one row per operation.
    /// Configurations kept by `BucketConfigurationKind` are `oss:Get|Put|Delete<stem>` (`oss:PutBucketPolicy`, …).
    /// nil for what no policy can grant (a preflight is not authenticated; an unimplemented operation is refused).
    var policyAction: String? {
        switch self {
        case .listBuckets: "oss:ListBuckets"
        case .createBucket: "oss:PutBucket"
        case .deleteBucket: "oss:DeleteBucket"
        case .headBucket, .getBucketInfo: "oss:GetBucketInfo"
        case .getBucketLocation: "oss:GetBucketLocation"
        case .getBucketACL: "oss:GetBucketAcl"
        case .putBucketACL: "oss:PutBucketAcl"
        case .listObjects: "oss:ListObjects"
        case .listMultipartUploads: "oss:ListMultipartUploads"
        case .deleteMultipleObjects: "oss:DeleteObject"
        case .listLiveChannels: "oss:ListLiveChannels"
        case .getBucketConfiguration(_, let kind): "oss:Get" + kind.operationStem
        case .putBucketConfiguration(_, let kind): "oss:Put" + kind.operationStem
        case .deleteBucketConfiguration(_, let kind): "oss:Delete" + kind.operationStem
        case .getBucketTags: "oss:GetBucketTagging"
        case .putBucketTags: "oss:PutBucketTagging"
        case .deleteBucketTags: "oss:DeleteBucketTagging"
        case .putBucketEncryption: "oss:PutBucketEncryption"
        case .getBucketEncryption: "oss:GetBucketEncryption"
        case .deleteBucketEncryption: "oss:DeleteBucketEncryption"
        case .putBucketArchiveDirectRead: "oss:PutBucketArchiveDirectRead"
        case .getBucketArchiveDirectRead: "oss:GetBucketArchiveDirectRead"
        case .putBucketVersioning: "oss:PutBucketVersioning"
        case .getBucketVersioning: "oss:GetBucketVersioning"
        case .listObjectVersions: "oss:ListObjectVersions"
        case .getBucketStat: "oss:GetBucketStat"
        case .getBucketPolicyStatus: "oss:GetBucketPolicyStatus"
        case .describeRegions: "oss:DescribeRegions"
        case .getUserQoSInfo: "oss:GetUserQoSInfo"
        case .getPublicAccessBlock: "oss:GetPublicAccessBlock"
        case .putPublicAccessBlock: "oss:PutPublicAccessBlock"
        case .deletePublicAccessBlock: "oss:DeletePublicAccessBlock"
        case .putObject, .appendObject, .copyObject, .putSymlink, .initiateMultipartUpload, .uploadPart,
            .uploadPartCopy, .completeMultipartUpload:
            "oss:PutObject"
        case .getObject, .headObject, .getObjectMeta, .getSymlink: "oss:GetObject"
        case .deleteObject: "oss:DeleteObject"
        case .getObjectACL: "oss:GetObjectAcl"
        case .putObjectACL: "oss:PutObjectAcl"
        case .getObjectTagging: "oss:GetObjectTagging"
        case .putObjectTagging: "oss:PutObjectTagging"
        case .deleteObjectTagging: "oss:DeleteObjectTagging"
        case .restoreObject: "oss:RestoreObject"
        case .cleanRestoredObject: "oss:CleanRestoredObject"
        case .abortMultipartUpload: "oss:AbortMultipartUpload"
        case .listParts: "oss:ListParts"
        // Retention, redundancy transitions, inventory, access points and live channels: the action is the
        // operation's name (`oss:InitiateBucketWorm`, `oss:PutBucketInventory`, `oss:CreateAccessPoint`, …).
        case .initiateBucketWorm, .abortBucketWorm, .completeBucketWorm, .extendBucketWorm, .getBucketWorm,
            .createRedundancyTransition, .getRedundancyTransition, .listRedundancyTransitions,
            .deleteRedundancyTransition, .listUserRedundancyTransitions, .inventory, .accessPoint, .liveChannel:
            "oss:" + name
        case .preflight, .unimplemented: nil
        }
    }
}
