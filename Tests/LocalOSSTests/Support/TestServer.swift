import Foundation
import Logging
import Testing

@testable import LocalOSS

/// A real `Server` on port 0 over a fresh temporary data directory, for tests that speak HTTP to it.
final class TestServer {
    let server: Server
    let dataDirectory: String
    var port: Int { server.port }

    /// `beforeStart` may swap a server's hooks (its thread starter, say) before it accepts connections.
    init(
        dataDirectory: String? = nil, authentication: Bool = false, logLevel: Logger.Level = .warning,
        beforeStart: (Server) -> Void = { _ in }
    ) throws {
        let directory = dataDirectory ?? NSTemporaryDirectory() + "localoss-test-" + UUID().uuidString
        self.dataDirectory = directory
        var configuration = Configuration()
        configuration.port = 0
        configuration.dataDirectory = directory
        configuration.authenticationEnabled = authentication
        var logger = Logger(label: "localoss-test")
        logger.logLevel = logLevel
        server = try Server(configuration: configuration, logger: logger)
        beforeStart(server)
        try server.start()
    }

    func client() throws -> TestHTTPClient { try TestHTTPClient(port: port) }

    func stop() { server.stop() }

    func removeData() { try? FileManager.default.removeItem(atPath: dataDirectory) }

    deinit { server.stop() }
}

/// A deliberately plain HTTP/1.1 client over a blocking socket, so tests see exactly what goes on the wire.
final class TestHTTPClient {
    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var text: String { String(decoding: body, as: UTF8.self) }
        var xml: XMLElement? { try? XMLDocument.parse(body) }
        var errorCode: String? { xml?.child("Code")?.text }
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else { throw POSIXFailure("connect") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw POSIXFailure("send") }
            offset += sent
        }
    }

    func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !headers.contains(where: {
            $0.0.lowercased() == "content-length" || $0.0.lowercased() == "transfer-encoding"
        }) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try send(Array(head.utf8) + body)
        return try readResponse(isHead: method == "HEAD")
    }

    func request(_ method: String, _ target: String, headers: [(String, String)] = [], text: String) throws -> Response
    {
        try request(method, target, headers: headers, body: Array(text.utf8))
    }

    func readResponse(isHead: Bool = false) throws -> Response {
        while true {
            if let end = headEnd() {
                let headText = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                let status = Int(statusLine[1]) ?? 0
                let headers = lines.map { line -> (String, String) in
                    let colon = line.firstIndex(of: ":")!
                    return (
                        String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    )
                }
                if status == 100 { continue }
                let length =
                    isHead ? 0 : Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
                while buffer.count < length { try fill() }
                let body = Array(buffer[..<length])
                buffer.removeFirst(length)
                return Response(status: status, headers: headers, body: body)
            }
            try fill()
        }
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var count = recv(fd, &chunk, chunk.count, 0)
        while count < 0, errno == EINTR { count = recv(fd, &chunk, chunk.count, 0) }
        guard count > 0 else { throw POSIXFailure("recv (connection closed)") }
        buffer += chunk[..<count]
    }
}

extension TestHTTPClient {
    /// Initiates an upload and returns its id.
    func initiate(_ bucket: String, _ key: String) throws -> String {
        let response = try request("POST", "/\(bucket)/\(key)?uploads")
        guard response.status == 200, let id = response.xml?.child("UploadId")?.text else {
            throw POSIXFailure("initiate failed: \(response.status) \(response.text)")
        }
        return id
    }
}

func md5Base64(_ bytes: [UInt8]) -> String { Encoding.base64(EVPDigest.hash(.md5, bytes)) }
func md5Hex(_ bytes: [UInt8]) -> String { Encoding.upperHex(EVPDigest.hash(.md5, bytes)) }

/// A listing element's text, URL-decoded when the request asked for `encoding-type=url` (after checking that it is
/// encoded exactly as OSS encodes: every byte but `A–Z a–z 0–9 - _ . ~`).
func urlDecodedText(_ element: XMLElement?, _ query: [String: String]) -> String {
    let raw = element?.text ?? ""
    guard query["encoding-type"] == "url" else { return raw }
    let value = String(decoding: Encoding.percentDecode(Substring(raw), plusIsSpace: false), as: UTF8.self)
    #expect(Encoding.urlEncode(value) == raw, "not URL-encoded: \(raw)")
    return value
}
