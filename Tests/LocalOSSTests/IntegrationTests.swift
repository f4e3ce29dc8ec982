import Foundation
import Testing

@testable import LocalOSS

/// An in-process server on port 0, driven over real sockets with a plain HTTP client.
@Suite(.serialized) struct IntegrationTests {
    let server: TestServer
    let client: TestHTTPClient

    init() throws {
        server = try TestServer()
        client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
    }

    @Test func everyResponseCarriesRequestIdDateAndServer() throws {
        for response in [try client.request("GET", "/bkt?uploads"), try client.request("GET", "/bkt/missing")] {
            #expect(response.header("x-oss-request-id")?.count == 24)
            #expect(response.header("Date").flatMap(HTTPDate.parseRFC1123) != nil)
            #expect(response.header("Server") == "AliyunOSS")
        }
    }

    @Test func fullMultipartFlowAssemblesTheObject() throws {
        let id = try client.initiate("bkt", "dir/obj.bin")
        let parts: [[UInt8]] = [
            (0..<150_000).map { UInt8($0 % 251) }, (0..<102_400).map { UInt8($0 % 13) }, Array("tail".utf8),
        ]
        var listed = ""
        for (index, bytes) in parts.enumerated() {
            let response = try client.request(
                "PUT", "/bkt/dir/obj.bin?partNumber=\(index + 1)&uploadId=\(id)",
                headers: [("Content-MD5", md5Base64(bytes))], body: bytes)
            #expect(response.status == 200)
            #expect(response.header("ETag") == "\"\(md5Hex(bytes))\"")
            #expect(response.header("x-oss-hash-crc64ecma") == String(CRC64.checksum(bytes)))
            listed += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\"\(md5Hex(bytes))\"</ETag></Part>"
        }
        let complete = try client.request(
            "POST", "/bkt/dir/obj.bin?uploadId=\(id)",
            text: "<CompleteMultipartUpload>\(listed)</CompleteMultipartUpload>")
        #expect(complete.status == 200)
        let whole = parts.flatMap { $0 }
        let expectedETag = "\"\(md5Hex(parts.flatMap { EVPDigest.hash(.md5, $0) }))-3\""
        #expect(complete.xml?.child("ETag")?.text == expectedETag)
        #expect(complete.header("x-oss-hash-crc64ecma") == String(CRC64.checksum(whole)))
        let get = try client.request("GET", "/bkt/dir/obj.bin")
        #expect(get.status == 200)
        #expect(get.body == whole)
        #expect(get.header("x-oss-object-type") == "Multipart")
        #expect(get.header("ETag") == expectedETag)
        let range = try client.request("GET", "/bkt/dir/obj.bin", headers: [("Range", "bytes=149990-150009")])
        #expect(range.status == 206)
        #expect(range.body == Array(whole[149_990...150_009]))
        #expect(range.header("Content-Range") == "bytes 149990-150009/\(whole.count)")
        #expect(try client.request("GET", "/bkt/dir/obj.bin?uploadId=\(id)").errorCode == "NoSuchUpload")
    }

    @Test func aWrongContentMD5StoresNothing() throws {
        let id = try client.initiate("bkt", "k")
        let first = Array("first version".utf8)
        #expect(try client.request("PUT", "/bkt/k?partNumber=1&uploadId=\(id)", body: first).status == 200)
        let bad = try client.request(
            "PUT", "/bkt/k?partNumber=1&uploadId=\(id)", headers: [("Content-MD5", md5Base64(Array("other".utf8)))],
            body: Array("second version".utf8))
        #expect(bad.status == 400)
        #expect(bad.errorCode == "InvalidDigest")
        let parts = try client.request("GET", "/bkt/k?uploadId=\(id)")
        #expect(parts.xml?.children("Part").count == 1)
        #expect(parts.xml?.child("Part")?.child("ETag")?.text == "\"\(md5Hex(first))\"")
        let malformed = try client.request(
            "PUT", "/bkt/k?partNumber=1&uploadId=\(id)", headers: [("Content-MD5", "not-base64")], body: first)
        #expect(malformed.errorCode == "InvalidDigest")
    }

