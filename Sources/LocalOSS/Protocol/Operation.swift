/// An object addressed by a request: its bucket and key, both validated.
struct ObjectAddress: Sendable {
    let bucket: BucketName
    let key: ObjectKey
}

/// Where UploadPartCopy reads from: `x-oss-copy-source` decoded, plus an optional byte range.
struct CopySource: Sendable {
    let bucket: String
    /// The key as sent, percent-decoded; `alternateKey` is the `+`-as-space reading (Go v1 `QueryEscape`).
    let key: String
    let alternateKey: String?
    /// `?versionId=` after the key: that version, not the current one.
    var version: VersionSelector? = nil
}

/// A request for an operation OSS defines but LocalOSS does not implement: answered `NotImplemented` once the
/// bucket lookup and authentication have run, so a missing bucket or a bad key is still reported first.
struct UnimplementedRequest: Sendable {
    var bucket: BucketName?
    var key: ObjectKey?
    /// The sub-resources (or operation) the request named, for the error message.
    let feature: String
}

/// Every request the server understands, with its inputs parsed and validated once by `Router`.
enum Operation: Sendable {
    case listBuckets
    case createBucket(BucketName)
    case deleteBucket(BucketName)
    case headBucket(BucketName)
    case getBucketInfo(BucketName)
    case getBucketLocation(BucketName)
    case getBucketACL(BucketName)
    case putBucketACL(BucketName)
    case listObjects(BucketName, version: Int)
    case listMultipartUploads(BucketName)
    case deleteMultipleObjects(BucketName)
    case listLiveChannels(BucketName)
    /// A bucket configuration kept by the one mechanism of `BucketConfigurationKind` (CORS, request payment, …).
    case getBucketConfiguration(BucketName, BucketConfigurationKind)
    case putBucketConfiguration(BucketName, BucketConfigurationKind)
    case deleteBucketConfiguration(BucketName, BucketConfigurationKind)
    case getBucketTags(BucketName)
    case putBucketTags(BucketName)
    case deleteBucketTags(BucketName)
    case putBucketEncryption(BucketName)
    case getBucketEncryption(BucketName)
    case deleteBucketEncryption(BucketName)
    case putBucketArchiveDirectRead(BucketName)
    case getBucketArchiveDirectRead(BucketName)
    case putBucketVersioning(BucketName)
    case getBucketVersioning(BucketName)
    case listObjectVersions(BucketName)
    /// Computed, not stored: GetBucketStat, GetBucketPolicyStatus, DescribeRegions (`nil`: every region).
    case getBucketStat(BucketName)
    case getBucketPolicyStatus(BucketName)
    case describeRegions(String?)
    case getUserQoSInfo
    /// The account's Block Public Access (service level), with the bucket level's document shape.
    case getPublicAccessBlock
    case putPublicAccessBlock
    case deletePublicAccessBlock
    /// The bucket's retention policy (WORM): `wormId` names the policy to lock or extend.
    case initiateBucketWorm(BucketName)
    case abortBucketWorm(BucketName)
    case completeBucketWorm(BucketName, id: String)
    case extendBucketWorm(BucketName, id: String)
    case getBucketWorm(BucketName)
    /// Data redundancy transitions: a bucket's tasks, and the account's list (service level).
    case createRedundancyTransition(BucketName)
    case getRedundancyTransition(BucketName)
    case listRedundancyTransitions(BucketName)
    case deleteRedundancyTransition(BucketName)
    case listUserRedundancyTransitions
    /// Configurations a bucket holds many of, each by name. Access points are listed at service level too (nil).
    case inventory(BucketName, InventoryRequest)
    case accessPoint(BucketName?, AccessPointRequest)
    case liveChannel(ObjectAddress, LiveChannelRequest)

