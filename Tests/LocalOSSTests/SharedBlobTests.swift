import Foundation
import Testing

@testable import LocalOSS

#if canImport(Glibc)
    import Glibc
#endif

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

    /// Rows of `inline_blobs`: the bytes of small objects.
    static func inlineBlobs(_ server: TestServer) throws -> Int {
        let database = try Database(path: server.dataDirectory + "/metadata.sqlite")
        let statement = try database.prepare("SELECT COUNT(*) FROM inline_blobs")
        _ = try statement.step()
        return Int(statement.int(0))
    }

    /// Larger than `InlineBlob.maxSize`, so it is a file.
    static let sharedText = String(repeating: "shared bytes ", count: 6_000)

    @Test func copiesAddNoFilesAndDeletesFreeOnlyUnsharedOnes() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
        #expect(try client.request("PUT", "/bkt/source", text: Self.sharedText).status == 200)
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
        #expect(try client.request("GET", "/bkt/copy-1").text == Self.sharedText)
        #expect(Self.blobFiles(server) == 1)
        // Overwriting one copy leaves the other whole.
        #expect(try client.request("PUT", "/bkt/copy-1", text: Self.sharedText + "new").status == 200)
        #expect(try client.request("GET", "/bkt/copy-2").text == Self.sharedText)
        #expect(Self.blobFiles(server) == 2)
        #expect(try client.request("DELETE", "/bkt/copy-2").status == 204)
        #expect(Self.blobFiles(server) == 1)
        #expect(try client.request("DELETE", "/bkt/copy-1").status == 204)
        #expect(Self.blobFiles(server) == 0)
    }

    /// A small object is a row, not a file; copies share the row, which goes with the last object naming it.
    @Test func smallObjectsAreRowsSharedByCopies() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
        let small = String(repeating: "s", count: InlineBlob.maxSize)
        #expect(try client.request("PUT", "/bkt/source", text: small).status == 200)
        #expect(try client.request("PUT", "/bkt/empty", text: "").status == 200)
        #expect(Self.blobFiles(server) == 0)
        #expect(try Self.inlineBlobs(server) == 2)
        #expect(try client.request("PUT", "/bkt/copy", headers: [("x-oss-copy-source", "/bkt/source")]).status == 200)
        #expect(try Self.inlineBlobs(server) == 2)
        #expect(try client.request("DELETE", "/bkt/source").status == 204)
        #expect(try Self.inlineBlobs(server) == 2)
        #expect(try client.request("GET", "/bkt/copy").text == small)
        let range = try client.request("GET", "/bkt/copy", headers: [("Range", "bytes=10-19")])
        #expect(range.status == 206)
        #expect(range.text == String(repeating: "s", count: 10))
        #expect(try client.request("GET", "/bkt/empty").text == "")
        // One byte more is a file.
        #expect(try client.request("PUT", "/bkt/copy", text: small + "s").status == 200)
        #expect(try Self.inlineBlobs(server) == 1)
        #expect(Self.blobFiles(server) == 1)
        #expect(try client.request("DELETE", "/bkt/empty").status == 204)
        #expect(try Self.inlineBlobs(server) == 0)
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

    @Test func aDownloadSurvivesADeleteOfItsObjectAndFreesTheFilesAfterwards() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
        // Three appends: three blobs, more bytes than the socket buffers hold, so the GET is still streaming when
        // the DELETE commits.
        var whole: [UInt8] = []
        for index in 0..<3 {
            let chunk = (0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
            let append = try client.request(
                "POST", "/bkt/big?append&position=\(whole.count)", body: chunk)
            #expect(append.status == 200)
            whole += chunk
        }
        let reader = try server.client()
        try reader.send(Array("GET /bkt/big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        usleep(100_000)
        #expect(try client.request("DELETE", "/bkt/big").status == 204)
        #expect(try client.request("GET", "/bkt/big").status == 404)
        let download = try reader.readResponse()
        #expect(download.status == 200)
        #expect(download.body == whole)
        // The reader let go of its pins when its response was done.
        var remaining = Self.blobFiles(server)
        for _ in 0..<50 where remaining > 0 {
            usleep(20_000)
            remaining = Self.blobFiles(server)
        }
        #expect(remaining == 0)
    }

    @Test func aSmallRangeOfAnObjectOfManyAppendsOpensFewFiles() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        #expect(try client.request("PUT", "/bkt").status == 200)
        for index in 0..<1_100 {
            let append = try client.request(
                "POST", "/bkt/log?append&position=\(index * 4)", text: String(format: "%04d", index))
            #expect(append.status == 200)
        }
        let range = try client.request("GET", "/bkt/log", headers: [("Range", "bytes=4000-4011")])
        #expect(range.status == 206)
        #expect(range.text == "100010011002")
        let all = try client.request("GET", "/bkt/log")
        #expect(all.body.count == 4_400)
    }

    @Test func aReaderCutToARangeKeepsOnlyThePiecesItNeedsAndPinsUntilReleased() throws {
        let root = NSTemporaryDirectory() + "localoss-blobs-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let blobs = try BlobStore(root: root, durable: false)
        var extents: [Extent] = []
        for index in 0..<1_000 {
            let bytes = Array(String(format: "%04d", index).utf8)
            let staged = try blobs.stage { write in try bytes.withUnsafeBytes { try write($0) } }
            extents.append(Extent(blob: try blobs.commit(staged), size: 4))
        }
        let names = extents.map(\.blob)
        let generation = blobs.removalGeneration
        #expect(blobs.pin(names, since: generation))
        var reader: ObjectReader? = ObjectReader(blobs: blobs, extents: extents, pinned: names)
        reader!.restrict(offset: 2_001, length: 6)
        #expect(reader!.pieces.map(\.length) == [3, 3])
        blobs.remove(names)  // a concurrent delete committed: the files must stay while the reader lives
        var read: [UInt8] = []
        try reader!.forEachChunk { chunk in
            guard case .file(let fd, let offset, let length) = chunk else {
                Issue.record("file blobs read as memory")
                return
            }
            var buffer = [UInt8](repeating: 0, count: Int(length))
            #expect(pread(fd, &buffer, Int(length), off_t(offset)) == Int(length))
            read += buffer
        }
        #expect(String(decoding: read, as: UTF8.self) == "500050")
        #expect(FileManager.default.fileExists(atPath: root + "/blobs/" + names[0].prefix(2) + "/" + names[0]))
        reader = nil
        #expect(!FileManager.default.fileExists(atPath: root + "/blobs/" + names[0].prefix(2) + "/" + names[0]))
        // A pin after a removal it did not see fails, so the caller reads a fresh snapshot.
        #expect(!blobs.pin([names[1]], since: generation))
    }
}
