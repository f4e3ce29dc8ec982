/// One row of the route table: (method, level, operation-naming parameters) → a builder of the typed `Operation`.
struct Route: Sendable {
    /// Builds the operation from the addressed resource (already validated) and the request; the case is the level.
    enum Builder: Sendable {
        case service(@Sendable (RouteRequest) throws(OSSError) -> Operation)
        case bucket(@Sendable (BucketName, RouteRequest) throws(OSSError) -> Operation)
        case object(@Sendable (ObjectAddress, RouteRequest) throws(OSSError) -> Operation)
    }

    let method: String
    /// Operation-naming parameters that must all be present.
    let subresources: Set<String>
    /// Operation-naming parameters that may accompany them (AppendObject's `position`, ListBuckets' `tagging`).
    let partners: Set<String>
    let builder: Builder

    var level: ResourceLevel {
        switch builder {
        case .service: .service
        case .bucket: .bucket
        case .object: .object
        }
    }

    /// Claims a request when it carries every required name and no operation-naming name beyond its partners.
    func claims(method: String, level: ResourceLevel, named: Set<String>) -> Bool {
        method == self.method && level == self.level && subresources.isSubset(of: named)
            && named.isSubset(of: subresources.union(partners))
    }

    static func service(
        _ method: String, _ subresources: Set<String> = [], partners: Set<String> = [],
        _ build: @escaping @Sendable (RouteRequest) throws(OSSError) -> Operation
    ) -> Route {
        Route(method: method, subresources: subresources, partners: partners, builder: .service(build))
    }

    static func bucket(
        _ method: String, _ subresources: Set<String> = [], partners: Set<String> = [],
        _ build: @escaping @Sendable (BucketName, RouteRequest) throws(OSSError) -> Operation
    ) -> Route {
        Route(method: method, subresources: subresources, partners: partners, builder: .bucket(build))
    }

    static func object(
        _ method: String, _ subresources: Set<String> = [], partners: Set<String> = [],
        _ build: @escaping @Sendable (ObjectAddress, RouteRequest) throws(OSSError) -> Operation
    ) -> Route {
        Route(method: method, subresources: subresources, partners: partners, builder: .object(build))
    }
}

/// What a builder reads besides the resource: the request's head and decoded query.
struct RouteRequest {
    let head: HTTPRequestHead
    let query: QueryParameters
}
