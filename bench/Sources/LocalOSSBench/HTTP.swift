#if canImport(Glibc)
    import Glibc
#endif

/// Anything that stops a measurement: socket trouble, a malformed reply, a failed correctness check.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The server closed a reused keep-alive connection before answering a byte: safe to resend once.
private struct ClosedBeforeAnswer: Error {}

/// `http://127.0.0.1:PORT`: loopback only, IPv4 only.
struct Endpoint: Sendable, CustomStringConvertible {
    let host: String
    let port: UInt16

    init(url: String) throws {
        guard url.hasPrefix("http://") else { throw BenchError("only http:// URLs are supported: \(url)") }
        var rest = Substring(url.dropFirst(7))
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]) else {
            throw BenchError("URL needs an explicit port: \(url)")
        }
        var host = String(rest[..<colon])
        if host == "localhost" { host = "127.0.0.1" }
        var probe = in_addr()
        guard host.hasPrefix("127."), inet_pton(AF_INET, host, &probe) == 1 else {
            throw BenchError("only loopback IPv4 addresses (127.x.x.x, localhost) are allowed: \(url)")
        }
        self.host = host
        self.port = port
    }

    init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    var description: String { "http://\(host):\(port)" }
}

final class HTTPReply {
    var status = 0
    var version = ""
    /// Names lowercased.
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var bodyLength = 0

    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0 == lower }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// One keep-alive HTTP/1.1 connection over a blocking POSIX socket. Request bodies go out with `writev` straight from
/// the caller's memory; large response bodies are handed to a sink chunk by chunk, never gathered. No hashing here.
final class HTTPConnection: @unchecked Sendable {
    let endpoint: Endpoint
    private(set) var fd: Int32 = -1
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var start = 0
    private var end = 0
    private let timeoutSeconds: Int
    /// Every request must be over by this monotonic time (timeoutSeconds after it began), however the server drips.
    private var deadline = 0.0
    /// Times a reused connection was found closed and the request resent on a new one.
    private(set) var reconnects = 0
    /// Connections opened, the first included (more than one: the server closed keep-alive ones).
    private(set) var connects = 0

