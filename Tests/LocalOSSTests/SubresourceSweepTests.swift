import Foundation
import Testing

@testable import LocalOSS

/// The sweep over a real socket: every method × level × OSS sub-resource that LocalOSS does not implement, sent
/// with a body, must be refused with an OSS error and leave every object, upload, bucket and listing as it was.
@Suite(.serialized) struct SubresourceSweepTests {
    struct Snapshot: Equatable {
        var object: [UInt8]
        var etag: String?
        var objectACL: String
        var listing: [UInt8]
        var uploads: [UInt8]
        var buckets: [UInt8]
        var bucketACL: String
    }

    static func snapshot(_ client: TestHTTPClient) throws -> Snapshot {
        let object = try client.request("GET", "/sweep-bucket/some/key")
        return Snapshot(
            object: object.body, etag: object.header("ETag"),
            objectACL: try client.request("GET", "/sweep-bucket/some/key?acl").xml?.child("AccessControlList")?
                .child("Grant")?.text ?? "?",
            listing: try client.request("GET", "/sweep-bucket/").body,
            uploads: try client.request("GET", "/sweep-bucket/?uploads").body,
            buckets: try client.request("GET", "/").body,
            bucketACL: try client.request("GET", "/sweep-bucket/?acl").xml?.child("AccessControlList")?
                .child("Grant")?.text ?? "?")
    }

    @Test func unimplementedSubresourcesChangeNothing() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/sweep-bucket").status == 200)
        #expect(try client.request("PUT", "/sweep-bucket/some/key", text: "original bytes").status == 200)
        #expect(try client.request("PUT", "/sweep-bucket/other", text: "x").status == 200)
        _ = try client.initiate("sweep-bucket", "in/progress")
        let before = try Self.snapshot(client)
        #expect(before.objectACL == "default")

        let fixture = SubresourceGateTests.fixture
        var sent = 0
        var statuses: [String: Int] = [:]
        for name in fixture.allNames {
            for level in ResourceLevel.allCases {
                for method in fixture.methods where !fixture.implements(method, level, name) {
                    let target = SubresourceGateTests.target(level, query: "\(name)=v")
                    let body = method == "GET" || method == "HEAD" ? "" : "<Sweep>replacement body</Sweep>"
                    let response = try client.request(method, target, text: body)
                    sent += 1
                    let code =
                        method == "HEAD"
                        ? response.header("x-oss-err").flatMap { Encoding.base64Decode($0) }
                            .flatMap { try? XMLDocument.parse($0) }?.child("Code")?.text
                        : response.errorCode
                    statuses["\(response.status) \(code ?? "-")", default: 0] += 1
                    #expect(
                        [
                            "400 NotImplemented", "405 MethodNotAllowed", "400 InvalidArgument", "400 BadRequest",
                        ].contains("\(response.status) \(code ?? "-")"), "\(method) \(target) → \(response.status)")
                }
            }
            #expect(try Self.snapshot(client) == before, "state changed by a request naming ?\(name)")
        }
        #expect(sent > 1_000)
        #expect(statuses["400 NotImplemented", default: 0] > 50)
        #expect(statuses["405 MethodNotAllowed", default: 0] > 100)
    }
}
