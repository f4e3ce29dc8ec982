import Testing

@testable import LocalOSS

@Suite struct RouterTests {
    private func classify(_ method: String, _ target: String, headers: [(String, String)] = []) throws(OSSError)
        -> Operation
    {
        let head = HTTPRequestHead(
            method: method, target: target, version: "HTTP/1.1",
            headers: HTTPHeaders([("Host", "127.0.0.1:9800")] + headers))
        return try Router().classify(head, query: QueryParameters(raw: head.rawQuery))
    }

    @Test func routesTheSevenMultipartOperations() throws {
        #expect(try classify("POST", "/b1b/k?uploads").name == "InitiateMultipartUpload")
        #expect(try classify("POST", "/b1b/k?uploads=").name == "InitiateMultipartUpload")
        #expect(try classify("PUT", "/b1b/k?uploadId=U&partNumber=3").name == "UploadPart")
        #expect(try classify("PUT", "/b1b/k?partNumber=3&uploadId=U").name == "UploadPart")
        #expect(
            try classify("PUT", "/b1b/k?partNumber=3&uploadId=U", headers: [("x-oss-copy-source", "/b1b/src")]).name
                == "UploadPartCopy")
        #expect(try classify("POST", "/b1b/k?uploadId=U").name == "CompleteMultipartUpload")
        #expect(try classify("DELETE", "/b1b/k?uploadId=U").name == "AbortMultipartUpload")
        #expect(try classify("GET", "/b1b/k?uploadId=U").name == "ListParts")
        #expect(try classify("GET", "/b1b/?uploads").name == "ListMultipartUploads")
        #expect(try classify("GET", "/b1b?uploads&prefix=a+b").name == "ListMultipartUploads")
    }

    @Test func decodesKeysAfterSplittingTheBucket() throws {
        guard
            case .uploadPart(let address, let id, let part) = try classify(
                "PUT", "/b1b/dir%2Fa+b%2Bc~?partNumber=7&uploadId=XY")
        else { Issue.record("not UploadPart"); return }
        #expect(address.bucket.value == "b1b")
        #expect(address.key.value == "dir/a b+c~")
        #expect(id == "XY")
        #expect(part.value == 7)
    }

    @Test func partNumbersOutsideTheRangeAreInvalidArguments() {
        for bad in ["0", "10001", "x", "-1", ""] {
            #expect(throws: OSSError.self) { try classify("PUT", "/b1b/k?uploadId=U&partNumber=\(bad)") }
            do {
                _ = try classify("PUT", "/b1b/k?uploadId=U&partNumber=\(bad)")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }

    @Test func bucketLevelRequestsWithAnUploadIdAreRejected() {
        // Go 1.5's negative test: a naive router would run PutBucket, DeleteBucket and ListObjects here.
        for (method, target) in [
            ("PUT", "/b1b/?partNumber=1&uploadId="), ("DELETE", "/b1b/?uploadId="), ("GET", "/b1b/?uploadId="),
            // A version id names an object's version: on a bucket it must not reach DeleteBucket or PutBucket.
            ("DELETE", "/b1b/?versionId=null"), ("PUT", "/b1b?versionId=x"),
        ] {
            do {
                let operation = try classify(method, target)
                Issue.record("\(method) \(target) routed to \(operation.name)")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }

    @Test func validatesNames() {
        for bucket in ["xx", "XXXX", "_bucket", "bucket-", "a_b"] {
            do {
                _ = try classify("PUT", "/\(bucket)")
                Issue.record("accepted bucket \(bucket)")
            } catch {
                #expect(error.code == .invalidBucketName)
            }
        }
        let longKey = String(repeating: "k", count: 1024)
        for target in ["/b1b/\(longKey)", "/b1b/%5Cx", "/b1b//x", "/b1b/%FF%FE", "/b1b/a%00b"] {
            do {
                _ = try classify("PUT", target)
                Issue.record("accepted key \(target)")
            } catch {
                #expect(error.code == .invalidObjectName)
            }
        }
        #expect(throws: Never.self) { try classify("PUT", "/b1b/\(String(repeating: "k", count: 1023))") }
    }

    @Test func virtualHostedAddressingTakesTheBucketFromTheHost() throws {
        let head = HTTPRequestHead(
            method: "GET", target: "/dir/a%20b?uploadId=U", version: "HTTP/1.1",
            headers: HTTPHeaders([("Host", "my-bucket.localhost:9800")]))
        guard case .listParts(let address, _) = try Router().classify(head, query: QueryParameters(raw: head.rawQuery))
        else { Issue.record("not ListParts"); return }
        #expect(address.bucket.value == "my-bucket")
        #expect(address.key.value == "dir/a b")
    }

    @Test func unknownParametersOnGetObjectAreIgnoredButUnimplementedSubresourcesAreRefused() throws {
        #expect(try classify("GET", "/b1b/k??objectMeta").name == "GetObject")
        #expect(try classify("GET", "/b1b/k?para1=test&encoding-type=url").name == "GetObject")
        #expect(try classify("HEAD", "/b1b/k?objectMeta").name == "GetObjectMeta")
        #expect(try classify("GET", "/b1b/?lifecycle").name == "GetBucketLifecycle")
        #expect(try classify("GET", "/b1b/?worm").name == "GetBucketWorm")
        #expect(try classify("GET", "/b1b/?objectWorm").name == "NotImplemented")
        #expect(try classify("DELETE", "/b1b/k?tagging").name == "DeleteObjectTagging")
        #expect(try classify("DELETE", "/b1b/?tagging").name == "DeleteBucketTags")
        #expect(try classify("PUT", "/b1b/?tagging").name == "PutBucketTags")
        #expect(try classify("PUT", "/b1b/k?tagging=").name == "PutObjectTagging")
        #expect(try classify("PUT", "/b1b/k?symlink").name == "PutSymlink")
        #expect(try classify("GET", "/b1b/k?symlink&versionId=null").name == "GetSymlink")
        #expect(try classify("DELETE", "/b1b/k?live").name == "DeleteLiveChannel")
        #expect(try classify("PUT", "/b1b/k?live&status=enabled").name == "PutLiveChannelStatus")
        #expect(try classify("GET", "/b1b/k?legalHold").name == "NotImplemented")
        #expect(try classify("GET", "/?regions").name == "DescribeRegions")
        #expect(try classify("GET", "/?redundancyTransition").name == "ListUserDataRedundancyTransition")
        #expect(try classify("GET", "/?cloudboxes").name == "NotImplemented")
    }

    @Test func copySourceDecoding() throws {
        let plain = try Router.copySource("/src-bucket/src dir/s+1")
        #expect(plain.bucket == "src-bucket")
        #expect(plain.key == "src dir/s+1")
        #expect(plain.alternateKey == "src dir/s 1")
        let encoded = try Router.copySource("/src-bucket/src%20dir%2Fs%2B1?versionId=null")
        #expect(encoded.key == "src dir/s+1")
        #expect(encoded.alternateKey == nil)
        #expect(encoded.version == .null)
        // A version id this server could not have issued is refused before anything is read.
        #expect(throws: OSSError.self) { try Router.copySource("/src-bucket/k?versionId=v") }
        #expect(throws: OSSError.self) { try Router.copySource("src-bucket/k") }
    }

    @Test func queryParametersAreFormDecoded() {
        let query = QueryParameters(raw: "prefix=a+b%2Fc&uploads&delimiter=&max-uploads=3")
        #expect(query["prefix"] == "a b/c")
        #expect(query.has("uploads"))
        #expect(query["delimiter"] == "")
        #expect(query.nonEmpty("delimiter") == nil)
        #expect(query["max-uploads"] == "3")
    }
}