    init(_ endpoint: Endpoint, bufferSize: Int = 64 << 10, timeoutSeconds: Int = 120) {
        self.endpoint = endpoint
        capacity = bufferSize
        buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 64)
        self.timeoutSeconds = timeoutSeconds
    }

    deinit {
        disconnect()
        buffer.deallocate()
    }

    func disconnect() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        start = 0
        end = 0
    }

    func connect() throws {
        disconnect()
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = endpoint.port.bigEndian
        inet_pton(AF_INET, endpoint.host, &address.sin_addr)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(socketFD)
            throw BenchError("connect \(endpoint): \(message)")
        }
        fd = socketFD
        connects += 1
    }

    /// Sends one request and reads its reply. With `sink`, the body is passed on in chunks and not kept.
    @discardableResult
    func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: UnsafeRawBufferPointer? = nil,
        sink: ((UnsafeRawBufferPointer) throws -> Void)? = nil
    ) throws -> HTTPReply {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(endpoint.host):\(endpoint.port)\r\n"
        if body != nil || (method != "GET" && method != "HEAD") { head += "Content-Length: \(body?.count ?? 0)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let headBytes = Array(head.utf8)
        deadline = now() + Double(timeoutSeconds)
        let reused = fd >= 0
        if !reused { try connect() }
        do {
            try send(headBytes, body)
            return try readReply(method: method, sink: sink)
        } catch is ClosedBeforeAnswer where reused {
            reconnects += 1
            try connect()
            do {
                try send(headBytes, body)
                return try readReply(method: method, sink: sink)
            } catch is ClosedBeforeAnswer {
                disconnect()
                throw BenchError("\(method) \(target): connection closed without an answer")
            }
        } catch is ClosedBeforeAnswer {
            disconnect()
            throw BenchError("\(method) \(target): connection closed without an answer")
        } catch {
            disconnect()
            throw error
        }
    }

    private func send(_ head: [UInt8], _ body: UnsafeRawBufferPointer?) throws {
        try head.withUnsafeBytes { headBuffer in
            var vectors = [
                iovec(iov_base: UnsafeMutableRawPointer(mutating: headBuffer.baseAddress), iov_len: headBuffer.count),
                iovec(iov_base: UnsafeMutableRawPointer(mutating: body?.baseAddress), iov_len: body?.count ?? 0),
            ]
            var index = 0
            while index < 2 {
                guard now() < deadline else { throw BenchError("send: request not over after \(timeoutSeconds) s") }
                if vectors[index].iov_len == 0 {
                    index += 1
                    continue
                }
                let first = index
                let written = vectors.withUnsafeMutableBufferPointer {
                    writev(fd, $0.baseAddress! + first, Int32(2 - first))
                }
                if written < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EPIPE || code == ECONNRESET { throw ClosedBeforeAnswer() }
                    throw BenchError("send: \(code == EAGAIN ? "timed out" : String(cString: strerror(code)))")
                }
                var left = written
                while left > 0, index < 2 {
                    if left >= vectors[index].iov_len {
                        left -= vectors[index].iov_len
                        vectors[index].iov_len = 0
                        index += 1
                    } else {
                        vectors[index].iov_base = vectors[index].iov_base! + left
                        vectors[index].iov_len -= left
                        left = 0
                    }
                }
            }
        }
    }

    /// Reads more bytes after `end`; 0 means the peer closed.
    private func fill() throws -> Int {
        if start == end {
            start = 0
            end = 0
        } else if end == capacity {
            guard start > 0 else { throw BenchError("reply line or head larger than \(capacity) bytes") }
            memmove(buffer, buffer + start, end - start)
            end -= start
            start = 0
        }
        while true {
            guard now() < deadline else { throw BenchError("recv: reply not over after \(timeoutSeconds) s") }
            let got = recv(fd, buffer + end, capacity - end, 0)
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == ECONNRESET { return 0 }
                throw BenchError("recv: \(code == EAGAIN ? "timed out" : String(cString: strerror(code)))")
            }
            end += got
            return got
        }
    }

    /// Returns the bytes up to CRLF (excluded) and consumes them with the CRLF.
    private func readLine() throws -> String {
        while true {
            var index = start
            while index + 1 < end {
                if buffer.load(fromByteOffset: index, as: UInt8.self) == 13,
                    buffer.load(fromByteOffset: index + 1, as: UInt8.self) == 10
                {
                    let line = String(
                        decoding: UnsafeRawBufferPointer(start: buffer + start, count: index - start), as: UTF8.self)
                    start = index + 2
                    return line
                }
                index += 1
            }
            if try fill() == 0 { throw BenchError("connection closed mid-reply") }
        }
    }

    private func readExactly(_ count: Int, _ deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
        var remaining = count
        while remaining > 0 {
            if start == end, try fill() == 0 { throw BenchError("connection closed with \(remaining) body bytes due") }
            let take = min(remaining, end - start)
            try deliver(UnsafeRawBufferPointer(start: buffer + start, count: take))
            start += take
            remaining -= take
        }
    }

    private func readReply(method: String, sink: ((UnsafeRawBufferPointer) throws -> Void)?) throws -> HTTPReply {
        let reply = HTTPReply()
        for interim in 0... {
            guard interim < 10 else { throw BenchError("more than 10 interim (1xx) replies") }
            if start == end, try fill() == 0 { throw ClosedBeforeAnswer() }
            let statusLine = try readLine()
            let fields = statusLine.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let status = Int(fields[1]) else {
                throw BenchError("bad status line: \(statusLine.prefix(80))")
            }
            reply.version = String(fields[0])
            reply.status = status
            reply.headers = []
            while true {
                let line = try readLine()
                if line.isEmpty { break }
                guard let colon = line.firstIndex(of: ":") else {
                    throw BenchError("bad header line: \(line.prefix(80))")
                }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
                reply.headers.append((name, String(value)))
            }
            if status != 100 { break }
        }
        var bodyBytes: [UInt8] = []
        let deliver: (UnsafeRawBufferPointer) throws -> Void = { chunk in
            reply.bodyLength += chunk.count
            if let sink { try sink(chunk) } else { bodyBytes.append(contentsOf: chunk) }
        }
        let connectionHeader = reply.header("connection")?.lowercased()
        var keepAlive =
            reply.version == "HTTP/1.1" ? connectionHeader != "close" : connectionHeader == "keep-alive"
        if method == "HEAD" || reply.status == 204 || reply.status == 304 {
            // no body
        } else if let lengthText = reply.header("content-length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw BenchError("bad Content-Length \(lengthText)")
            }
            if sink == nil { bodyBytes.reserveCapacity(length) }
            try readExactly(length, deliver)
        } else if reply.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = try readLine()
                let hex = sizeLine.split(separator: ";").first.map { $0.trimmingCharacters(in: " ") } ?? ""
                guard let size = Int(hex, radix: 16) else { throw BenchError("bad chunk size \(sizeLine.prefix(40))") }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                try readExactly(size, deliver)
                guard try readLine().isEmpty else { throw BenchError("chunk not followed by CRLF") }
            }
        } else {
            while true {
                if start < end {
                    try deliver(UnsafeRawBufferPointer(start: buffer + start, count: end - start))
                    start = end
                }
                if try fill() == 0 { break }
            }
            keepAlive = false
        }
        reply.body = bodyBytes
        if !keepAlive { disconnect() }
        return reply
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (and `/` when asked).
func urlEncode(_ text: String, keepSlash: Bool = false) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            out.unicodeScalars.append(UnicodeScalar(byte))
        case UInt8(ascii: "/") where keepSlash:
            out += "/"
        default:
            let digits = Array("0123456789ABCDEF".utf8)
            out += "%"
            out.unicodeScalars.append(UnicodeScalar(digits[Int(byte >> 4)]))
            out.unicodeScalars.append(UnicodeScalar(digits[Int(byte & 15)]))
        }
    }
    return out
}