    @Test func completeValidatesThePartList() throws {
        let id = try client.initiate("bkt", "v")
        let small = Array("small".utf8)
        let big = [UInt8](repeating: 7, count: 102_400)
        _ = try client.request("PUT", "/bkt/v?partNumber=1&uploadId=\(id)", body: small)
        _ = try client.request("PUT", "/bkt/v?partNumber=2&uploadId=\(id)", body: big)
        func complete(_ parts: [(Int, [UInt8])]) throws -> String? {
            let body = parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\(md5Hex($0.1))</ETag></Part>" }
                .joined()
            return try client.request(
                "POST", "/bkt/v?uploadId=\(id)", text: "<CompleteMultipartUpload>\(body)</CompleteMultipartUpload>"
            ).errorCode
        }
        #expect(try complete([(2, big), (1, small)]) == "InvalidPartOrder")
        #expect(try complete([(1, small), (1, small)]) == "InvalidPartOrder")
        #expect(try complete([(1, small), (3, small)]) == "InvalidPart")
        #expect(try complete([(1, big)]) == "InvalidPart")
        #expect(try complete([(1, small), (2, big)]) == "EntityTooSmall")
        #expect(try client.request("POST", "/bkt/v?uploadId=\(id)", text: "<x/>").errorCode == "MalformedXML")
        let both = try client.request(
            "POST", "/bkt/v?uploadId=\(id)", headers: [("x-oss-complete-all", "yes")], text: "<x/>")
        #expect(both.errorCode == "InvalidArgument")
        // The failed attempts left the upload intact: completing part 2 alone works.
        #expect(try complete([(2, big)]) == nil)
        #expect(try client.request("GET", "/bkt/v").body == big)
    }

    @Test func completeAllUsesEveryPartInOrder() throws {
        let id = try client.initiate("bkt", "all")
        let one = [UInt8](repeating: 1, count: 102_400)
        let two = Array("two".utf8)
        _ = try client.request("PUT", "/bkt/all?partNumber=2&uploadId=\(id)", body: two)
        _ = try client.request("PUT", "/bkt/all?partNumber=1&uploadId=\(id)", body: one)
        let done = try client.request("POST", "/bkt/all?uploadId=\(id)", headers: [("x-oss-complete-all", "yes")])
        #expect(done.status == 200)
        #expect(try client.request("GET", "/bkt/all").body == one + two)
    }

    @Test func abortRemovesTheUploadAndItsFiles() throws {
        let id = try client.initiate("bkt", "gone")
        _ = try client.request("PUT", "/bkt/gone?partNumber=1&uploadId=\(id)", body: [1, 2, 3])
        let before = blobCount()
        #expect(try client.request("DELETE", "/bkt/gone?uploadId=\(id)").status == 204)
        #expect(blobCount() == before - 1)
        #expect(try client.request("DELETE", "/bkt/gone?uploadId=\(id)").errorCode == "NoSuchUpload")
        #expect(
            try client.request("PUT", "/bkt/gone?partNumber=1&uploadId=\(id)", body: [1]).errorCode == "NoSuchUpload")
    }

    @Test func chunkedBodiesAndExpectContinue() throws {
        let id = try client.initiate("bkt", "chunked")
        try client.send(
            Array(
                "PUT /bkt/chunked?partNumber=1&uploadId=\(id) HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"
                    .utf8))
        let chunked = try client.readResponse()
        #expect(chunked.status == 200)
        #expect(chunked.header("ETag") == "\"\(md5Hex(Array("hello world".utf8)))\"")
        try client.send(
            Array("PUT /bkt/continued HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n".utf8))
        let interim = try client.readResponseStatusLine()
        #expect(interim.hasPrefix("HTTP/1.1 100"))
        try client.send(Array("abc".utf8))
        #expect(try client.readResponse().status == 200)
        #expect(try client.request("GET", "/bkt/continued").body == Array("abc".utf8))
    }

    @Test func bucketRulesAndErrors() throws {
        #expect(try client.request("GET", "/nobucket/k?uploadId=x").errorCode == "NoSuchBucket")
        #expect(try client.request("PUT", "/Bad_Bucket").errorCode == "InvalidBucketName")
        #expect(try client.request("GET", "/bkt/nokey").errorCode == "NoSuchKey")
        let head = try client.request("HEAD", "/bkt/nokey")
        #expect(head.status == 404)
        #expect(
            head.header("x-oss-err").flatMap { Encoding.base64Decode($0) }.flatMap { try? XMLDocument.parse($0) }?
                .child("Code")?.text == "NoSuchKey")
        _ = try client.initiate("bkt", "pending")
        #expect(try client.request("DELETE", "/bkt").errorCode == "BucketNotEmpty")
        #expect(try client.request("PUT", "/empty-bkt").status == 200)
        #expect(try client.request("DELETE", "/empty-bkt").status == 204)
        #expect(try client.request("GET", "/empty-bkt?uploads").errorCode == "NoSuchBucket")
    }

    @Test func oversizedHeadsAreRefusedAndTheServerKeepsServing() throws {
        let huge = try server.client()
        try huge.send(Array("GET /bkt/\(String(repeating: "k", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let response = try huge.readResponse()
        #expect(response.status == 431)
        #expect(try client.request("GET", "/bkt?uploads").status == 200)
    }

    @Test func objectsAndUploadsSurviveARestart() throws {
        _ = try client.request("PUT", "/bkt/kept", text: "kept bytes")
        let id = try client.initiate("bkt", "later")
        _ = try client.request("PUT", "/bkt/later?partNumber=1&uploadId=\(id)", text: "part")
        server.stop()
        let restarted = try TestServer(dataDirectory: server.dataDirectory)
        let again = try restarted.client()
        #expect(try again.request("GET", "/bkt/kept").text == "kept bytes")
        let parts = try again.request("GET", "/bkt/later?uploadId=\(id)")
        #expect(parts.xml?.child("Part")?.child("Size")?.text == "4")
        #expect(
            try again.request("POST", "/bkt/later?uploadId=\(id)", headers: [("x-oss-complete-all", "yes")]).status
                == 200)
        #expect(try again.request("GET", "/bkt/later").text == "part")
        restarted.stop()
    }

    private func blobCount() -> Int {
        let root = server.dataDirectory + "/blobs"
        let directories = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return directories.reduce(0) {
            $0 + ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + $1))?.count ?? 0)
        }
    }
}

