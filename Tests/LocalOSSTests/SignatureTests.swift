import Foundation
import Testing

@testable import LocalOSS

/// Requests signed by the official SDKs' signers (`fixtures/signatures/`, made by
/// `Tests/sdk/vectors/make_signature_vectors.py`): the server must compute the same string to sign and accept them.
@Suite struct SignatureTests {
    struct Vector {
        let name: String
        let head: HTTPRequestHead
        let now: Int64
        let accessKeyID: String
        let secret: String
        let stringToSign: String
        let canonicalRequest: String?
    }

    static let vectorFiles: [String] = {
        let directory = ListingFixtureTests.fixtureRoot.deletingLastPathComponent().appendingPathComponent("signatures")
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { directory.path + "/" + $0 }
    }()

    static func load(_ path: String) throws -> Vector {
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let headers = (json["headers"] as! [[String]]).map { ($0[0], $0[1]) }
        return Vector(
            name: json["name"] as! String,
            head: HTTPRequestHead(
                method: json["method"] as! String, target: json["target"] as! String, version: "HTTP/1.1",
                headers: HTTPHeaders([("Host", "127.0.0.1:9800")] + headers)),
            now: (json["now"] as! NSNumber).int64Value, accessKeyID: json["accessKeyId"] as! String,
            secret: json["secret"] as! String, stringToSign: json["stringToSign"] as! String,
            canonicalRequest: json["canonicalRequest"] as? String)
    }

    private func verify(_ vector: Vector, secret: String, now: Int64? = nil, region: Region = .default) throws
        -> Authenticator.Verdict
    {
        let query = QueryParameters(raw: vector.head.rawQuery)
        let (bucket, key) = try Router().classify(vector.head, query: query).resource
        var authenticator = Authenticator(
            credentials: Credentials([vector.accessKeyID: secret]), enabled: true, maxSkew: 900)
        let clock = now ?? vector.now
        authenticator.now = { clock }
        authenticator.region = region
        return try authenticator.authenticate(
            SignedRequest(
                method: vector.head.method, headers: vector.head.headers, query: query, bucket: bucket, key: key))
    }

    @Test func vectorsExist() {
        #expect(Self.vectorFiles.count >= 8)
        #expect(Self.vectorFiles.contains { $0.hasSuffix("/v2-upload-part.json") })
        #expect(Self.vectorFiles.contains { $0.hasSuffix("/v2-presigned-put.json") })
    }