    case putObject(ObjectAddress)
    case copyObject(ObjectAddress, source: CopySource)
    case appendObject(ObjectAddress)
    case getObject(ObjectAddress)
    case headObject(ObjectAddress)
    case getObjectMeta(ObjectAddress)
    case deleteObject(ObjectAddress)
    case getObjectACL(ObjectAddress)
    case putObjectACL(ObjectAddress)
    case getObjectTagging(ObjectAddress)
    case putObjectTagging(ObjectAddress)
    case deleteObjectTagging(ObjectAddress)
    case putSymlink(ObjectAddress)
    case getSymlink(ObjectAddress)
    case restoreObject(ObjectAddress)
    case cleanRestoredObject(ObjectAddress)

    case initiateMultipartUpload(ObjectAddress)
    case uploadPart(ObjectAddress, uploadID: String, part: PartNumber)
    case uploadPartCopy(ObjectAddress, uploadID: String, part: PartNumber, source: CopySource)
    case completeMultipartUpload(ObjectAddress, uploadID: String)
    case abortMultipartUpload(ObjectAddress, uploadID: String)
    case listParts(ObjectAddress, uploadID: String)

    /// A CORS preflight (`OPTIONS`), never authenticated.
    case preflight(BucketName, key: ObjectKey?)
    case unimplemented(UnimplementedRequest)

    var name: String {
        switch self {
        case .listBuckets: "ListBuckets"
        case .createBucket: "PutBucket"
        case .deleteBucket: "DeleteBucket"
        case .headBucket: "HeadBucket"
        case .getBucketInfo: "GetBucketInfo"
        case .getBucketLocation: "GetBucketLocation"
        case .getBucketACL: "GetBucketAcl"
        case .putBucketACL: "PutBucketAcl"
        case .listObjects(_, let version): version == 2 ? "ListObjectsV2" : "ListObjects"
        case .listMultipartUploads: "ListMultipartUploads"
        case .deleteMultipleObjects: "DeleteMultipleObjects"
        case .listLiveChannels: "ListLiveChannel"
        case .getBucketConfiguration(_, let kind): "Get" + kind.operationStem
        case .putBucketConfiguration(_, let kind): "Put" + kind.operationStem
        case .deleteBucketConfiguration(_, let kind): "Delete" + kind.operationStem
        case .getBucketTags: "GetBucketTags"
        case .putBucketTags: "PutBucketTags"
        case .deleteBucketTags: "DeleteBucketTags"
        case .getObjectTagging: "GetObjectTagging"
        case .putObjectTagging: "PutObjectTagging"
        case .deleteObjectTagging: "DeleteObjectTagging"
        case .putSymlink: "PutSymlink"
        case .getSymlink: "GetSymlink"
        case .putBucketEncryption: "PutBucketEncryption"
        case .getBucketEncryption: "GetBucketEncryption"
        case .deleteBucketEncryption: "DeleteBucketEncryption"
        case .putBucketArchiveDirectRead: "PutBucketArchiveDirectRead"
        case .getBucketArchiveDirectRead: "GetBucketArchiveDirectRead"
        case .restoreObject: "RestoreObject"
        case .cleanRestoredObject: "CleanRestoredObject"
        case .putBucketVersioning: "PutBucketVersioning"
        case .getBucketVersioning: "GetBucketVersioning"
        case .listObjectVersions: "ListObjectVersions"
        case .getBucketStat: "GetBucketStat"
        case .getBucketPolicyStatus: "GetBucketPolicyStatus"
        case .describeRegions: "DescribeRegions"
        case .getUserQoSInfo: "GetUserQoSInfo"
        case .getPublicAccessBlock: "GetPublicAccessBlock"
        case .putPublicAccessBlock: "PutPublicAccessBlock"
        case .deletePublicAccessBlock: "DeletePublicAccessBlock"
        case .initiateBucketWorm: "InitiateBucketWorm"
        case .abortBucketWorm: "AbortBucketWorm"
        case .completeBucketWorm: "CompleteBucketWorm"
        case .extendBucketWorm: "ExtendBucketWorm"
        case .getBucketWorm: "GetBucketWorm"
        case .createRedundancyTransition: "CreateBucketDataRedundancyTransition"
        case .getRedundancyTransition: "GetBucketDataRedundancyTransition"
        case .listRedundancyTransitions: "ListBucketDataRedundancyTransition"
        case .deleteRedundancyTransition: "DeleteBucketDataRedundancyTransition"
        case .listUserRedundancyTransitions: "ListUserDataRedundancyTransition"
        case .inventory(_, let request): request.name
        case .accessPoint(_, let request): request.name
        case .liveChannel(_, let request): request.name
        case .copyObject: "CopyObject"
        case .appendObject: "AppendObject"
        case .putObject: "PutObject"
        case .getObject: "GetObject"
        case .headObject: "HeadObject"
        case .getObjectMeta: "GetObjectMeta"
        case .deleteObject: "DeleteObject"
        case .getObjectACL: "GetObjectAcl"
        case .putObjectACL: "PutObjectAcl"
        case .initiateMultipartUpload: "InitiateMultipartUpload"
        case .uploadPart: "UploadPart"
        case .uploadPartCopy: "UploadPartCopy"
        case .completeMultipartUpload: "CompleteMultipartUpload"
        case .abortMultipartUpload: "AbortMultipartUpload"
        case .listParts: "ListParts"
        case .preflight(_, let key): key == nil ? "OptionBucket" : "OptionObject"
        case .unimplemented: "NotImplemented"
        }
    }
}

