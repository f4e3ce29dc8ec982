import Testing

@testable import LocalOSS

/// `Tag` alone is swift-testing's.
private typealias OSSTag = LocalOSS.Tag

/// Tag rules of OSS's PutObjectTagging and PutBucketTags references and the `x-oss-tagging` header form
/// (versioning-and-object-features.md §2.1, §2.3, §2.6).
struct TaggingTests {
    private func ec(of rules: TagRules, _ tags: [OSSTag]) -> String? {
        do throws(OSSError) {
            try rules.validate(tags)
            return nil
        } catch {
            #expect(error.code == .invalidTag)
            return error.ec
        }
    }

    private func tags(_ pairs: [(String, String)]) -> [OSSTag] { pairs.map { OSSTag(key: $0.0, value: $0.1) } }

    @Test func objectLimits() {
        #expect(ec(of: .object, tags((0..<10).map { ("k\($0)", "v") })) == nil)
        #expect(ec(of: .object, tags((0..<11).map { ("k\($0)", "v") })) == "0010-00000218")
        #expect(
            ec(of: .object, tags([(String(repeating: "a", count: 128), String(repeating: "b", count: 256))])) == nil)
        #expect(ec(of: .object, tags([(String(repeating: "a", count: 129), "v")])) == "0010-00000209")
        #expect(ec(of: .object, tags([("k", String(repeating: "b", count: 257))])) == "0010-00000214")
        #expect(ec(of: .object, tags([("", "v")])) == "0010-00000217")
        #expect(ec(of: .object, tags([("a", "1"), ("a", "2")])) == "0010-00000210")
    }

    @Test func objectCharacters() {
        #expect(ec(of: .object, tags([("a b+-=._:/", "A Z 0 9 +-=._:/"), ("中文", "中文"), ("e", "")])) == nil)
        #expect(ec(of: .object, tags([("%@abc", "v")])) == "0010-00000217")
        #expect(ec(of: .object, tags([("k", "%abc")])) == "0010-00000217")
        #expect(ec(of: .object, tags([("k", "a&b")])) == "0010-00000217")
        // Keys and values are case-sensitive: these are two tags.
        #expect(ec(of: .object, tags([("Key", "v"), ("key", "v")])) == nil)
    }

    @Test func bucketRules() {
        #expect(ec(of: .bucket, tags([("%@abc", "++123%")])) == nil)
        #expect(ec(of: .bucket, tags((0..<20).map { ("k\($0)", "v") })) == nil)
        #expect(ec(of: .bucket, tags((0..<21).map { ("k\($0)", "v") })) != nil)
        #expect(ec(of: .bucket, tags([(String(repeating: "a", count: 64), String(repeating: "b", count: 128))])) == nil)
        // Lengths count UTF-8 bytes: 22 three-byte characters are 66 bytes.
        #expect(ec(of: .bucket, tags([(String(repeating: "中", count: 22), "v")])) != nil)
        #expect(ec(of: .bucket, tags([("k", String(repeating: "b", count: 129))])) != nil)
        for key in ["http://x", "https://x", "Aliyunx", "ALIYUNx", "HTTP://x", ""] {
            #expect(ec(of: .bucket, tags([(key, "v")])) != nil)
        }
    }

    @Test func headerForm() throws {
        #expect(try TaggingDocument.parseHeader("a=1&b=2") == tags([("a", "1"), ("b", "2")]))
        // oss2 quotes (%20, %2B, %3A), Go v1 form-encodes (+ is a space); a bare key has the empty value.
        #expect(
            try TaggingDocument.parseHeader("k%2B2=%2B-/%3D%3A&a+b=c%20d&solo&e=")
                == tags([("k+2", "+-/=:"), ("a b", "c d"), ("solo", ""), ("e", "")]))
        #expect(try TaggingDocument.parseHeader("%E4%B8%AD%E6%96%87=%E4%B8%AD") == tags([("中文", "中")]))
        #expect(try TaggingDocument.parseHeader("") == [])
        #expect(throws: OSSError.self) { try TaggingDocument.parseHeader("aa=bb=cc") }
        #expect(throws: OSSError.self) { try TaggingDocument.parseHeader("k=%FF") }
        #expect(throws: OSSError.self) { try TaggingDocument.objectTags(header: "a=1&a=2") }
        #expect(try TaggingDocument.objectTags(header: nil) == nil)
    }

    @Test func documentRoundTrip() throws {
        let set = tags([("k1", "v1"), ("k<2>", "a&b"), ("empty", "")])
        let rendered = TaggingDocument.render(set)
        #expect(rendered.contains("<Tagging><TagSet><Tag><Key>k1</Key><Value>v1</Value></Tag>"))
        #expect(try TaggingDocument.parse(Array(rendered.utf8)) == set)
        #expect(TaggingDocument.render([]).hasSuffix("<Tagging><TagSet></TagSet></Tagging>"))
        let noValue = "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>"
        #expect(try TaggingDocument.parse(Array(noValue.utf8)) == tags([("k", "")]))
        for bad in [
            "<Tagging/>", "<Other><TagSet/></Other>", "<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
        ] {
            #expect(throws: OSSError.self) { try TaggingDocument.parse(Array(bad.utf8)) }
        }
    }
}
