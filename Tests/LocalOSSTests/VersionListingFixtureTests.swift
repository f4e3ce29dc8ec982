import Foundation
import Testing

@testable import LocalOSS

/// Runs the shared ListObjectVersions scenarios in `fixtures/listing/versions/` against an in-process server.
@Suite(.serialized) struct VersionListingFixtureTests {
    @Test func fixturesExist() { #expect(ListingFixtureTests.files("versions").count >= 2) }

    @Test(arguments: ListingFixtureTests.files("versions"))
    func versionListing(_ path: String) throws {
        let fixture = try ListingFixtureTests.load(path)
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/fixture-bucket").status == 200)
        var ids: [String?] = []
        for operation in fixture["operations"] as! [[String: String]] {
            if let status = operation["versioning"] {
                let body = "<VersioningConfiguration><Status>\(status)</Status></VersioningConfiguration>"
                #expect(try client.request("PUT", "/fixture-bucket/?versioning", text: body).status == 200)
                ids.append(nil)
            } else if let key = operation["put"] {
                let response = try client.request("PUT", "/fixture-bucket/\(Encoding.urlEncode(key))", text: key)
                #expect(response.status == 200)
                ids.append(response.header("x-oss-version-id"))
            } else if let key = operation["delete"] {
                let response = try client.request("DELETE", "/fixture-bucket/\(Encoding.urlEncode(key))")
                #expect(response.status == 204)
                ids.append(response.header("x-oss-version-id"))
            }
        }
        func substitute(_ value: String) -> String {
            guard value.hasPrefix("$"), let index = Int(value.dropFirst()) else { return value }
            return ids[index] ?? ""
        }
        for request in fixture["requests"] as! [[String: Any]] {
            var query = ((request["query"] ?? request["walk"]) as! [String: String]).mapValues(substitute)
            let pages = request["expect_pages"] as? [[String: Any]] ?? [request["expect"] as! [String: Any]]
            for (index, expect) in pages.enumerated() {
                let target =
                    "/fixture-bucket/?versions" + query.map { "&\($0.key)=\(Encoding.urlEncode($0.value))" }.joined()
                let response = try client.request("GET", target)
                let context = "\(path) \(query)"
                if let status = expect["status"] as? Int {
                    #expect(response.status == status, "\(context)")
                    if let ec = expect["ec"] as? String { #expect(response.xml?.child("EC")?.text == ec, "\(context)") }
                    if let code = expect["code"] as? String { #expect(response.errorCode == code, "\(context)") }
                    break
                }
                #expect(response.status == 200, "\(context)")
                let root = try #require(response.xml)
                #expect(root.name == "ListVersionsResult")
                if let entries = expect["entries"] as? [[Any]] {
                    let listed = root.children.compactMap { element -> [String]? in
                        guard element.name == "Version" || element.name == "DeleteMarker" else { return nil }
                        return [
                            urlDecodedText(element.child("Key"), query), element.child("VersionId")?.text ?? "",
                            element.name == "DeleteMarker" ? "M" : "V", element.child("IsLatest")?.text ?? "",
                        ]
                    }
                    let wanted = entries.map {
                        [$0[0] as! String, substitute($0[1] as! String), $0[2] as! String, String($0[3] as! Bool)]
                    }
                    #expect(listed == wanted, "\(context)")
                }
                if let prefixes = expect["commonPrefixes"] as? [String] {
                    #expect(
                        root.children("CommonPrefixes").map { urlDecodedText($0.child("Prefix"), query) } == prefixes,
                        "\(context)")
                }
                let truncated = root.child("IsTruncated")?.text == "true"
                if let value = expect["isTruncated"] as? Bool { #expect(truncated == value, "\(context)") }
                if !truncated { #expect(root.child("NextKeyMarker") == nil, "\(context)") }
                if let marker = expect["nextKeyMarker"] as? String {
                    #expect(urlDecodedText(root.child("NextKeyMarker"), query) == marker, "\(context)")
                }
                if let marker = expect["nextVersionIdMarker"] as? String {
                    #expect(root.child("NextVersionIdMarker")?.text == substitute(marker), "\(context)")
                }
                guard request["walk"] != nil else { break }
                #expect(truncated == (index < pages.count - 1), "\(path): walk page \(index)")
                guard truncated else { break }
                query["key-marker"] = urlDecodedText(root.child("NextKeyMarker"), query)
                query["version-id-marker"] = root.child("NextVersionIdMarker")?.text ?? ""
            }
        }
    }
}
