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
}
