import Testing

@testable import LocalOSS

@Suite struct HTTPRequestParserTests {
    private func parse(_ text: String, limits: HTTPRequestParser.Limits = .init()) throws -> HTTPRequestHead {
        try Array(text.utf8).withUnsafeBytes { try HTTPRequestParser.parse($0, limits: limits) }
    }

    @Test func parsesRequestLineAndHeaders() throws {
        let head = try parse(
            "PUT /b/k?partNumber=1&uploadId=X HTTP/1.1\r\nHost: h\r\nContent-Length:  12 \r\nx-oss-meta-A: 1\r\n\r\n")
        #expect(head.method == "PUT")
        #expect(head.rawPath == "/b/k")
        #expect(head.rawQuery == "partNumber=1&uploadId=X")
        #expect(head.headers["content-length"] == "12")
        #expect(head.headers["X-OSS-META-a"] == "1")
        #expect(head.keepAlive)
    }

    @Test func findsTheEndOfTheHead() {
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY".utf8)
        #expect(bytes.withUnsafeBytes { HTTPRequestParser.headEnd(in: $0) } == bytes.count - 4)
        #expect(
            Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8).withUnsafeBytes { HTTPRequestParser.headEnd(in: $0) } == nil)
    }

    @Test func connectionCloseAndHTTP10() throws {
        #expect(try parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive == false)
        #expect(try parse("GET / HTTP/1.0\r\n\r\n").keepAlive == false)
        #expect(try parse("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n").expectsContinue)
    }

    @Test(arguments: [
        "GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "get / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "GET /a b HTTP/1.1\r\n\r\n",
    ])
    func rejectsMalformedHeads(_ text: String) {
        #expect(throws: HTTPRequestParser.Failure.self) { try parse(text) }
    }

    @Test func enforcesSizeAndCountLimits() {
        let many = "GET / HTTP/1.1\r\n" + (0..<20).map { "h\($0): v\r\n" }.joined() + "\r\n"
        #expect(throws: HTTPRequestParser.Failure.tooManyHeaders) {
            try parse(many, limits: .init(maxHeadBytes: 65536, maxHeaderCount: 10))
        }
        #expect(throws: HTTPRequestParser.Failure.headTooLarge) {
            try parse(many, limits: .init(maxHeadBytes: 32, maxHeaderCount: 100))
        }
    }

    @Test func edgesOfLinesAndValues() throws {
        // A lone CR before CRLF stays in the line; tabs and spaces around a value go.
        #expect(throws: HTTPRequestParser.Failure.malformed("control character in a header value")) {
            try parse("GET / HTTP/1.1\r\nA: b\r\r\n\r\n")
        }
        let head = try parse("GET /k HTTP/1.1\r\nA:\t b \t\r\nB:\r\nx-Y: 1:2\r\n\r\n\r\n")
        #expect(head.headers.fields.map(\.name) == ["A", "B", "x-Y"])
        #expect(head.headers.fields.map(\.value) == ["b", "", "1:2"])
        #expect(throws: HTTPRequestParser.Failure.malformed("bad request line")) {
            try parse("GET  / HTTP/1.1\r\n\r\n")
        }
        #expect(throws: HTTPRequestParser.Failure.malformed("bad request line")) { try parse(" / HTTP/1.1\r\n\r\n") }
        #expect(throws: HTTPRequestParser.Failure.malformed("empty request")) { try parse("\r\n\r\n") }
        #expect(throws: HTTPRequestParser.Failure.malformed("header without colon")) {
            try parse("GET / HTTP/1.1\r\n\r\nA: b\r\n\r\n")
        }
        #expect(throws: HTTPRequestParser.Failure.tooManyHeaders) {
            try parse("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", limits: .init(maxHeaderCount: 1))
        }
    }

    @Test func headsBeyondASCII() throws {
        let head = try parse("GET /k HTTP/1.1\r\nx-oss-meta-a: caf\u{E9}\r\n\r\n")
        #expect(head.headers["X-OSS-META-A"] == "caf\u{E9}")
        // A combining mark joins the colon into another character: there is no colon to split the field at.
        #expect(throws: HTTPRequestParser.Failure.malformed("header without colon")) {
            try parse("GET / HTTP/1.1\r\nA:\u{301}b\r\n\r\n")
        }
    }

    @Test func headerLookupIgnoresCase() {
        var headers = HTTPHeaders([("Content-Type", "a"), ("x-oss-meta-A", "1"), ("X-OSS-META-a", "2")])
        #expect(headers["content-type"] == "a")
        #expect(headers.values("X-Oss-Meta-A") == ["1", "2"])
        headers.set("x-oss-meta-a", "3")
        #expect(headers.fields.map(\.name) == ["Content-Type", "x-oss-meta-a"])
        #expect(headers["X-OSS-META-A"] == "3")
        headers.remove("CONTENT-TYPE")
        #expect(!headers.contains("content-type"))
        #expect(headers.fields.count == 1)
    }
}
