#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a handler answers. Common headers (Date, Server, request id, Content-Length) are added by `ResponseWriter`.
struct HTTPResponse {
    var status: Int
    var headers = HTTPHeaders()
    var body: ResponseBody = .empty
    /// Set when a fault rule changes how the reply goes out (see `FaultedReply`), or to pace a GET sent with
    /// `x-oss-traffic-limit` (`TrafficLimit`); nil for every other reply.
    var fault: ReplyFault?

    init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func xml(_ document: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/xml")
        return HTTPResponse(status: status, headers: headers, body: .bytes(Array(document.utf8)))
    }
}

enum ResponseBody {
    case empty
    case bytes([UInt8])
    /// An object's bytes, possibly cut to a Range, streamed from its blob files.
    case object(ObjectReader)

    var length: Int64 {
        switch self {
        case .empty: 0
        case .bytes(let bytes): Int64(bytes.count)
        case .object(let reader): reader.length
        }
    }
}
