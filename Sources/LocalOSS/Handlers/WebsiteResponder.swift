/// A website's part of one GET or HEAD (protocol notes §4.4), around the bucket's `WebsiteRouting`: what answers
/// before the object is read, and what answers instead of a refusal or a failure. Index and error documents are
/// served as reads of their own, and only when the caller may read them.
struct WebsiteResponder {
    let routing: WebsiteRouting
    let head: HTTPRequestHead
    /// Serves index and error documents and rewritten keys.
    let service: Service

    /// What the website made of a request before it was read.
    enum BeforeRead {
        /// A routing rule's redirect: the reply, with nothing else checked.
        case answered(HTTPResponse)
        /// The operation to authorize and run: the request's own, another key's read, or an index document's.
        case run(Operation)
    }

    /// Only GETs and HEADs of an existing bucket with website rules are website requests (a bucket being made has
    /// no rules yet); nil for every other request.
    /// `configurations`: the bucket's documents, as the request read them.
    init?(configurations: BucketConfigurations?, head: HTTPRequestHead, service: Service) {
        guard let configurations, head.method == "GET" || head.method == "HEAD",
            let rules = WebsiteRouting.rules(in: configurations)
        else { return nil }
        routing = WebsiteRouting(objects: service.objects, rules: rules, scheme: service.scheme)
        self.head = head
        self.service = service
    }

    /// Routing rules without an error status apply before the object is read: a redirect, or another key (with the
    /// query string or without it). Then an anonymous GET of the root, or a GET of a directory, becomes a GET of its
    /// index document.
    func routeBeforeRead(_ operation: Operation, _ context: inout RequestContext, anonymous: Bool) throws -> BeforeRead
    {
        var operation = operation
        if let address = operation.readObject {
            switch try routing.route(address, head: head) {
            case .reply(let redirect)?:
                return .answered(redirect)
            case .serve(let target, let passQueryString)?:
                operation = read(target)
                if !passQueryString { context = context.withoutQuery() }
            case nil:
                break
            }
        }
        return .run(try routing.rewrite(operation, anonymous: anonymous, method: head.method, query: context.query))
    }

    /// What answers an anonymous read the bucket refused: a missing key gets the redirect, index or error document
    /// even when the bucket is private, any other refusal the routing rule for its status. Nil: the refusal stands.
    func answerRefusal(
        _ denied: OSSError, of operation: Operation, access: RequestAccess, context: RequestContext
    ) throws -> HTTPResponse? {
        guard access.caller == .anonymous, let address = operation.readObject else { return nil }
        let missing = try !routing.exists(address)
        return try answer(
            address, missing: missing, status: missing ? 404 : denied.status, access: access, context: context)
    }

    /// What answers a read that failed: a missing key gets the redirect, index or error document, any other
    /// failure the routing rule for its status. Nil: the failure stands.
    func answerFailure(
        _ error: OSSError, of operation: Operation, access: RequestAccess, context: RequestContext
    ) throws -> HTTPResponse? {
        guard let address = operation.readObject else { return nil }
        return try answer(
            address, missing: error.code == .noSuchKey, status: error.status, access: access, context: context)
    }

    /// The index and error documents answer GETs of a missing key; routing rules for a status answer HEADs too.
    private func answer(
        _ address: ObjectAddress, missing: Bool, status: Int, access: RequestAccess, context: RequestContext
    ) throws -> HTTPResponse? {
        if missing && head.method == "GET" {
            return try routing.missing(
                address, head: head, readable: { access.canRead($0) },
                serve: { try serve($0, passQueryString: $1, context) })
        }
        return try routing.failed(
            address, status: status, head: head, readable: { access.canRead($0) },
            serve: { try serve($0, passQueryString: $1, context) })
    }

    private func serve(_ address: ObjectAddress, passQueryString: Bool, _ context: RequestContext) throws
        -> HTTPResponse
    {
        try service.dispatch(read(address), passQueryString ? context : context.withoutQuery())
    }

    /// Another object is read with the request's own method.
    private func read(_ address: ObjectAddress) -> Operation {
        head.method == "HEAD" ? .headObject(address) : .getObject(address)
    }
}
