import Foundation
import Testing

@testable import LocalOSS

/// Copies share blob files by name (no hard links): a copy adds no file, and a file goes only when no object or part
/// names it any more.
@Suite(.serialized) struct SharedBlobTests {
    static func blobFiles(_ server: TestServer) -> Int {
        let root = server.dataDirectory + "/blobs"
        let fanOut = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return fanOut.reduce(0) { count, directory in
            count + ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + directory))?.count ?? 0)
        }
    }

    @Test func copiesAddNoFilesAndDeletesFreeOnlyUnsharedOnes() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
        #expect(try client.request("PUT", "/bkt/source", text: "shared bytes").status == 200)
        #expect(Self.blobFiles(server) == 1)
        for target in ["copy-1", "copy-2"] {
            let copy = try client.request("PUT", "/bkt/\(target)", headers: [("x-oss-copy-source", "/bkt/source")])
            #expect(copy.status == 200)
        }
        // A copy onto itself (REPLACE metadata) must not free the file it keeps naming.
        let onto = try client.request(
            "PUT", "/bkt/source",
            headers: [("x-oss-copy-source", "/bkt/source"), ("x-oss-metadata-directive", "REPLACE")])
        #expect(onto.status == 200)
        #expect(Self.blobFiles(server) == 1)
        #expect(try client.request("DELETE", "/bkt/source").status == 204)
        #expect(try client.request("GET", "/bkt/copy-1").text == "shared bytes")
        #expect(Self.blobFiles(server) == 1)
        // Overwriting one copy leaves the other whole.
        #expect(try client.request("PUT", "/bkt/copy-1", text: "new").status == 200)
        #expect(try client.request("GET", "/bkt/copy-2").text == "shared bytes")
        #expect(Self.blobFiles(server) == 2)
        #expect(try client.request("DELETE", "/bkt/copy-2").status == 204)
        #expect(Self.blobFiles(server) == 1)
        #expect(try client.request("DELETE", "/bkt/copy-1").status == 204)
        #expect(Self.blobFiles(server) == 0)
    }

    @Test func aPartSharedByACompletedObjectAndAnUploadPartCopySurvivesBoth() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
        let id = try client.initiate("bkt", "whole")
        let part = try client.request("PUT", "/bkt/whole?partNumber=1&uploadId=\(id)", text: "part one")
        let etag = part.header("ETag") ?? ""
        let complete = try client.request(
            "POST", "/bkt/whole?uploadId=\(id)",
            text: "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\(etag)</ETag></Part>"
                + "</CompleteMultipartUpload>")
        #expect(complete.status == 200)
        #expect(try client.request("PUT", "/bkt/copy", headers: [("x-oss-copy-source", "/bkt/whole")]).status == 200)
        #expect(try client.request("DELETE", "/bkt/whole").status == 204)
        #expect(try client.request("GET", "/bkt/copy").text == "part one")
        #expect(Self.blobFiles(server) == 1)
    }
}
