import Foundation

/// The test double's control plane: JSON endpoints under `/_localoss/` with which a test steers and inspects the
/// server (health, metrics, faults, the request journal, state, the clock). It is answered before OSS routing, is
/// never journaled, and is never reached by a virtual-hosted request (`bucket.localhost/_localoss/x` is an object).
///
/// Access: open when the server listens on loopback and no `--admin-token` is set; otherwise every request must
/// carry `Authorization: Bearer <token>`, and without a token configured a non-loopback server refuses them all.
final class ControlPlane: Sendable {
    static let pathPrefix = "/_localoss"
    static let reservedBucket = "_localoss"

    private let routes: [ControlRoute]
    private let access: ControlAccess
    private let router: Router

    init(routes: [ControlRoute], access: ControlAccess, router: Router) {
        self.routes = routes
        self.access = access
        self.router = router
    }

    /// Whether the request is for the control plane: path-style `/_localoss/...`.
    func claims(_ head: HTTPRequestHead) -> Bool {
        router.addressing(of: head).bucket == Self.reservedBucket
    }

    func respond(to head: HTTPRequestHead, body: RequestBody) -> HTTPResponse {
        do {
            let path = head.rawPath.dropFirst(Self.pathPrefix.count)
            let segments = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
            let query = QueryParameters(raw: head.rawQuery)
            // A browser cannot add a header to a page load or a download link: the console takes the token from its
            // query once, then from the cookie the page sets (`ConsoleAssets`).
            let consoleToken =
                segments.first == ConsoleEndpoints.pathSegment
                ? query["token"] ?? ConsoleAssets.cookieToken(head.headers["Cookie"]) : nil
            try access.check(head.headers["Authorization"] ?? consoleToken.map { "Bearer \($0)" })
            var pathMatched = false
            for route in routes {
                guard let parameters = route.pattern.match(segments) else { continue }
                pathMatched = true
                guard route.method == head.method else { continue }
                let request = ControlRequest(
                    method: head.method, parameters: parameters, query: query, headers: head.headers,
                    body: route.streamsBody ? [] : try body.readAll(limit: ControlRequest.maxBodyBytes),
                    stream: route.streamsBody ? body : nil)
                return try route.handler(request).response
            }
            if pathMatched {
                throw ControlError(405, "method not allowed", "\(head.method) is not served at \(head.rawPath)")
            }
            throw ControlError(404, "no such endpoint", "\(head.rawPath) is not a control-plane endpoint")
        } catch let error as ControlError {
            return error.reply.response
        } catch {
            return ControlError(400, "bad request", "\(error)").reply.response
        }
    }
}

/// Who may use the control plane.
struct ControlAccess: Sendable {
    /// Required as `Authorization: Bearer <token>` when set.
    var token: String?
    /// The server listens on a loopback address only.
    var loopbackOnly: Bool

    init(token: String?, listenHost: String) {
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        loopbackOnly = ["127.0.0.1", "::1", "localhost"].contains(listenHost) || listenHost.hasPrefix("127.")
    }

    func check(_ authorization: String?) throws(ControlError) {
        guard let token else {
            guard loopbackOnly else {
                throw ControlError(
                    403, "control plane closed",
                    "the server listens beyond loopback: start it with --admin-token and send Authorization: Bearer <token>"
                )
            }
            return
        }
        guard let authorization, ConstantTime.equal(authorization, "Bearer \(token)") else {
            throw ControlError(401, "admin token required", "send Authorization: Bearer <the --admin-token value>")
        }
    }
}

/// One endpoint: a method and a path pattern below `/_localoss/`.
struct ControlRoute: Sendable {
    var method: String
    var pattern: ControlPathPattern
    var handler: @Sendable (ControlRequest) throws -> ControlReply
    /// The handler reads the body itself from `ControlRequest.stream` (uploads), instead of getting it whole.
    var streamsBody: Bool

    init(
        _ method: String, _ pattern: String, streamsBody: Bool = false,
        _ handler: @escaping @Sendable (ControlRequest) throws -> ControlReply
    ) {
        self.method = method
        self.pattern = ControlPathPattern(pattern)
        self.streamsBody = streamsBody
        self.handler = handler
    }
}

/// Path segments below `/_localoss/`, `{name}` standing for one segment: `faults/{id}`.
struct ControlPathPattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    var segments: [Segment]

    init(_ text: String) {
        segments = text.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    /// The named parameters when `path` fits the pattern.
    func match(_ path: [String]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let literal): guard literal == part else { return nil }
            case .parameter(let name): parameters[name] = part
            }
        }
        return parameters
    }
}

struct ControlRequest {
    static let maxBodyBytes = 1 << 20

    var method: String
    var parameters: [String: String]
    var query: QueryParameters
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The unread body, for a route that streams it (`ControlRoute.streamsBody`); nil otherwise.
    var stream: RequestBody? = nil

    /// The JSON body decoded as `T`; an empty body decodes as `{}`.
    func decode<T: Decodable>(_ type: T.Type) throws(ControlError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch {
            throw ControlError(400, "invalid JSON", ControlError.describe(error))
        }
    }
}

struct ControlReply {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    /// A reply built whole elsewhere (a streamed download, a static asset with its own headers).
    var prepared: HTTPResponse?

    init(status: Int = 200, json value: some Encodable) {
        self.status = status
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        body = (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    init(status: Int, text: String, contentType: String) {
        self.status = status
        body = Array(text.utf8)
        self.contentType = contentType
    }

    init(_ response: HTTPResponse) {
        status = response.status
        body = []
        prepared = response
    }

    /// 204, no body.
    static var noContent: ControlReply { ControlReply(status: 204, text: "", contentType: "application/json") }

    var response: HTTPResponse {
        if let prepared { return prepared }
        var headers = HTTPHeaders()
        if !body.isEmpty { headers.set("Content-Type", contentType) }
        return HTTPResponse(status: status, headers: headers, body: body.isEmpty ? .empty : .bytes(body))
    }
}

/// A refused control-plane request: `{"error": ..., "detail": ...}` with a 4xx status.
struct ControlError: Error {
    var status: Int
    var error: String
    var detail: String

    init(_ status: Int, _ error: String, _ detail: String) {
        self.status = status
        self.error = error
        self.detail = detail
    }

    var reply: ControlReply { ControlReply(status: status, json: ["error": error, "detail": detail]) }

    /// A decoding error in words a test author can act on.
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}

/// For the banner: whether the control plane is open without a token on this listening address.
public enum ControlPlaneAccessDescription {
    public static func isLoopback(_ host: String) -> Bool { ControlAccess(token: nil, listenHost: host).loopbackOnly }
}
