import Foundation

/// Serialises a response onto the socket: status line, headers every OSS reply carries, then the body.
struct ResponseWriter {
    let stream: SocketStream
    let serverName: String
    /// The `Date` header's source: the server's clock.
    var dates = DateCache.system

    func write(_ response: HTTPResponse, requestID: String, omitBody: Bool, keepAlive: Bool) throws {
        var bytes = Self.head(
            of: response, requestID: requestID, serverName: serverName, keepAlive: keepAlive, dates: dates)
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
            if let small = reader.bytesInMemory {
                bytes.append(contentsOf: small)
                try stream.write(bytes)
                return
            }
            try stream.write(bytes)
            try reader.forEachChunk { chunk in
                switch chunk {
                case .file(let fd, let offset, let length): try stream.sendFile(fd, offset: offset, length: length)
                case .memory(let memory): try stream.write(Array(memory))
                }
            }
        }
    }

    /// The bytes of a reply held in memory (an error), ending the connection; for sockets served without a stream.
    static func serialize(
        _ response: HTTPResponse, requestID: String, serverName: String, dates: DateCache = .system
    ) -> [UInt8] {
        var bytes = head(
            of: response, requestID: requestID, serverName: serverName, keepAlive: false, dates: dates)
        if case .bytes(let body) = response.body { bytes.append(contentsOf: body) }
        return bytes
    }

    static func head(
        of response: HTTPResponse, requestID: String, serverName: String, keepAlive: Bool, dates: DateCache
    ) -> [UInt8] {
        var head: [UInt8] = []
        var capacity = 160 + serverName.utf8.count + requestID.utf8.count
        for field in response.headers { capacity += field.name.utf8.count + field.value.utf8.count + 4 }
        if case .bytes(let body) = response.body { capacity += body.count }
        head.reserveCapacity(capacity)
        head.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(Int64(response.status), to: &head)
        head.append(UInt8(ascii: " "))
        head.append(contentsOf: Self.reason(response.status).utf8)
        head.append(contentsOf: "\r\nServer: ".utf8)
        head.append(contentsOf: serverName.utf8)
        head.append(contentsOf: "\r\nDate: ".utf8)
        dates.appendCurrent(to: &head)
        head.append(contentsOf: "\r\nx-oss-request-id: ".utf8)
        head.append(contentsOf: requestID.utf8)
        head.append(contentsOf: keepAlive ? "\r\nConnection: keep-alive\r\n".utf8 : "\r\nConnection: close\r\n".utf8)
        let hasLength = response.headers.contains("Content-Length")
        if !hasLength, response.status != 304, response.status != 204 || response.body.length > 0 {
            head.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.length, to: &head)
            head.append(contentsOf: "\r\n".utf8)
        } else if !hasLength, response.status == 204 {
            head.append(contentsOf: "Content-Length: 0\r\n".utf8)
        }
        for field in response.headers {
            head.append(contentsOf: field.name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: field.value.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        head.append(contentsOf: "\r\n".utf8)
        return head
    }

    /// `value` in decimal, as string interpolation writes it.
    private static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(value).utf8)
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

/// The Date header's value, formatted once per second of its clock and shared by all worker threads.
final class DateCache: @unchecked Sendable {
    static let system = DateCache(clock: .system)

    private let clock: ServerClock
    private let lock = NSLock()
    private var second: Int64 = .min
    private var formatted: [UInt8] = []

    init(clock: ServerClock) { self.clock = clock }

    func appendCurrent(to bytes: inout [UInt8]) {
        let now = clock.now()
        lock.lock()
        if now != second {
            formatted = Array(HTTPDate.rfc1123(now).utf8)
            second = now
        }
        bytes.append(contentsOf: formatted)
        lock.unlock()
    }
}