extension TestHTTPClient {
    /// Reads just an interim status line (and its blank line), for `100 Continue`.
    func readResponseStatusLine() throws -> String {
        var bytes: [UInt8] = []
        while !(bytes.count >= 4 && Array(bytes.suffix(4)) == [13, 10, 13, 10]) {
            var byte: UInt8 = 0
            var count = recv(fd, &byte, 1, 0)
            while count < 0, errno == EINTR { count = recv(fd, &byte, 1, 0) }
            guard count == 1 else { throw POSIXFailure("recv") }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Inputs found by review that once crashed or confused the server.
@Suite struct HostileInputRegressionTests {
    @Test func absurdDatesAndExpiriesAreRefusedNotFatal() throws {
        let server = try TestServer(authentication: true)
        defer { server.removeData() }
        let client = try server.client()
        // Service-level requests: with a bucket, a missing bucket would be reported before the signature is read.
        let hugeYear = try client.request(
            "GET", "/",
            headers: [
                ("Date", "Mon, 01 Jan 999999999999 00:00:00 GMT"),
                ("Authorization", "OSS \(Configuration.defaultAccessKeyID):c2lnbmF0dXJl"),
            ])
        #expect(hugeYear.status == 403)
        let credential = "\(Configuration.defaultAccessKeyID)%2F20240102%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
        let hugeExpiry = try client.request(
            "GET",
            "/?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=\(credential)"
                + "&x-oss-date=20240102T030405Z&x-oss-expires=9223372036854775807&x-oss-signature=00")
        #expect(hugeExpiry.status == 403)
    }

    @Test func headerValuesCannotSmuggleLineBreaks() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
        #expect(try client.request("PUT", "/bkt/k", text: "x").status == 200)
        // An unparseable date in a condition is ignored, as HTTP says; it must not overflow the date arithmetic.
        let absurd = [("If-Modified-Since", "Mon, 01 Jan 99999999999 00:00:00 GMT")]
        #expect(try client.request("GET", "/bkt/k", headers: absurd).status == 200)
        let override = try client.request("GET", "/bkt/k?response-content-type=x%0D%0AContent-Length:%200")
        #expect(override.status == 400)
        let raw = try server.client()
        try raw.send(
            Array("PUT /bkt/k2 HTTP/1.1\r\nHost: x\r\nx-oss-meta-a: v\nX-Evil: 1\r\nContent-Length: 1\r\n\r\nz".utf8))
        #expect(try raw.readResponse().status == 400)
    }
}
