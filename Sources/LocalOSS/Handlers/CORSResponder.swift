/// CORS as a bucket's rules decide it: preflights (`OPTIONS`) answered or refused, and the headers an actual
/// request with `Origin` gets when a rule allows its origin and method. A bucket without rules costs one lookup in
/// the request's documents.
struct CORSResponder {
    /// The documents of the request's bucket.
    let configurations: BucketConfigurations?

    /// The bucket's rules, or nil when it has none.
    func configuration() throws -> CORSConfiguration? {
        guard let document = configurations?.cors else { return nil }
        return try CORSConfiguration(document: Array(document.utf8))
    }

    /// `OPTIONS`: 200 with the matched rule's headers, else 403 AccessForbidden (no rules, or none matches).
    /// Not authenticated; the object need not exist.
    func preflight(_ context: RequestContext) throws -> HTTPResponse {
        guard let origin = context.headers["Origin"] else {
            throw OSSError(.badRequest, "Insufficient information. Origin request header needed")
        }
        guard let method = context.headers["Access-Control-Request-Method"] else {
            throw OSSError(
                .badRequest, "Insufficient information. Request Access-Control-Request-Method header needed")
        }
        let requested = Self.list(context.headers["Access-Control-Request-Headers"])
        let configuration = try configuration()
        guard let rule = configuration?.rule(origin: origin, method: method, requestHeaders: requested) else {
            // The spelling is OSS's own.
            throw OSSError(
                .accessForbidden,
                "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource's CORS spec."
            )
        }
        var response = HTTPResponse(status: 200)
        response.headers.set("Access-Control-Allow-Origin", origin)
        response.headers.set("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", "))
        if !requested.isEmpty {
            response.headers.set("Access-Control-Allow-Headers", requested.joined(separator: ", "))
        }
        if !rule.exposeHeaders.isEmpty {
            response.headers.set("Access-Control-Expose-Headers", rule.exposeHeaders.joined(separator: ", "))
        }
        if let maxAge = rule.maxAgeSeconds { response.headers.set("Access-Control-Max-Age", String(maxAge)) }
        if configuration?.responseVary == true { response.headers.set("Vary", "Origin") }
        return response
    }

    /// An actual request to a bucket with rules: `Vary: Origin` when the rules ask for it (on every reply of the
    /// bucket), and the allowing rule's headers when the request's `Origin` and method match one. A request no
    /// rule allows is answered as it is, without CORS headers.
    func decorate(_ response: inout HTTPResponse, method: String, origin: String?) {
        guard let configuration = try? configuration() else { return }
        if configuration.responseVary { response.headers.set("Vary", "Origin") }
        guard let origin, let rule = configuration.rule(origin: origin, method: method) else { return }
        response.headers.set("Access-Control-Allow-Origin", origin)
        response.headers.set("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", "))
        if !rule.exposeHeaders.isEmpty {
            response.headers.set("Access-Control-Expose-Headers", rule.exposeHeaders.joined(separator: ", "))
        }
        if let maxAge = rule.maxAgeSeconds { response.headers.set("Access-Control-Max-Age", String(maxAge)) }
    }

    /// `a, b,c` → `[a, b, c]`.
    static func list(_ header: String?) -> [String] {
        (header ?? "").split(separator: ",").map { String($0.trimmingSpaces()) }.filter { !$0.isEmpty }
    }
}
