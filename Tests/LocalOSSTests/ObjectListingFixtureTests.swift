import Foundation
import Testing

@testable import LocalOSS

/// Runs the shared ListObjects / ListObjectsV2 scenarios in `fixtures/listing/objects/` against an in-process server.
@Suite(.serialized) struct ObjectListingFixtureTests {
    @Test func fixturesExist() { #expect(ListingFixtureTests.files("objects").count >= 4) }

    @Test(arguments: ListingFixtureTests.files("objects"))
    func objectListing(_ path: String) throws {
        let fixture = try ListingFixtureTests.load(path)
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/fixture-bucket").status == 200)
        for key in fixture["objects"] as! [String] {
            #expect(try client.request("PUT", "/fixture-bucket/\(Encoding.urlEncode(key))", text: key).status == 200)
        }
        for request in fixture["requests"] as! [[String: Any]] {
            let version = request["version"] as? Int ?? 1
            var query = (request["query"] ?? request["walk"]) as! [String: String]
            let pages = request["expect_pages"] as? [[String: Any]] ?? [request["expect"] as! [String: Any]]
            for (index, expect) in pages.enumerated() {
                let root = try list(client, query, version: version)
                check(root, expect, query: query, context: "\(path) v\(version) \(query)")
                guard request["walk"] != nil else { break }
                let truncated = root.child("IsTruncated")?.text == "true"
                #expect(truncated == (index < pages.count - 1), "\(path): walk page \(index)")
                guard truncated else { break }
                if version == 2 {
                    query["continuation-token"] = root.child("NextContinuationToken")?.text ?? ""
                } else {
                    query["marker"] = urlDecodedText(root.child("NextMarker"), query)
                }
            }
        }
    }

    private func list(_ client: TestHTTPClient, _ query: [String: String], version: Int) throws -> XMLElement {
        var target = "/fixture-bucket/?" + (version == 2 ? "list-type=2" : "")
        target += query.map { "&\($0.key)=\(Encoding.urlEncode($0.value))" }.joined()
        let response = try client.request("GET", target)
        #expect(response.status == 200)
        let root = try #require(response.xml)
        #expect(root.name == "ListBucketResult")
        #expect((root.child("EncodingType")?.text == "url") == (query["encoding-type"] == "url"))
        for content in root.children("Contents") {
            for element in ["Key", "LastModified", "ETag", "Type", "Size", "StorageClass"] {
                #expect(content.child(element) != nil, "Contents without \(element)")
            }
        }
        return root
    }

    private func check(_ root: XMLElement, _ expect: [String: Any], query: [String: String], context: String) {
        if let keys = expect["keys"] as? [String] {
            #expect(root.children("Contents").map { urlDecodedText($0.child("Key"), query) } == keys, "\(context)")
        }
        if let prefixes = expect["commonPrefixes"] as? [String] {
            #expect(
                root.children("CommonPrefixes").map { urlDecodedText($0.child("Prefix"), query) } == prefixes,
                "\(context)")
        }
        if let value = expect["isTruncated"] as? Bool {
            #expect(root.child("IsTruncated")?.text == String(value), "\(context)")
        }
        if expect.keys.contains("nextMarker") {
            if let marker = expect["nextMarker"] as? String {
                #expect(urlDecodedText(root.child("NextMarker"), query) == marker, "\(context) NextMarker")
            } else {
                #expect(root.child("NextMarker") == nil, "\(context): NextMarker on a last page")
            }
        }
        for (field, element) in [("maxKeys", "MaxKeys"), ("keyCount", "KeyCount")] {
            if let value = expect[field] as? Int { #expect(root.child(element)?.text == String(value), "\(context)") }
        }
        if let count = expect["objectCount"] as? Int { #expect(root.children("Contents").count == count, "\(context)") }
        if let count = expect["commonPrefixCount"] as? Int {
            #expect(root.children("CommonPrefixes").count == count, "\(context)")
        }
        for (field, element) in [
            ("marker", "Marker"), ("prefix", "Prefix"), ("delimiter", "Delimiter"), ("startAfter", "StartAfter"),
        ] {
            if let value = expect[field] as? String {
                #expect(urlDecodedText(root.child(element), query) == value, "\(context) \(element)")
            }
        }
    }
}
