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
        // In ASCII every byte is a Character except CR LF, which is one: splitting on bytes matches splitting the
        // text. Any other byte could join a grapheme with its neighbours, so such heads take the text path.
        guard !head.contains(where: { $0 >= 0x80 }) else { return try parseText(head, limits: limits) }
        var lines: [Range<Int>] = []
        var lineStart = 0
        var index = 0
        let count = head.count
        while index + 1 < count {
            if head[index] == 13, head[index + 1] == 10 {
                lines.append(lineStart..<index)
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        lines.append(lineStart..<count)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { throw .malformed("empty request") }
        guard let firstSpace = firstIndex(of: 32, in: head, requestLine),
            let secondSpace = firstIndex(of: 32, in: head, (firstSpace + 1)..<requestLine.upperBound),
            firstIndex(of: 32, in: head, (secondSpace + 1)..<requestLine.upperBound) == nil,
            firstSpace > requestLine.lowerBound, secondSpace > firstSpace + 1
        else { throw .malformed("bad request line") }
        let methodBytes = UnsafeRawBufferPointer(rebasing: head[requestLine.lowerBound..<firstSpace])
        guard methodBytes.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw .malformed("bad method")
        }
        let versionBytes = UnsafeRawBufferPointer(rebasing: head[(secondSpace + 1)..<requestLine.upperBound])
        guard versionBytes.elementsEqual("HTTP/1.1".utf8) || versionBytes.elementsEqual("HTTP/1.0".utf8) else {
            throw .malformed("unsupported HTTP version")
        }
        let targetBytes = UnsafeRawBufferPointer(rebasing: head[(firstSpace + 1)..<secondSpace])
        guard targetBytes.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw .malformed("bad request target") }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = firstIndex(of: UInt8(ascii: ":"), in: head, line) else {
                throw .malformed("header without colon")
            }
            let name = UnsafeRawBufferPointer(rebasing: head[line.lowerBound..<colon])
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw .malformed("bad header name") }
            var valueStart = colon + 1
            var valueEnd = line.upperBound
            while valueStart < valueEnd, head[valueStart] == 32 || head[valueStart] == 9 { valueStart += 1 }
            while valueEnd > valueStart, head[valueEnd - 1] == 32 || head[valueEnd - 1] == 9 { valueEnd -= 1 }
            let value = UnsafeRawBufferPointer(rebasing: head[valueStart..<valueEnd])
            // A bare CR or LF (or NUL) inside a value would be copied into responses as a header break.
            guard !value.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                throw .malformed("control character in a header value")
            }
            headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
            if headers.fields.count > limits.maxHeaderCount { throw .tooManyHeaders }
        }
        return finish(
            method: String(decoding: methodBytes, as: UTF8.self), target: String(decoding: targetBytes, as: UTF8.self),
            version: String(decoding: versionBytes, as: UTF8.self), headers: headers)
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// The parse of a head with bytes outside ASCII: on Characters, so graphemes decide where lines and fields
    /// split, as they always have.
    private static func parseText(_ head: UnsafeRawBufferPointer, limits: Limits) throws(Failure) -> HTTPRequestHead {
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
        return finish(method: method, target: String(parts[1]), version: version, headers: headers)
    }

    private static func finish(method: String, target: String, version: String, headers: HTTPHeaders)
        -> HTTPRequestHead
    {
        var target = target
        var headers = headers
        // Absolute form (`GET http://bucket.localhost:9800/key`), as clients send it through a proxy: the authority
        // replaces Host, so a client can reach virtual-hosted buckets by using the server as its HTTP proxy.
        // (An origin-form target, starting with `/`, is none: it is passed on without being lower-cased.)
        for scheme in ["http://", "https://"]
        where target.utf8.first != UInt8(ascii: "/")
            && target.lowercased().hasPrefix(scheme)
        {
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
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
