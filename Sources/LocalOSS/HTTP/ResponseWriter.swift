/// Serialises a response onto the socket: status line, headers every OSS reply carries, then the body.
struct ResponseWriter {
    let stream: SocketStream
    let serverName: String

    func write(_ response: HTTPResponse, requestID: String, omitBody: Bool, keepAlive: Bool) throws {
        var bytes = Self.head(of: response, requestID: requestID, serverName: serverName, keepAlive: keepAlive)
        if omitBody {
            try stream.write(bytes)
            return
        }
        switch response.body {
        case .empty:
            try stream.write(bytes)
        case .bytes(let body):
            bytes.append(contentsOf: body)
            try stream.write(bytes)
        case .object(let reader):
            try stream.write(bytes)
            try reader.forEachRange { fd, offset, length in try stream.sendFile(fd, offset: offset, length: length) }
        }
    }

    /// The bytes of a reply held in memory (an error), ending the connection; for sockets served without a stream.
    static func serialize(_ response: HTTPResponse, requestID: String, serverName: String) -> [UInt8] {
        var bytes = head(of: response, requestID: requestID, serverName: serverName, keepAlive: false)
        if case .bytes(let body) = response.body { bytes.append(contentsOf: body) }
        return bytes
    }

    private static func head(of response: HTTPResponse, requestID: String, serverName: String, keepAlive: Bool)
        -> [UInt8]
    {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        head += "Server: \(serverName)\r\n"
        head += "Date: \(HTTPDate.rfc1123(HTTPDate.now()))\r\n"
        head += "x-oss-request-id: \(requestID)\r\n"
        head += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n"
        let hasLength = response.headers.contains("Content-Length")
        if !hasLength, response.status != 304, response.status != 204 || response.body.length > 0 {
            head += "Content-Length: \(response.body.length)\r\n"
        } else if !hasLength, response.status == 204 {
            head += "Content-Length: 0\r\n"
        }
        for field in response.headers { head += "\(field.name): \(field.value)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 204: "No Content"
        case 206: "Partial Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Payload Too Large"
        case 416: "Range Not Satisfiable"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 507: "Insufficient Storage"
        default: "Status"
        }
    }
}
