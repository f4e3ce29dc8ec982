/// Which part of the namespace a request addresses: the service (no bucket), a bucket (empty key) or an object.
enum ResourceLevel: String, Sendable, CaseIterable {
    case service, bucket, object

    /// How OSS names the level in a `MethodNotAllowed` error.
    var resourceType: String { rawValue.uppercased() }
}

/// The query parameters OSS uses to name an operation, per level and method, whether LocalOSS implements them or
/// not. A request that carries one of them is never served by the plain operation of its method (PutObject,
/// DeleteObject, ListObjects, …): either a route claims it or the gate refuses it. The lists follow OSS's API
/// reference and the operation tables of the official SDKs (pyv2 `operations/*.py`, go2 `api_op_*.go`, oss2
/// `api.py`); qualifiers such as `comp`, `inventoryId` or `styleName` only refine a name listed here.
enum SubresourceCatalog {
    static let defined: [ResourceLevel: [String: Set<String>]] = [
        .service: [
            "GET": [
                "regionList", "regions", "qosInfo", "publicAccessBlock", "redundancyTransition", "cloudboxes",
                "accessPoint", "accessPointForObjectProcess", "resourcePool", "resourcePoolInfo",
                "resourcePoolBuckets", "requesterQosInfo",
            ],
            "PUT": ["publicAccessBlock", "requesterQosInfo"],
            "DELETE": ["publicAccessBlock", "requesterQosInfo"],
            "POST": ["x-oss-write-get-object-response", "dataPipeline"],
        ],
        .bucket: [
            "GET": [
                "uploads", "acl", "location", "bucketInfo", "stat", "versions", "versioning", "lifecycle", "cors",
                "website", "referer", "logging", "userDefinedLogFieldsConfig", "policy", "policyStatus", "encryption",
                "tagging", "requestPayment", "qosInfo", "qos", "quota", "inventory", "worm", "objectWorm",
                "replication", "replicationLocation", "replicationProgress", "transferAcceleration", "cname",
                "metaQuery", "accessmonitor", "resourceGroup", "style", "bucketArchiveDirectRead", "httpsConfig",
                "redundancyTransition", "overwriteConfig", "metadataConfiguration", "accessPoint",
                "accessPointPolicy", "publicAccessBlock", "accessPointForObjectProcess",
                "accessPointPolicyForObjectProcess", "accessPointConfigForObjectProcess", "live", "responseHeader",
                "asyncFetch", "requesterQosInfo", "processConfiguration",
            ],
            "PUT": [
                "acl", "lifecycle", "cors", "website", "referer", "logging", "userDefinedLogFieldsConfig", "policy",
                "encryption", "tagging", "versioning", "requestPayment", "qosInfo", "qos", "quota", "inventory",
                "objectWorm", "rtc", "transferAcceleration", "accessmonitor", "resourceGroup", "style",
                "bucketArchiveDirectRead", "httpsConfig", "overwriteConfig", "metadataInventoryTable",
                "metadataJournalTable", "accessPoint", "accessPointPolicy", "publicAccessBlock",
                "accessPointForObjectProcess", "accessPointPolicyForObjectProcess",
                "accessPointConfigForObjectProcess", "responseHeader", "requesterQosInfo", "processConfiguration",
            ],
            "DELETE": [
                "lifecycle", "cors", "website", "logging", "userDefinedLogFieldsConfig", "policy", "encryption",
                "tagging", "qosInfo", "quota", "inventory", "worm", "transferAcceleration", "style",
                "redundancyTransition", "overwriteConfig", "metadataConfiguration", "accessPoint",
                "accessPointPolicy", "publicAccessBlock", "accessPointForObjectProcess",
                "accessPointPolicyForObjectProcess", "responseHeader", "requesterQosInfo",
            ],
            "POST": [
                "delete", "worm", "wormId", "wormExtend", "replication", "cname", "metaQuery", "redundancyTransition",
                "metadataConfiguration", "asyncFetch",
            ],
        ],
        .object: [
            "GET": [
                "acl", "uploadId", "tagging", "symlink", "legalHold", "retention", "live", "vod", "x-oss-process",
            ],
            "HEAD": ["objectMeta"],
            "PUT": ["acl", "uploadId", "partNumber", "tagging", "symlink", "legalHold", "retention", "live"],
            "POST": [
                "uploads", "uploadId", "append", "position", "restore", "cleanRestoredObject", "seal",
                "x-oss-process", "x-oss-async-process", "vod",
            ],
            "DELETE": ["uploadId", "tagging", "live"],
        ],
    ]

    /// Every name above, at any level: a request carrying one is routed by the table or refused.
    static let all: Set<String> = defined.values.reduce(into: Set<String>()) { names, methods in
        for list in methods.values { names.formUnion(list) }
    }

    static func isDefined(_ name: String, method: String, level: ResourceLevel) -> Bool {
        defined[level]?[method]?.contains(name) ?? false
    }
}
