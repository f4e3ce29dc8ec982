/// What an `?inventory` request asks of a bucket's inventory configurations.
enum InventoryRequest: Sendable {
    case put(id: String)
    case get(id: String)
    case delete(id: String)
    case list

    var name: String {
        switch self {
        case .put: "PutBucketInventory"
        case .get: "GetBucketInventory"
        case .delete: "DeleteBucketInventory"
        case .list: "ListBucketInventory"
        }
    }

    /// The `inventoryId` that PUT and DELETE must name (GET without one is the listing).
    static func id(_ query: QueryParameters) throws(OSSError) -> String {
        guard let id = query["inventoryId"] else {
            throw OSSError.invalidArgument("inventoryId must be specified.", name: "inventoryId", value: "")
        }
        return id
    }
}

/// An access point request at bucket level (or, for the account's listing, at service level).
enum AccessPointRequest: Sendable {
    case create
    case get(String)
    case delete(String)
    /// Bucket level: that bucket's; service level: the account's.
    case list
    /// A configuration the access point carries: its policy (`?accessPointPolicy`, name in a header) or its Block
    /// Public Access (`?publicAccessBlock&x-oss-access-point-name=`).
    case getConfiguration(String, BucketConfigurationKind)
    case putConfiguration(String, BucketConfigurationKind)
    case deleteConfiguration(String, BucketConfigurationKind)

    var name: String {
        switch self {
        case .create: "CreateAccessPoint"
        case .get: "GetAccessPoint"
        case .delete: "DeleteAccessPoint"
        case .list: "ListAccessPoints"
        case .getConfiguration(_, let kind): "Get" + kind.accessPointStem
        case .putConfiguration(_, let kind): "Put" + kind.accessPointStem
        case .deleteConfiguration(_, let kind): "Delete" + kind.accessPointStem
        }
    }

    static let nameHeader = "x-oss-access-point-name"

    /// The access point a request names in `x-oss-access-point-name`.
    static func named(_ request: RouteRequest) throws(OSSError) -> String {
        guard let name = request.head.headers[nameHeader], !name.isEmpty else {
            throw OSSError.invalidArgument("x-oss-access-point-name must be specified.", name: nameHeader, value: "")
        }
        return name
    }
}

extension BucketConfigurationKind {
    /// `BucketPublicAccessBlock` → `AccessPointPublicAccessBlock`; the policy kind is the access point's already.
    var accessPointStem: String {
        operationStem.hasPrefix("Bucket") ? "AccessPoint" + operationStem.dropFirst("Bucket".count) : operationStem
    }
}

/// A live channel request: the channel's name sits where an object key would (`/<channel>?live`).
enum LiveChannelRequest: Sendable {
    case create
    case setStatus(String)
    case info
    case stat
    case history
    case delete
    /// `POST /<channel>/<playlist>.m3u8?vod` and `GET /<channel>?vod`, both over a time window.
    case postVodPlaylist
    case getVodPlaylist

    var name: String {
        switch self {
        case .create: "PutLiveChannel"
        case .setStatus: "PutLiveChannelStatus"
        case .info: "GetLiveChannelInfo"
        case .stat: "GetLiveChannelStat"
        case .history: "GetLiveChannelHistory"
        case .delete: "DeleteLiveChannel"
        case .postVodPlaylist: "PostVodPlaylist"
        case .getVodPlaylist: "GetVodPlaylist"
        }
    }

    /// `?live&comp=stat|history` qualify GetLiveChannelInfo; any other `comp` is refused.
    static func get(_ query: QueryParameters) throws(OSSError) -> LiveChannelRequest {
        switch query["comp"] {
        case nil: return .info
        case "stat": return .stat
        case "history": return .history
        case let other?: throw OSSError.invalidArgument("comp has an invalid value.", name: "comp", value: other)
        }
    }
}
