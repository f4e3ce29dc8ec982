/// `?inventory`: a bucket's inventory configurations, each stored under its id as the document
/// `InventoryConfiguration.accept` wrote.
struct InventoryHandler {
    static let family = "inventory"

    let objects: ObjectStore

    func handle(_ request: InventoryRequest, _ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let store = objects.namedConfigurations
        switch request {
        case .put(let id):
            let body = try context.smallBody(limit: BucketConfigurationKind.maxDocumentBytes)
            _ = try objects.bucket(bucket)
            let document = try InventoryConfiguration.accept(body, id: id)
            try store.set(
                Self.family, id, document: document, bucket: bucket.value, limit: InventoryConfiguration.maxPerBucket,
                overLimit: OSSError.invalidArgument(
                    "A bucket has at most \(InventoryConfiguration.maxPerBucket) inventory configurations.",
                    name: "inventoryId", value: id))
            return HTTPResponse(status: 200)
        case .get(let id):
            guard let stored = try store.configuration(Self.family, id, bucket: bucket.value) else {
                throw InventoryConfiguration.notFound
            }
            return .xml(stored.document)
        case .delete(let id):
            try store.delete(Self.family, id, bucket: bucket.value)
            return HTTPResponse(status: 204)
        case .list:
            let token = context.query.nonEmpty("continuation-token")
            var page = try store.list(
                Self.family, bucket: bucket.value, after: token, limit: InventoryConfiguration.pageSize + 1)
            // A bucket without any (a first page that is empty) is NoSuchInventory, as oss2's suite expects.
            if page.isEmpty && token == nil { throw InventoryConfiguration.notFound }
            let truncated = page.count > InventoryConfiguration.pageSize
            if truncated { page.removeLast() }
            return .xml(
                InventoryConfiguration.listDocument(
                    page.map(\.document), token: token, next: truncated ? page.last?.name : nil))
        }
    }
}
