import Testing

@testable import LocalOSS

@Suite struct DigestTests {
    @Test func md5KnownVectors() {
        #expect(md5Hex([]) == "D41D8CD98F00B204E9800998ECF8427E")
        #expect(md5Base64([]) == "1B2M2Y8AsgTpgAmY7PhCfg==")
        #expect(md5Hex(Array("hello".utf8)) == "5D41402ABC4B2A76B9719D911017C592")
        #expect(md5Base64(Array("hello".utf8)) == "XUFAKrxLKna5cZ2REBfFkg==")
    }

    @Test func crc64CheckValueIsCRC64XZ() {
        #expect(CRC64.checksum(Array("123456789".utf8)) == 0x995D_C9BB_DF19_39FA)
        #expect(CRC64.checksum(Array("hello".utf8)) == 11_177_612_005_948_864_433)
        #expect(CRC64.checksum([]) == 0)
    }

    @Test func crc64StreamsAcrossChunks() {
        var crc = CRC64()
        for piece in ["hel", "lo ", "world"] { Array(piece.utf8).withUnsafeBytes { crc.update($0) } }
        #expect(crc.value == 5_981_764_153_023_615_706)
    }

    @Test func crc64CombineMatchesOSSVectors() {
        let hello = CRC64.checksum(Array("hello ".utf8))
        let world = CRC64.checksum(Array("world".utf8))
        #expect(CRC64.combine(hello, world, secondLength: 5) == 5_981_764_153_023_615_706)
        let partA = CRC64.checksum([UInt8](repeating: UInt8(ascii: "a"), count: 102_400))
        let partB = CRC64.checksum([UInt8](repeating: UInt8(ascii: "b"), count: 10))
        #expect(partA == 12_696_911_168_479_852_064)
        #expect(partB == 16_332_867_268_285_949_405)
        #expect(CRC64.combine(partA, partB, secondLength: 10) == 88_389_505_591_002_533)
        #expect(CRC64.combine(partA, 0, secondLength: 0) == partA)
    }

    @Test func base64RoundTripsAndRejectsMalformedInput() {
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8($0 * 37 & 0xFF) }
            #expect(Encoding.base64Decode(Encoding.base64(bytes)) == bytes)
        }
        #expect(Encoding.base64Decode("abc") == nil)
        #expect(Encoding.base64Decode("a=bc") == nil)
        #expect(Encoding.base64Decode("!!!!") == nil)
    }

    @Test func urlEncodingKeepsOnlyUnreservedBytes() {
        #expect(Encoding.urlEncode("a b+c/文") == "a%20b%2Bc%2F%E6%96%87")
        #expect(Encoding.urlEncode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(Encoding.urlEncode("a/b c", keepSlash: true) == "a/b%20c")
    }

    @Test func multipartETagFollowsTheDocumentedVector() {
        let upload = UploadRecord(
            uploadID: "X", bucket: "b", key: "k", initiated: 0,
            metadata: ObjectMetadata(contentType: "application/octet-stream", headers: []), storageClass: .standard,
            acl: .default, forbidOverwrite: false, sequential: false)
        let partA = [UInt8](repeating: UInt8(ascii: "a"), count: 102_400)
        let partB = [UInt8](repeating: UInt8(ascii: "b"), count: 10)
        let parts = [partA, partB].enumerated().map { index, bytes in
            PartRecord(
                number: index + 1, blob: "", size: Int64(bytes.count), md5: EVPDigest.hash(.md5, bytes),
                crc64: CRC64.checksum(bytes), lastModified: 0)
        }
        let object = MultipartStore.assemble(upload, parts: parts, acl: nil)
        #expect(object.etag == "\"986A36156EB9BEEFEEA12B0E118A4B2E-2\"")
        #expect(object.crc64 == 88_389_505_591_002_533)
        #expect(object.size == 102_410)
    }
}

@Suite struct CRC64CombineProperties {
    @Test func combiningEqualsHashingTheConcatenation() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let first = (0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt8.random(in: 0...255) }
            let second = (0..<Int.random(in: 1...3000, using: &generator)).map { _ in UInt8.random(in: 0...255) }
            #expect(
                CRC64.combine(CRC64.checksum(first), CRC64.checksum(second), secondLength: UInt64(second.count))
                    == CRC64.checksum(first + second))
        }
    }
}
