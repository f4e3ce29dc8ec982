import Foundation
import Testing

@testable import LocalOSS

/// Runs the shared listing scenarios in `fixtures/listing/` (see its README) against an in-process server.
@Suite(.serialized) struct ListingFixtureTests {
    static let fixtureRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/listing")

    static func files(_ kind: String) -> [String] {
        let directory = fixtureRoot.appendingPathComponent(kind).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { directory + "/" + $0 }
    }

    static func load(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    @Test func fixturesExist() {
        #expect(Self.files("uploads").count >= 5)
        #expect(Self.files("parts").count >= 1)
    }

    @Test(arguments: files("uploads"))
    func uploadListing(_ path: String) throws {
        let fixture = try Self.load(path)
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/fixture-bucket").status == 200)
        var ids: [String] = []
        for key in fixture["uploads"] as! [String] {
            let response = try client.request(
                "POST", "/fixture-bucket/\(Encoding.urlEncode(key))?uploads&encoding-type=url")
            ids.append(try #require(response.xml?.child("UploadId")?.text))
        }
        let substitute = { (value: String) -> String in
            if value.hasPrefix("$"), let index = Int(value.dropFirst()) { return ids[index] }
            return value
        }
        for request in fixture["requests"] as! [[String: Any]] {
            if let query = request["query"] as? [String: String] {
                let page = try listUploads(client, query.mapValues(substitute))
                try check(page, request["expect"] as! [String: Any], substitute, path: path, query: query)
            } else if let walk = request["walk"] as? [String: String] {
                var query = walk.mapValues(substitute)
                let pages = request["expect_pages"] as! [[String: Any]]
                for (index, expect) in pages.enumerated() {
                    let page = try listUploads(client, query)
                    try check(page, expect, substitute, path: path, query: query)
                    let truncated = page.child("IsTruncated")?.text == "true"
                    #expect(truncated == (index < pages.count - 1), "\(path): walk page \(index)")
                    if !truncated { break }
                    query["key-marker"] = urlDecodedText(page.child("NextKeyMarker"), query)
                    query["upload-id-marker"] = page.child("NextUploadIdMarker")?.text ?? ""
                }
            }
        }
    }

    @Test(arguments: files("parts"))
    func partListing(_ path: String) throws {
        let fixture = try Self.load(path)
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/fixture-bucket").status == 200)
        let key = Encoding.urlEncode(fixture["key"] as? String ?? "multipart.bin")
        let id = try client.initiate("fixture-bucket", key)
        let size = fixture["partSize"] as? Int ?? 1024
        var newest: [Int: String] = [:]
        for number in fixture["parts"] as! [Int] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255) }
            let response = try client.request(
                "PUT", "/fixture-bucket/\(key)?partNumber=\(number)&uploadId=\(id)", body: bytes)
            #expect(response.status == 200)
            newest[number] = "\"\(md5Hex(bytes))\""
        }
        for request in fixture["requests"] as! [[String: Any]] where request["unverified"] as? Bool != true {
            var query = (request["query"] ?? request["walk"]) as! [String: String]
            let pages = request["expect_pages"] as? [[String: Any]] ?? [request["expect"] as! [String: Any]]
            for (index, expect) in pages.enumerated() {
                let target = "/fixture-bucket/\(key)?uploadId=\(id)" + query.map { "&\($0.key)=\($0.value)" }.joined()
                let root = try #require(try client.request("GET", target).xml)
                #expect(root.name == "ListPartsResult")
                let numbers = root.children("Part").compactMap { Int($0.child("PartNumber")?.text ?? "") }
                #expect(numbers == expect["parts"] as! [Int], "\(path) \(query)")
                for part in root.children("Part") {
                    let number = Int(part.child("PartNumber")!.text)!
                    #expect(part.child("ETag")?.text == newest[number], "\(path): newest bytes listed for \(number)")
                    #expect(part.child("Size")?.text == String(size))
                }
                if let value = expect["isTruncated"] as? Bool {
                    #expect(root.child("IsTruncated")?.text == String(value), "\(path) \(query)")
                }
                for (field, element) in [
                    ("partNumberMarker", "PartNumberMarker"), ("nextPartNumberMarker", "NextPartNumberMarker"),
                    ("maxParts", "MaxParts"),
                ] {
                    if let value = expect[field] as? Int {
                        #expect(root.child(element)?.text == String(value), "\(path) \(query) \(element)")
                    }
                }
                if request["walk"] != nil {
                    guard root.child("IsTruncated")?.text == "true" else {
                        #expect(index == pages.count - 1, "\(path): walk ended early")
                        break
                    }
                    query["part-number-marker"] = root.child("NextPartNumberMarker")?.text ?? ""
                }
            }
        }
    }

    private func listUploads(_ client: TestHTTPClient, _ query: [String: String]) throws -> XMLElement {
        let target = "/fixture-bucket/?uploads" + query.map { "&\($0.key)=\(Encoding.urlEncode($0.value))" }.joined()
        let response = try client.request("GET", target)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/xml")
        let root = try #require(response.xml)
        #expect(root.name == "ListMultipartUploadsResult")
        for element in [
            "Bucket", "KeyMarker", "UploadIdMarker", "NextKeyMarker", "NextUploadIdMarker", "Delimiter", "Prefix",
            "MaxUploads", "IsTruncated",
        ] {
            #expect(root.child(element) != nil, "missing \(element)")
        }
        #expect((root.child("EncodingType")?.text == "url") == (query["encoding-type"] == "url"))
        return root
    }

    private func check(
        _ root: XMLElement, _ expect: [String: Any], _ substitute: (String) -> String, path: String,
        query: [String: String]
    ) throws {
        let context = "\(path) \(query)"
        if let uploads = expect["uploads"] as? [[String]] {
            let actual = root.children("Upload").map {
                [urlDecodedText($0.child("Key"), query), $0.child("UploadId")?.text ?? ""]
            }
            #expect(actual == uploads.map { [$0[0], substitute($0[1])] }, "\(context)")
        }
        if let prefixes = expect["commonPrefixes"] as? [String] {
            let actual = root.children("CommonPrefixes").map { urlDecodedText($0.child("Prefix"), query) }
            #expect(actual == prefixes, "\(context)")
        }
        if let value = expect["isTruncated"] as? Bool {
            #expect(root.child("IsTruncated")?.text == String(value), "\(context)")
        }
        if let count = expect["uploadCount"] as? Int { #expect(root.children("Upload").count == count, "\(context)") }
        if let count = expect["commonPrefixCount"] as? Int {
            #expect(root.children("CommonPrefixes").count == count, "\(context)")
        }
        if let value = expect["maxUploads"] as? Int { #expect(root.child("MaxUploads")?.text == String(value)) }
        for (field, element, encoded) in [
            ("nextKeyMarker", "NextKeyMarker", true), ("nextUploadIdMarker", "NextUploadIdMarker", false),
            ("keyMarker", "KeyMarker", true), ("uploadIdMarker", "UploadIdMarker", false),
            ("prefix", "Prefix", true), ("delimiter", "Delimiter", true),
        ] {
            guard let value = expect[field] as? String else { continue }
            let actual = encoded ? urlDecodedText(root.child(element), query) : root.child(element)?.text ?? ""
            #expect(actual == substitute(value), "\(context) \(element)")
        }
    }
}
