/// Access points of a bucket (`?accessPoint`, `?accessPointPolicy`, `?publicAccessBlock&x-oss-access-point-name=`).
/// Their names are the account's: one name is one access point, whatever its bucket. What an access point carries
/// (its policy, its Block Public Access) is kept under the same name and deleted with it.
struct AccessPointHandler {
    static let family = "accessPoint"

    let objects: ObjectStore
    let region: Region
    var account: String { BucketHandler.owner.id }

    private var store: NamedConfigurationStore { objects.namedConfigurations }

    func handle(_ request: AccessPointRequest, _ bucket: BucketName?, _ context: RequestContext) throws
        -> HTTPResponse
    {
        if case .list = request { return try list(bucket, context) }
        // The router builds nothing but the listing at service level.
        guard let bucket else { throw OSSError(.internalError, "An access point request without a bucket.") }
        switch request {
        case .list: return try list(bucket, context)
        case .create: return try create(bucket, context)
        case .get(let name):
            let point = try require(name, bucket)
            let block = try store.configuration(
                Self.carried(SwitchConfigurations.publicAccessBlock), name, bucket: bucket.value
            ).flatMap { try? XMLDocument.parse(Array($0.document.utf8)).child("BlockPublicAccess")?.boolValue }
            return .xml(point.document(account: account, publicAccessBlock: block ?? false))
        case .delete(let name):
            _ = try require(name, bucket)
            try store.deleteAll(
                [Self.family] + Self.carriedKinds.map(Self.carried), name, bucket: bucket.value)
            return HTTPResponse(status: 204)
        case .getConfiguration(let name, let kind):
            _ = try require(name, bucket)
            let document: String
            if let stored = try store.configuration(Self.carried(kind), name, bucket: bucket.value) {
                document = stored.document
            } else {
                switch kind.absent {
                case .error(let error): throw error
                case .document(let fallback): document = fallback
                }
            }
            var headers = HTTPHeaders()
            headers.set("Content-Type", kind.contentType)
            return HTTPResponse(status: 200, headers: headers, body: .bytes(Array(document.utf8)))
        case .putConfiguration(let name, let kind):
            let body = try context.smallBody(limit: BucketConfigurationKind.maxDocumentBytes)
            _ = try require(name, bucket)
            try store.set(Self.carried(kind), name, document: try kind.accept(body), bucket: bucket.value)
            return HTTPResponse(status: 200)
        case .deleteConfiguration(let name, let kind):
            _ = try require(name, bucket)
            try store.delete(Self.carried(kind), name, bucket: bucket.value)
            return HTTPResponse(status: 204)
        }
    }

    /// The configurations an access point may carry.
    static let carriedKinds = [AccessPointPolicy.kind, SwitchConfigurations.publicAccessBlock]

    /// The family an access point's own copy of a configuration is stored under.
    static func carried(_ kind: BucketConfigurationKind) -> String { "accessPoint." + kind.subresource }

    private func create(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let body = try context.smallBody(limit: 64 * 1024)
        _ = try objects.bucket(bucket)
        let point = try AccessPointConfiguration.accept(
            body, bucket: bucket.value, account: account, region: region, created: objects.clock.now())
        try store.set(
            Self.family, point.name, document: point.document(account: account), bucket: bucket.value,
            limit: AccessPointConfiguration.maxPerBucket,
            overLimit: OSSError.invalidArgument(
                "A bucket has at most \(AccessPointConfiguration.maxPerBucket) access points.",
                name: "AccessPointName", value: point.name),
            taken: OSSError(.accessPointAlreadyExists, "The access point name already exists."))
        return .xml(AccessPointConfiguration.createdDocument(point))
    }

    private func require(_ name: String, _ bucket: BucketName) throws -> AccessPointConfiguration {
        guard let stored = try store.configuration(Self.family, name, bucket: bucket.value),
            let point = AccessPointConfiguration(document: stored.document)
        else { throw AccessPointConfiguration.notFound() }
        return point
    }

    /// A bucket's access points, or (service level) the account's, in name order; `continuation-token` is the last
    /// name of the previous page.
    private func list(_ bucket: BucketName?, _ context: RequestContext) throws -> HTTPResponse {
        let maxKeys = try context.limit("max-keys", defaultValue: 100, maximum: 1000)
        var page = try store.list(
            Self.family, bucket: bucket?.value, after: context.query.nonEmpty("continuation-token"),
            limit: maxKeys + 1)
        let truncated = page.count > maxKeys
        if truncated { page.removeLast() }
        let points = page.compactMap { AccessPointConfiguration(document: $0.document) }
        return .xml(
            AccessPointConfiguration.listDocument(
                points, account: account, maxKeys: maxKeys, next: truncated ? points.last?.name : nil))
    }
}
