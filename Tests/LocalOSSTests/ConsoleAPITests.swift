import Foundation
import Testing

@testable import LocalOSS

/// The web console's JSON API through a real server: what it lists is what OSS requests stored, what it writes is
/// what OSS requests read, and none of it reaches the journal.
@Suite(.serialized) struct ConsoleAPITests {
    private func json(_ response: TestHTTPClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    @Test func aFolderIsListedWithItsSubFoldersAndPaged() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        let created = try client.request(
            "POST", "/_localoss/console/api/buckets/folders", text: #"{"acl":"public-read"}"#)
        #expect(created.status == 201)
        #expect(json(created)["acl"] as? String == "public-read")
        for key in ["a/1", "a/2", "b", "c"] {
            #expect(try client.request("PUT", "/folders/\(key)", text: "x").status == 200)
        }

        let root = json(try client.request("GET", "/_localoss/console/api/buckets/folders/objects"))
        #expect(root["prefixes"] as? [String] == ["a/"])
        #expect((root["objects"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["b", "c"])
        #expect(root["isTruncated"] as? Bool == false)

        let first = json(try client.request("GET", "/_localoss/console/api/buckets/folders/objects?max=2"))
        #expect(first["prefixes"] as? [String] == ["a/"])
        #expect(first["isTruncated"] as? Bool == true)
        #expect(first["nextMarker"] as? String == "b")
        let next = json(try client.request("GET", "/_localoss/console/api/buckets/folders/objects?max=2&marker=b"))
        #expect((next["objects"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["c"])

        let missing = try client.request("GET", "/_localoss/console/api/buckets/nothing-here/objects")
        #expect(missing.status == 404)
        #expect(json(missing)["error"] as? String == "NoSuchBucket")
        #expect(try client.request("GET", "/_localoss/requests/count?bucket=folders").text == #"{"count":4}"#)
    }

    @Test func aPageUploadIsARealMultipartUpload() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/uploads").status == 200)
        let api = "/_localoss/console/api/buckets/uploads"
        let initiated = try client.request("POST", "\(api)/uploads?key=dir/big.bin&contentType=video/mp4", text: "")
        #expect(initiated.status == 201)
        let uploadID = try #require(json(initiated)["uploadId"] as? String)
        let part = [UInt8](repeating: 7, count: 200 * 1024)
        #expect(
            try client.request("PUT", "\(api)/uploads/\(uploadID)/parts/1?key=dir/big.bin", body: part).status == 200)

        let listed = try #require(
            (json(try client.request("GET", "\(api)/uploads"))["uploads"] as? [[String: Any]])?.first)
        #expect(listed["uploadId"] as? String == uploadID)
        let parts = try #require(listed["parts"] as? [[String: Any]])
        #expect(parts.count == 1)
        #expect(parts[0]["size"] as? Int == part.count)
        #expect(parts[0]["etag"] as? String == "\"\(md5Hex(part))\"")
        #expect(parts[0]["crc64"] as? String == String(CRC64.checksum(part)))
        // OSS sees the same upload.
        let ossListing = try client.request("GET", "/uploads?uploads").text
        #expect(ossListing.contains("<UploadId>\(uploadID)</UploadId>"))

        #expect(
            try client.request("POST", "\(api)/uploads/\(uploadID)/complete?key=dir/big.bin", text: "").status == 200)
        let object = try client.request("GET", "/uploads/dir/big.bin")
        #expect(object.body == part)
        #expect(object.header("Content-Type") == "video/mp4")
        #expect(object.header("x-oss-object-type") == "Multipart")
        let download = try client.request("GET", "\(api)/download?key=dir/big.bin")
        #expect(download.body == part)
        #expect(download.header("Content-Disposition") == "attachment; filename*=UTF-8''big%2Ebin")
        // Only the three OSS requests (PutBucket, ListMultipartUploads, GetObject) are journaled.
        #expect(try client.request("GET", "/_localoss/requests/count").text == #"{"count":3}"#)
    }

    @Test func theJournalKeepsTheReplysHeadersAndErrorBody() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("GET", "/absent-bucket/k").status == 404)
        let records = try #require(
            json(try client.request("GET", "/_localoss/requests?status=404"))["requests"] as? [[String: Any]])
        #expect(records.count == 1)
        let body = try #require(records[0]["errorBody"] as? String)
        #expect(body.contains("<Code>NoSuchBucket</Code>"))
        #expect((records[0]["responseHeaders"] as? [String: String])?["Content-Type"] == "application/xml")
    }

    @Test func theConsoleCookieCarriesTheToken() {
        #expect(ConsoleAssets.cookieToken("a=b; localoss_console=T%3B0k") == "T;0k")
        #expect(ConsoleAssets.cookieToken("a=b") == nil)
        #expect(
            ConsoleAssets.cookie("T;0k")
                == "localoss_console=T%3B0k; Path=/_localoss/console; HttpOnly; SameSite=Strict")
    }
}
