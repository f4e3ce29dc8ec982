/// Parses a request head from bytes: a pure function, so it can be tested and fuzzed without a socket.
enum HTTPRequestParser {
    struct Limits: Sendable {
        var maxHeadBytes = 64 * 1024
        var maxHeaderCount = 200
    }

    enum Failure: Error, Equatable {
        /// The head is larger than `maxHeadBytes` (431).
        case headTooLarge
        case tooManyHeaders
        case malformed(String)
    }

    /// The offset just past `\r\n\r\n`, or nil if the head is not complete yet.
    static func headEnd(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = 0
        let last = bytes.count - 4
        while index <= last {
            if bytes[index + 3] != 10 {  // fast skip: the 4th byte must be LF
                index += 1
                continue
            }
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13 { return index + 4 }
            index += 1
        }
        return nil
    }

    static func parse(_ head: UnsafeRawBufferPointer, limits: Limits = Limits()) throws(Failure) -> HTTPRequestHead {
        guard head.count <= limits.maxHeadBytes else { throw .headTooLarge }
        var lines: [Substring] = []
        let text = String(decoding: head, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            lines.append(line)
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { throw .malformed("empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .malformed("bad request line")
        }
        let method = String(parts[0])
        guard method.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw .malformed("bad method")
        }
        let version = String(parts[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .malformed("unsupported HTTP version") }
        guard parts[1].utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw .malformed("bad request target") }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header without colon") }
            let name = line[..<colon]
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { throw .malformed("bad header name") }
            let value = line[line.index(after: colon)...].trimmingSpaces()
            // A bare CR or LF (or NUL) inside a value would be copied into responses as a header break.
            guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                throw .malformed("control character in a header value")
            }
            headers.add(String(name), String(value))
            if headers.fields.count > limits.maxHeaderCount { throw .tooManyHeaders }
        }
        var target = String(parts[1])
        // Absolute form (`GET http://bucket.localhost:9800/key`), as clients send it through a proxy: the authority
        // replaces Host, so a client can reach virtual-hosted buckets by using the server as its HTTP proxy.
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            let pathStart = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            headers.set("Host", String(rest[..<pathStart]))
            target = rest[pathStart...].hasPrefix("/") ? String(rest[pathStart...]) : "/" + rest[pathStart...]
        }
        return HTTPRequestHead(method: method, target: target, version: version, headers: headers)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