/// Every inner text of `<tag>…</tag>` in document order (no nesting of the same tag), XML entities decoded.
func xmlValues(_ tag: String, in body: [UInt8]) -> [String] {
    let open = Array("<\(tag)>".utf8)
    let close = Array("</\(tag)>".utf8)
    var values: [String] = []
    var index = 0
    body.withUnsafeBufferPointer { bytes in
        func find(_ needle: [UInt8], from: Int) -> Int? {
            guard needle.count <= bytes.count else { return nil }
            var position = from
            let last = bytes.count - needle.count
            while position <= last {
                if bytes[position] == needle[0] {
                    var match = true
                    for offset in 1..<needle.count where bytes[position + offset] != needle[offset] {
                        match = false
                        break
                    }
                    if match { return position }
                }
                position += 1
            }
            return nil
        }
        while let openAt = find(open, from: index) {
            let contentStart = openAt + open.count
            guard let closeAt = find(close, from: contentStart) else { break }
            values.append(xmlUnescape(String(decoding: bytes[contentStart..<closeAt], as: UTF8.self)))
            index = closeAt + close.count
        }
    }
    return values
}

/// Number of `<tag>` or `<tag ...>` openings.
func xmlCount(_ tag: String, in body: [UInt8]) -> Int {
    let open = Array("<\(tag)".utf8)
    var count = 0
    body.withUnsafeBufferPointer { bytes in
        guard bytes.count > open.count else { return }
        var position = 0
        while position + open.count < bytes.count {
            if bytes[position] == open[0] {
                var match = true
                for offset in 1..<open.count where bytes[position + offset] != open[offset] {
                    match = false
                    break
                }
                let next = bytes[position + open.count]
                if match, next == UInt8(ascii: ">") || next == UInt8(ascii: " ") || next == UInt8(ascii: "/") {
                    count += 1
                }
            }
            position += 1
        }
    }
    return count
}

func xmlUnescape(_ text: String) -> String {
    guard text.contains("&") else { return text }
    return text.replacingAll("&quot;", "\"").replacingAll("&apos;", "'").replacingAll("&lt;", "<")
        .replacingAll("&gt;", ">").replacingAll("&#34;", "\"").replacingAll("&amp;", "&")
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
