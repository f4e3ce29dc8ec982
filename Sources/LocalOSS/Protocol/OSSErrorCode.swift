/// Every error a client can see. The raw value is the wire code; each knows its HTTP status and OSS's EC.
enum OSSErrorCode: String, Sendable {
    case accessDenied = "AccessDenied"
    case accessForbidden = "AccessForbidden"
    case badRequest = "BadRequest"
    case bucketAlreadyExists = "BucketAlreadyExists"
    case bucketNotEmpty = "BucketNotEmpty"
    case corsRuleBeyondLimit = "CORSRuleBeyondLimit"
    case entityTooLarge = "EntityTooLarge"
    case entityTooSmall = "EntityTooSmall"
    case fileAlreadyExists = "FileAlreadyExists"
    /// An object a bucket's retention policy (WORM) still protects.
    case fileImmutable = "FileImmutable"
    case incompleteBody = "IncompleteBody"
    /// The data directory's disk is full (OSS itself never runs out; MinIO answers 507 as well).
    case insufficientStorage = "InsufficientStorage"
    case internalError = "InternalError"
    case invalidAccessKeyId = "InvalidAccessKeyId"
    case invalidArgument = "InvalidArgument"
    case invalidBucketName = "InvalidBucketName"
    case invalidDigest = "InvalidDigest"
    case invalidEncryptionAlgorithm = "InvalidEncryptionAlgorithmError"
    case invalidPolicyDocument = "InvalidPolicyDocument"
    case invalidTargetBucketForLogging = "InvalidTargetBucketForLogging"
    case invalidObjectName = "InvalidObjectName"
    case invalidObjectState = "InvalidObjectState"
    case invalidPart = "InvalidPart"
    case invalidPartOrder = "InvalidPartOrder"
    case invalidRange = "InvalidRange"
    case invalidTag = "InvalidTag"
    case invalidTargetType = "InvalidTargetType"
    case keyTooLong = "KeyTooLong"
    case malformedXML = "MalformedXML"
    case methodNotAllowed = "MethodNotAllowed"
    case missingArgument = "MissingArgument"
    case missingContentLength = "MissingContentLength"
    case noSuchBucket = "NoSuchBucket"
    case noSuchCORSConfiguration = "NoSuchCORSConfiguration"
    case noSuchKey = "NoSuchKey"
    case noSuchTransferAccelerationConfiguration = "NoSuchTransferAccelerationConfiguration"
    case noSuchLifecycle = "NoSuchLifecycle"
    case noSuchWebsiteConfiguration = "NoSuchWebsiteConfiguration"
    case noSuchBucketPolicy = "NoSuchBucketPolicy"
    case bucketCallbackPolicyNotExist = "BucketCallbackPolicyNotExist"
    case noSuchOverwriteConfiguration = "NoSuchOverwriteConfiguration"
    case noSuchRegion = "NoSuchRegion"
    case noSuchInventory = "NoSuchInventory"
    case noSuchLiveChannel = "NoSuchLiveChannel"
    /// OSS documents only the message (`Accesspoint not found`, oss2's suite); the code follows S3 Control's.
    case noSuchAccessPoint = "NoSuchAccessPoint"
    /// Codes OSS does not document; named after the other configurations' `NoSuch…` ones.
    case noSuchAccessPointPolicy = "NoSuchAccessPointPolicy"
    case noSuchUserDefinedLogFieldsConfig = "NoSuchUserDefinedLogFieldsConfig"
    case accessPointAlreadyExists = "AccessPointAlreadyExists"
    case resourceGroupIdPreCheckError = "ResourceGroupIdPreCheckError"
    case noSuchUpload = "NoSuchUpload"
    case noSuchVersion = "NoSuchVersion"
    case invalidRequest = "InvalidRequest"
    case notImplemented = "NotImplemented"
    case notSymlink = "NotSymlink"
    case objectNotAppendable = "ObjectNotAppendable"
    case operationNotSupported = "OperationNotSupported"
    case restoreAlreadyInProgress = "RestoreAlreadyInProgress"
    case archiveRestoreNotFinished = "ArchiveRestoreNotFinished"
    case noSuchServerSideEncryptionRule = "NoSuchServerSideEncryptionRule"
    case positionNotEqualToLength = "PositionNotEqualToLength"
    case preconditionFailed = "PreconditionFailed"
    case requestHeaderTooLarge = "RequestHeaderTooLarge"
    case requestTimeout = "RequestTimeout"
    case requestTimeTooSkewed = "RequestTimeTooSkewed"
    case serviceUnavailable = "ServiceUnavailable"
    case signatureDoesNotMatch = "SignatureDoesNotMatch"
    /// A symlink whose target is missing. OSS documents only the EC (0026-00000012); the code is S3-like.
    case symlinkTargetNotExist = "SymlinkTargetNotExist"
    case noSuchWORMConfiguration = "NoSuchWORMConfiguration"
    case wormConfigurationLocked = "WORMConfigurationLocked"
    case invalidWORMConfiguration = "InvalidWORMConfiguration"
    /// A redundancy transition task id the bucket does not have (OSS documents no code for it).
    case noSuchRedundancyTransition = "NoSuchRedundancyTransition"

