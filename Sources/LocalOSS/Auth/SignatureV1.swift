/// OSS signature version 1: `Authorization: OSS <id>:<base64 HMAC-SHA1>` and presigned URLs with
/// `OSSAccessKeyId`, `Expires`, `Signature`.
enum SignatureV1 {
    /// Query parameters that are part of the canonicalized resource (the union of the SDKs' lists).
    static let signedSubresources: Set<String> = [
        "acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle", "delete", "append",
        "tagging", "objectMeta", "uploadId", "partNumber", "security-token", "position", "img", "style", "styleName",
        "replication", "replicationProgress", "replicationLocation", "cname", "bucketInfo", "comp", "qos", "live",
        "status", "vod", "startTime", "endTime", "symlink", "x-oss-process", "response-content-type",
        "x-oss-traffic-limit", "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding", "udf", "udfName", "udfImage", "udfId",
        "udfImageDesc", "udfApplication", "udfApplicationLog", "restore", "callback", "callback-var", "qosInfo",
        "policy", "stat", "encryption", "versions", "versioning", "versionId", "requestPayment",
        "x-oss-request-payer", "sequential", "inventory", "inventoryId", "continuation-token", "asyncFetch", "worm",
        "wormId", "wormExtend", "withHashContext", "x-oss-enable-md5", "x-oss-enable-sha1", "x-oss-enable-sha256",
        "x-oss-hash-ctx", "x-oss-md5-ctx", "transferAcceleration", "regionList", "cloudboxes", "x-oss-ac-source-ip",
        "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow", "metaQuery", "resourceGroup", "rtc",
        "x-oss-async-process", "responseHeader", "group", "link", "objectInfo", "x-oss-write-get-object-response",
        "bucketArchiveDirectRead", "httpsConfig", "redundancyTransition", "x-oss-target-redundancy-type",
        "x-oss-redundancy-transition-taskid", "accessPoint", "accessPointPolicy", "publicAccessBlock",
        "x-oss-access-point-name", "requesterQosInfo", "qosRequester", "resourcePoolInfo", "resourcePool",
        "resourcePoolBuckets", "userDefinedLogFieldsConfig",
    ]

    /// `VERB\nContent-MD5\nContent-Type\nDate\n` + canonical `x-oss-*` headers + canonical resource.
    /// `alsoSigned`: parameters to sign beyond the union list (see `unlistedOperationNames`).
    static func stringToSign(_ request: SignedRequest, date: String, alsoSigned: Set<String> = []) -> String {
        var text = request.method + "\n"
        text += (request.headers["Content-MD5"] ?? "") + "\n"
        text += (request.headers["Content-Type"] ?? "") + "\n"
        text += date + "\n"
        for header in request.ossHeaders { text += "\(header.name):\(header.value)\n" }
        text += canonicalResource(request, alsoSigned: alsoSigned)
        return text
    }

    /// The request's operation-naming parameters that the union list leaves out. pyv2 and go2 sign each
    /// operation's own names (`policyStatus`, `overwriteConfig`, `accessmonitor` as go2 sends it, …) where oss2 and
    /// Go v1 sign none of them, so a signature is accepted computed either way (protocol notes §1.1).
    static func unlistedOperationNames(_ request: SignedRequest) -> Set<String> {
        Set(request.query.pairs.map(\.name).filter { !signedSubresources.contains($0) && operationNames.contains($0) })
    }

    /// Every name that makes a request another operation (`SubresourceCatalog`), whichever SDK signs it.
    private static let operationNames = SubresourceCatalog.all

    static func canonicalResource(_ request: SignedRequest, alsoSigned: Set<String> = []) -> String {
        var resource = "/"
        if let bucket = request.bucket {
            resource += bucket + "/"
            if let key = request.key { resource += key }
        }
        let signed = request.query.pairs.filter { signedSubresources.contains($0.name) || alsoSigned.contains($0.name) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        if !signed.isEmpty {
            resource +=
                "?" + signed.map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
        return resource
    }

    static func signature(_ stringToSign: String, secret: String) -> String {
        Encoding.base64(HMAC.sha1(key: Array(secret.utf8), message: Array(stringToSign.utf8)))
    }
}