extension Operation {
    /// The bucket and key the request addresses, decoded: what signatures cover.
    var resource: (bucket: String?, key: String?) {
        switch self {
        case .listBuckets, .describeRegions, .getUserQoSInfo, .getPublicAccessBlock, .putPublicAccessBlock,
            .deletePublicAccessBlock, .listUserRedundancyTransitions:
            (nil, nil)
        case .createBucket(let bucket), .deleteBucket(let bucket), .headBucket(let bucket), .getBucketInfo(let bucket),
            .getBucketLocation(let bucket), .getBucketACL(let bucket), .putBucketACL(let bucket),
            .listObjects(let bucket, _), .listMultipartUploads(let bucket), .deleteMultipleObjects(let bucket),
            .listLiveChannels(let bucket), .getBucketConfiguration(let bucket, _),
            .putBucketConfiguration(let bucket, _), .deleteBucketConfiguration(let bucket, _),
            .getBucketTags(let bucket), .putBucketTags(let bucket), .deleteBucketTags(let bucket),
            .putBucketEncryption(let bucket), .getBucketEncryption(let bucket), .deleteBucketEncryption(let bucket),
            .putBucketArchiveDirectRead(let bucket), .getBucketArchiveDirectRead(let bucket),
            .putBucketVersioning(let bucket), .getBucketVersioning(let bucket), .listObjectVersions(let bucket),
            .getBucketStat(let bucket), .getBucketPolicyStatus(let bucket),
            .initiateBucketWorm(let bucket), .abortBucketWorm(let bucket), .completeBucketWorm(let bucket, _),
            .extendBucketWorm(let bucket, _), .getBucketWorm(let bucket), .createRedundancyTransition(let bucket),
            .getRedundancyTransition(let bucket), .listRedundancyTransitions(let bucket),
            .deleteRedundancyTransition(let bucket), .inventory(let bucket, _):
            (bucket.value, nil)
        case .accessPoint(let bucket, _): (bucket?.value, nil)
        case .putObject(let address), .copyObject(let address, _), .appendObject(let address), .getObject(let address),
            .headObject(let address), .getObjectMeta(let address),
            .deleteObject(let address), .getObjectACL(let address), .putObjectACL(let address),
            .restoreObject(let address), .cleanRestoredObject(let address),
            .initiateMultipartUpload(let address), .uploadPart(let address, _, _),
            .uploadPartCopy(let address, _, _, _),
            .completeMultipartUpload(let address, _), .abortMultipartUpload(let address, _), .listParts(let address, _),
            .getObjectTagging(let address), .putObjectTagging(let address), .deleteObjectTagging(let address),
            .putSymlink(let address), .getSymlink(let address), .liveChannel(let address, _):
            (address.bucket.value, address.key.value)
        case .preflight(let bucket, let key): (bucket.value, key?.value)
        case .unimplemented(let request): (request.bucket?.value, request.key?.value)
        }
    }
}