    var status: Int {
        switch self {
        case .accessDenied, .accessForbidden, .invalidAccessKeyId, .requestTimeTooSkewed, .signatureDoesNotMatch: 403
        case .invalidObjectState: 403
        case .restoreAlreadyInProgress, .archiveRestoreNotFinished: 409
        case .wormConfigurationLocked: 403
        case .fileImmutable: 409
        case .noSuchWORMConfiguration, .noSuchRedundancyTransition: 404
        case .noSuchServerSideEncryptionRule: 404
        case .accessPointAlreadyExists: 409
        case .bucketAlreadyExists, .bucketNotEmpty, .fileAlreadyExists, .objectNotAppendable,
            .positionNotEqualToLength:
            409
        case .internalError: 500
        case .serviceUnavailable: 503
        case .insufficientStorage: 507
        case .methodNotAllowed: 405
        case .missingContentLength: 411
        case .noSuchBucket, .noSuchKey, .noSuchUpload, .noSuchCORSConfiguration,
            .noSuchTransferAccelerationConfiguration, .symlinkTargetNotExist, .noSuchVersion, .noSuchLifecycle,
            .noSuchWebsiteConfiguration, .noSuchBucketPolicy, .noSuchOverwriteConfiguration, .noSuchRegion,
            .noSuchInventory, .noSuchLiveChannel, .noSuchAccessPoint, .noSuchAccessPointPolicy,
            .noSuchUserDefinedLogFieldsConfig, .bucketCallbackPolicyNotExist:
            404
        case .preconditionFailed: 412
        case .invalidRange: 416
        case .requestHeaderTooLarge: 431
        case .requestTimeout: 400
        default: 400
        }
    }

    /// OSS's error code number (EC) where its documentation or SDK tests name one.
    var ec: String {
        switch self {
        case .noSuchBucket: "0015-00000101"
        case .noSuchKey: "0026-00000001"
        case .noSuchUpload: "0042-00000002"
        case .bucketNotEmpty: "0015-00000301"
        case .invalidBucketName: "0015-00000001"
        case .invalidObjectName: "0016-00000005"
        case .invalidDigest: "0016-00000203"
        case .entityTooSmall: "0042-00000213"
        case .invalidPartOrder: "0042-00000209"
        case .invalidPart: "0042-00000207"
        case .fileAlreadyExists: "0042-00000214"
        case .malformedXML: "0016-00000608"
        case .positionNotEqualToLength: "0026-00000016"
        case .objectNotAppendable: "0026-00000015"
        case .symlinkTargetNotExist: "0026-00000012"
        case .invalidTargetType: "0026-00000011"
        case .invalidEncryptionAlgorithm: "0005-00000003"
        case .fileImmutable: "0026-00000005"
        default: "0000-00000000"
        }
    }
}

/// The one error type handlers and stores throw for anything a client can see; `ErrorResponder` renders it.
struct OSSError: Error, Sendable {
    let code: OSSErrorCode
    let message: String
    /// Extra elements of the error body, in order (UploadId, BucketName, ArgumentName, …).
    var details: [(String, String)]
    /// Extra response headers (e.g. `x-oss-next-append-position`).
    var headers: [(String, String)]
    /// Overrides the EC of the code, where OSS uses a different one per operation.
    var ec: String?
    /// A wire code and status outside `OSSErrorCode`: the reply a fault rule asks for. `code` then only gives the
    /// EC when the rule names none.
    var injected: (code: String, status: Int)?

    var wireCode: String { injected?.code ?? code.rawValue }
    var status: Int { injected?.status ?? code.status }

    init(
        _ code: OSSErrorCode, _ message: String, details: [(String, String)] = [], headers: [(String, String)] = [],
        ec: String? = nil
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
        self.ec = ec
    }
}

extension OSSError {
    static func noSuchBucket(_ bucket: String) -> OSSError {
        OSSError(.noSuchBucket, "The specified bucket does not exist.", details: [("BucketName", bucket)])
    }

    static func noSuchKey(_ key: String) -> OSSError {
        OSSError(.noSuchKey, "The specified key does not exist.", details: [("Key", key)])
    }

    /// A well-formed `versionId` that names no version of the key (S3's message; OSS's is not documented).
    static func noSuchVersion(_ key: String, version: String) -> OSSError {
        OSSError(
            .noSuchVersion, "The specified version does not exist.", details: [("Key", key), ("VersionId", version)])
    }

    static func noSuchUpload(_ uploadID: String, ec: String? = nil) -> OSSError {
        OSSError(
            .noSuchUpload,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            details: [("UploadId", uploadID)], ec: ec)
    }

    static func invalidArgument(_ message: String, name: String, value: String) -> OSSError {
        OSSError(.invalidArgument, message, details: [("ArgumentName", name), ("ArgumentValue", value)])
    }

    static let malformedXML = OSSError(
        .malformedXML, "The XML you provided was not well-formed or did not validate against our published schema.")

    static let invalidDigest = OSSError(.invalidDigest, "The Content-MD5 you specified was invalid.")

    static let payloadHashMismatch = OSSError(
        .signatureDoesNotMatch, "The x-oss-content-sha256 you signed does not match the SHA-256 of the request body.")
}