    /// oss2's suite (test_exception_ec.py, test_sign.py): a V4 scope naming another region is 400 InvalidArgument,
    /// EC 0002-00000226, checked before the signature; V1 and V2 carry no region.
    @Test(arguments: vectorFiles)
    func v4ScopesNamingAnotherRegionAreRefused(_ path: String) throws {
        let vector = try Self.load(path)
        let other = Region(id: "cn-shanghai")
        guard vector.name.hasPrefix("v4-") else {
            #expect(try verify(vector, secret: vector.secret, region: other).accessKeyID == vector.accessKeyID)
            return
        }
        do {
            _ = try verify(vector, secret: "wrong-secret", region: other)
            Issue.record("\(vector.name): accepted a scope for another region")
        } catch let error as OSSError {
            #expect(error.code == .invalidArgument)
            #expect(error.ec == "0002-00000226")
            let presigned = vector.head.target.contains("x-oss-signature=")
            #expect(
                error.message
                    == (presigned
                        ? "The signing region in credential is invalid."
                        : "Invalid signing region in Authorization header."))
        }
    }

    @Test func signaturesCompareInConstantTimeButExactly() {
        #expect(ConstantTime.equal("abc", "abc"))
        #expect(ConstantTime.equal("", ""))
        #expect(!ConstantTime.equal("abc", "abd"))
        #expect(!ConstantTime.equal("abc", "abcd"))
        #expect(!ConstantTime.equal("", "a"))
    }

    @Test(arguments: vectorFiles)
    func sdkSignedRequestsAreAccepted(_ path: String) throws {
        let vector = try Self.load(path)
        let verdict = try verify(vector, secret: vector.secret)
        #expect(verdict.accessKeyID == vector.accessKeyID)
    }

    @Test(arguments: vectorFiles)
    func aWrongSecretFailsWithTheSDKsStringToSign(_ path: String) throws {
        let vector = try Self.load(path)
        do {
            _ = try verify(vector, secret: "wrong-secret")
            Issue.record("\(vector.name): accepted with a wrong secret")
        } catch let error as OSSError {
            #expect(error.code == .signatureDoesNotMatch)
            #expect(error.code.status == 403)
            let details = Dictionary(error.details, uniquingKeysWith: { first, _ in first })
            #expect(details["StringToSign"] == vector.stringToSign, "\(vector.name)")
            if let canonical = vector.canonicalRequest { #expect(details["CanonicalRequest"] == canonical) }
        }
    }

    @Test(arguments: vectorFiles)
    func anUnknownAccessKeyIsRefused(_ path: String) throws {
        var vector = try Self.load(path)
        vector = Vector(
            name: vector.name, head: vector.head, now: vector.now, accessKeyID: "SomeoneElse", secret: vector.secret,
            stringToSign: vector.stringToSign, canonicalRequest: vector.canonicalRequest)
        do {
            _ = try verify(vector, secret: vector.secret)
            Issue.record("accepted an unknown key")
        } catch let error as OSSError {
            #expect(error.code == .invalidAccessKeyId)
        }
    }

    @Test func expiredAndSkewedRequestsAreRefused() throws {
        for path in Self.vectorFiles {
            let vector = try Self.load(path)
            do {
                _ = try verify(vector, secret: vector.secret, now: vector.now + 86_400 * 30)
                Issue.record("\(vector.name): accepted a month later")
            } catch let error as OSSError {
                let presigned =
                    vector.head.target.contains("Signature=") || vector.head.target.contains("x-oss-signature=")
                #expect(error.code == (presigned ? .accessDenied : .requestTimeTooSkewed), "\(vector.name)")
            }
        }
    }

    @Test func tamperingWithASignedPartFails() throws {
        let vector = try Self.load(Self.vectorFiles.first { $0.hasSuffix("v1-upload-part.json") }!)
        var headers = vector.head.headers
        headers.set("x-oss-meta-author", "mallory")
        let tamperedHeader = Vector(
            name: "header",
            head: HTTPRequestHead(method: "PUT", target: vector.head.target, version: "HTTP/1.1", headers: headers),
            now: vector.now, accessKeyID: vector.accessKeyID, secret: vector.secret, stringToSign: "",
            canonicalRequest: nil)
        let tamperedVerb = Vector(
            name: "verb",
            head: HTTPRequestHead(
                method: "POST", target: vector.head.target, version: "HTTP/1.1", headers: vector.head.headers),
            now: vector.now, accessKeyID: vector.accessKeyID, secret: vector.secret, stringToSign: "",
            canonicalRequest: nil)
        let tamperedQuery = Vector(
            name: "query",
            head: HTTPRequestHead(
                method: "PUT",
                target: vector.head.target.replacingOccurrences(of: "partNumber=1", with: "partNumber=2"),
                version: "HTTP/1.1", headers: vector.head.headers),
            now: vector.now, accessKeyID: vector.accessKeyID, secret: vector.secret, stringToSign: "",
            canonicalRequest: nil)
        for tampered in [tamperedHeader, tamperedVerb, tamperedQuery] {
            #expect(throws: OSSError.self, "\(tampered.name)") { try verify(tampered, secret: vector.secret) }
        }
    }

    @Test func documentedV4VectorFromTheProtocolReference() {
        let request = SignedRequest(
            method: "PUT",
            headers: HTTPHeaders([
                ("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="), ("Content-Type", "text/plain"),
                ("x-oss-meta-author", "alice"), ("x-oss-date", "20240102T030405Z"),
                ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
            ]),
            query: QueryParameters(raw: "partNumber=1&uploadId=0004B9894A22E5B1888A1E29F823ABCD&prefix=a%20b%2Fc%2Bd"),
            bucket: "examplebucket", key: "dir/a b.txt")
        let canonical = SignatureV4.canonicalRequest(
            request, additionalHeaders: [], payloadHash: "UNSIGNED-PAYLOAD", excludingQuery: nil)
        let scope = SignatureV4.Scope(credential: "LTAIexampleAK/20240102/cn-hangzhou/oss/aliyun_v4_request")!
        let stringToSign = SignatureV4.stringToSign(
            canonicalRequest: canonical, timestamp: "20240102T030405Z", scope: scope)
        #expect(stringToSign.hasSuffix("688dde18bba62bc4e4e941254e38709c3c3c75936272dc5d4aed6dfc10044c45"))
        #expect(
            SignatureV4.signature(stringToSign, secret: "exampleSecret", scope: scope)
                == "cb3eeccf0ac249828b3f39bfcad23a8c13bdfcb0ad16da477bcdaaf74c128579")
    }

    @Test func requestsWithoutASignatureAreAnonymous() throws {
        let authenticator = Authenticator(credentials: Credentials(["a": "b"]), enabled: true, maxSkew: 900)
        let verdict = try authenticator.authenticate(
            SignedRequest(
                method: "GET", headers: HTTPHeaders(), query: QueryParameters(raw: "acl"), bucket: "b", key: nil))
        #expect(verdict.isAnonymous)
        #expect(verdict.accessKeyID == nil)
    }

    /// pyv2 and go2 sign an operation's own name where it is outside the union list (`policyStatus`), oss2 and Go v1
    /// do not: either signature is accepted, and one over another parameter is not.
    @Test func unlistedOperationNamesMaySignEitherWay() throws {
        var authenticator = Authenticator(credentials: Credentials(["id": "secret"]), enabled: true, maxSkew: 900)
        let date = "Wed, 02 Dec 2026 06:00:00 GMT"
        authenticator.now = { HTTPDate.parseRFC1123(date)! }
        func request(signing resource: String) -> SignedRequest {
            let stringToSign = "GET\n\n\n\(date)\n\(resource)"
            let signature = SignatureV1.signature(stringToSign, secret: "secret")
            return SignedRequest(
                method: "GET", headers: HTTPHeaders([("Date", date), ("Authorization", "OSS id:\(signature)")]),
                query: QueryParameters(raw: "policyStatus"), bucket: "b", key: nil)
        }
        #expect(try authenticator.authenticate(request(signing: "/b/?policyStatus")).accessKeyID == "id")
        #expect(try authenticator.authenticate(request(signing: "/b/")).accessKeyID == "id")
        #expect(throws: OSSError.self) { try authenticator.authenticate(request(signing: "/b/?policy")) }
    }
}
