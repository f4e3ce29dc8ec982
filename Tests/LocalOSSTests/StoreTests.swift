import Foundation
import Testing

@testable import LocalOSS

/// The stores on a temporary directory, with no socket and no HTTP: bytes come from memory through `ByteSource`.
@Suite struct StoreTests {
    final class Stores {
        let root = NSTemporaryDirectory() + "localoss-store-" + UUID().uuidString
        let blobs: BlobStore
        let metadata: MetadataStore
        let objects: ObjectStore
        let multipart: MultipartStore
        let bucket: BucketName

        init() throws {
            blobs = try BlobStore(root: root, durable: false)
            metadata = try MetadataStore(path: root + "/metadata.sqlite", durable: false)
            objects = ObjectStore(metadata: metadata, blobs: blobs)
            multipart = MultipartStore(metadata: metadata, blobs: blobs, objects: objects)
            bucket = try BucketName(validating: "store-bucket")
            try objects.createBucket(bucket, acl: nil, storageClass: nil, redundancy: nil)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func address(_ key: String) throws -> ObjectAddress {
            ObjectAddress(bucket: bucket, key: try ObjectKey(validating: Array(key.utf8)))
        }

        func put(_ key: String, _ bytes: [UInt8], expected: ExpectedDigests = ExpectedDigests()) throws -> ObjectRecord
        {
            try objects.putObject(
                try address(key), body: InMemoryBytes(bytes: bytes, chunkSize: 4096),
                options: ObjectStore.PutOptions(
                    metadata: ObjectMetadata(contentType: "application/octet-stream", headers: []), expected: expected,
                    acl: .default, storageClass: nil, forbidOverwrite: false))
        }

        func read(_ key: String, _ selection: ByteSelection = .all) throws -> [UInt8] {
            let (_, reader) = try objects.openObject(try address(key)) { _ in selection }
            return try reader.allBytes()
        }
    }

    @Test func putGetRangeAndDelete() throws {
        let stores = try Stores()
        let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let record = try stores.put("k", bytes)
        #expect(record.size == 20_000)
        #expect(record.etag == "\"\(Encoding.upperHex(EVPDigest.hash(.md5, bytes)))\"")
        #expect(record.crc64 == CRC64.checksum(bytes))
        #expect(try stores.read("k") == bytes)
        #expect(try stores.read("k", .range(offset: 9_999, length: 3)) == Array(bytes[9_999..<10_002]))
        try stores.objects.deleteObject(try stores.address("k"))
        #expect(throws: OSSError.self) { try stores.read("k") }
    }

    @Test func aWrongDigestStoresNothing() throws {
        let stores = try Stores()
        #expect(throws: OSSError.self) {
            try stores.put("k", Array("body".utf8), expected: ExpectedDigests(md5: Array(repeating: 0, count: 16)))
        }
        #expect(throws: OSSError.self) { try stores.objects.object(try stores.address("k")) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: stores.root + "/tmp")
        #expect(leftovers.isEmpty)
    }

    @Test func multipartCompletionAndRangesAcrossParts() throws {
        let stores = try Stores()
        let address = try stores.address("multi")
        let upload = try stores.multipart.initiate(
            address,
            options: MultipartStore.InitiateOptions(
                metadata: ObjectMetadata(contentType: "text/plain", headers: []), storageClass: nil, acl: .default,
                forbidOverwrite: false))
        let parts: [[UInt8]] = [
            Array(repeating: 0x61, count: 102_400), Array(repeating: 0x62, count: 102_400), Array("tail".utf8),
        ]
        var listed: [(number: Int, etag: String)] = []
        for (index, bytes) in parts.enumerated() {
            let part = try stores.multipart.uploadPart(
                address, uploadID: upload.uploadID, part: try PartNumber(validating: String(index + 1)),
                body: InMemoryBytes(bytes: bytes), expected: ExpectedDigests())
            listed.append((number: index + 1, etag: "\"\(Encoding.upperHex(part.md5))\""))
        }
        let object = try stores.multipart.complete(
            address, uploadID: upload.uploadID, selection: .listed(listed), forbidOverwrite: false, acl: nil)
        #expect(object.size == 204_804)
        #expect(object.crc64 == CRC64.checksum(parts.flatMap { $0 }))
        let across = try stores.read("multi", .range(offset: 102_398, length: 4))
        #expect(across == [0x61, 0x61, 0x62, 0x62])
        #expect(try stores.read("multi", .range(offset: 204_800, length: 4)) == Array("tail".utf8))
    }
}
