import Foundation
import Testing

@testable import LocalOSS

/// A data directory written by the first release (schema 1, `fixtures/upgrade/`, made by its `make_v1_data.py`)
/// opens, migrates and serves everything it held: objects of every kind, metadata, ACLs and an upload in progress.
@Suite(.serialized) struct UpgradeTests {
    static let fixtures = ListingFixtureTests.fixtureRoot.deletingLastPathComponent().appendingPathComponent("upgrade")

    static func unpack() throws -> String {
        let directory = NSTemporaryDirectory() + "localoss-upgrade-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xzf", fixtures.appendingPathComponent("v1-data.tar.gz").path, "-C", directory]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        return directory + "/data"
    }

    static func schemaVersion(_ dataDirectory: String) throws -> Int64 {
        let database = try Database(path: dataDirectory + "/metadata.sqlite")
        let statement = try database.prepare("PRAGMA user_version")
        _ = try statement.step()
        return statement.int(0)
    }

    @Test func aSchemaOneDataDirectoryMigratesAndServesWhatItHeld() throws {
        let manifestData = try Data(contentsOf: Self.fixtures.appendingPathComponent("v1-data.json"))
        let manifest = try JSONSerialization.jsonObject(with: manifestData) as! [String: Any]
        let dataDirectory = try Self.unpack()
        defer { try? FileManager.default.removeItem(atPath: dataDirectory + "/..") }
        #expect(try Self.schemaVersion(dataDirectory) == 1)

        let server = try TestServer(dataDirectory: dataDirectory)
        let client = try server.client()
        let bucket = manifest["bucket"] as! String
        for (key, expected) in manifest["objects"] as! [String: [String: Any]] {
            let response = try client.request("GET", "/\(bucket)/\(key)")
            #expect(response.status == 200, "\(key)")
            #expect(Encoding.lowerHex(EVPDigest.hash(.md5, response.body)) == expected["md5"] as? String, "\(key)")
        }
        // Extents got their start offsets in the migration: a range across the part boundary reads both parts.
        let boundary = 100 * 1024
        let across = try client.request(
            "GET", "/\(bucket)/dir/multi.bin", headers: [("Range", "bytes=\(boundary - 2)-\(boundary + 2)")])
        #expect(across.status == 206)
        let partOneEnd: [UInt8] = (boundary - 2..<boundary).map { (index: Int) -> UInt8 in UInt8((index * 7 + 1) % 251)
        }
        #expect(across.body == partOneEnd + Array("the".utf8))
        let plain = try client.request("HEAD", "/\(bucket)/plain.txt")
        #expect(plain.header("Content-Type") == "text/plain")
        #expect(plain.header("x-oss-meta-color") == "blue")
        let acl = try client.request("GET", "/\(bucket)/plain.txt?acl")
        #expect(acl.xml?.child("AccessControlList")?.child("Grant")?.text == "private")
        let bucketACL = try client.request("GET", "/\(bucket)?acl")
        #expect(bucketACL.xml?.child("AccessControlList")?.child("Grant")?.text == manifest["bucket_acl"] as? String)

        // The appendable object takes more appends at its length.
        let length = (manifest["appendable"] as! [String: Int])["log.txt"]!
        let append = try client.request("POST", "/\(bucket)/log.txt?append&position=\(length)", text: "fourth\n")
        #expect(append.status == 200)
        #expect(append.header("x-oss-next-append-position") == String(length + 7))

        // The upload in progress lists its parts and completes.
        let pending = manifest["pending_upload"] as! [String: Any]
        let uploadKey = pending["key"] as! String
        let uploadID = pending["upload_id"] as! String
        let parts = pending["parts"] as! [[String: Any]]
        let listed = try client.request("GET", "/\(bucket)/\(uploadKey)?uploadId=\(uploadID)")
        #expect(
            listed.xml?.children("Part").compactMap { $0.child("ETag")?.text }
                == parts.map { "\"\($0["etag"] as! String)\"" })
        let body = parts.map {
            "<Part><PartNumber>\($0["number"] as! Int)</PartNumber><ETag>\"\($0["etag"] as! String)\"</ETag></Part>"
        }.joined()
        let complete = try client.request(
            "POST", "/\(bucket)/\(uploadKey)?uploadId=\(uploadID)",
            text: "<CompleteMultipartUpload>\(body)</CompleteMultipartUpload>")
        #expect(complete.status == 200)
        let completed = try client.request("GET", "/\(bucket)/\(uploadKey)")
        #expect(completed.body.count == parts.reduce(0) { $0 + ($1["size"] as! Int) })

        // The first release hard-linked copies; deleting one side leaves the other whole.
        #expect(try client.request("DELETE", "/\(bucket)/plain.txt").status == 204)
        #expect(try client.request("GET", "/\(bucket)/copy-of-plain.txt").status == 200)
        server.stop()
        #expect(try Self.schemaVersion(dataDirectory) == Int64(Schema.currentVersion))

        // And it opens again under the new schema with everything where it was.
        let again = try TestServer(dataDirectory: dataDirectory)
        defer { again.stop() }
        let second = try again.client()
        #expect(try second.request("GET", "/\(bucket)/dir/multi.bin").status == 200)
        #expect(try second.request("GET", "/\(bucket)/\(uploadKey)").body.count == completed.body.count)
    }
}
