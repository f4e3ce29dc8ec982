/// One tag of an object or a bucket: a key and a (possibly empty) value, both case-sensitive.
struct Tag: Sendable, Equatable {
    let key: String
    let value: String
}

/// The limits a tag set must meet; objects and buckets have different ones (OSS's PutObjectTagging and
/// PutBucketTags references, and the EC pages 0010-00000209/-210/-214/-217/-218/-219).
struct TagRules: Sendable {
    var maxTags: Int
    var maxKeyLength: Int
    var maxValueLength: Int
    /// Lengths in characters (objects) or in UTF-8 bytes (buckets).
    var countsBytes: Bool
    /// Objects allow only letters (any script: real OSS stores `中文` tags), digits, space and `+ - = . _ : /`.
    var restrictsCharacters: Bool
    /// Buckets refuse keys starting with `http://`, `https://` or `Aliyun`.
    var forbiddenKeyPrefixes: [String]

    static let object = TagRules(
        maxTags: 10, maxKeyLength: 128, maxValueLength: 256, countsBytes: false, restrictsCharacters: true,
        forbiddenKeyPrefixes: [])
    /// At most 20 tags per bucket (the bucket tagging guides of the SDKs).
    static let bucket = TagRules(
        maxTags: 20, maxKeyLength: 64, maxValueLength: 128, countsBytes: true, restrictsCharacters: false,
        forbiddenKeyPrefixes: ["http://", "https://", "aliyun"])

    private static let allowedPunctuation = Set(" +-=._:/".unicodeScalars)

    func validate(_ tags: [Tag]) throws(OSSError) {
        if tags.count > maxTags {
            throw Self.invalidTag("The number of tags must not exceed \(maxTags).", ec: "0010-00000218")
        }
        var seen = Set<String>()
        for tag in tags {
            let keyLength = countsBytes ? tag.key.utf8.count : tag.key.count
            let valueLength = countsBytes ? tag.value.utf8.count : tag.value.count
            if keyLength == 0 || keyLength > maxKeyLength {
                throw Self.invalidTag(
                    "The tag key must be 1 to \(maxKeyLength) characters long.",
                    ec: keyLength == 0 ? "0010-00000217" : "0010-00000209")
            }
            if valueLength > maxValueLength {
                throw Self.invalidTag(
                    "The tag value must be at most \(maxValueLength) characters long.", ec: "0010-00000214")
            }
            if restrictsCharacters, !Self.isAllowed(tag.key) || !Self.isAllowed(tag.value) {
                throw Self.invalidTag(
                    "Tag keys and values may contain only letters, digits, spaces and + - = . _ : /.",
                    ec: "0010-00000217")
            }
            // Case-insensitive (the bucket tagging guides: `ALIYUN…` and `HTTP://…` are refused too).
            if forbiddenKeyPrefixes.contains(where: tag.key.lowercased().hasPrefix) {
                throw Self.invalidTag(
                    "The tag key must not start with http://, https:// or Aliyun.", ec: "0010-00000219")
            }
            guard seen.insert(tag.key).inserted else {
                throw Self.invalidTag("Tag keys must be unique.", ec: "0010-00000210")
            }
        }
    }

    private static func isAllowed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || allowedPunctuation.contains(scalar)
        }
    }

    /// OSS documents the ECs but no source names the code; S3's `InvalidTag` is what its tagging API answers.
    static func invalidTag(_ message: String, ec: String) -> OSSError {
        OSSError(.invalidTag, message, ec: ec)
    }
}

/// The wire forms of a tag set: the `Tagging/TagSet/Tag{Key,Value}` document and the `x-oss-tagging` header.
enum TaggingDocument {
    /// PutObjectTagging and PutBucketTags bodies. A missing `TagSet` or a `Tag` without `Key` is malformed; a
    /// `Tag` without `Value` has the empty value (oss2 sends `<Value></Value>`, which parses the same).
    static func parse(_ bytes: [UInt8]) throws(OSSError) -> [Tag] {
        let root = try XMLDocument.parse(bytes)
        guard root.name == "Tagging", let set = root.child("TagSet") else {
            throw OSSError(.malformedXML, "The XML you provided was not well-formed.", ec: "0010-00000103")
        }
        return try set.children("Tag").map { tag throws(OSSError) in
            guard let key = tag.child("Key") else {
                throw OSSError(.malformedXML, "Every Tag needs a Key.", ec: "0010-00000103")
            }
            return Tag(key: key.text, value: tag.child("Value")?.text ?? "")
        }
    }

    static func render(_ tags: [Tag]) -> String {
        var xml = XMLWriter()
        xml.open("Tagging")
        xml.open("TagSet")
        for tag in tags {
            xml.open("Tag")
            xml.element("Key", tag.key)
            xml.element("Value", tag.value)
            xml.close("Tag")
        }
        xml.close("TagSet")
        xml.close("Tagging")
        return xml.finish()
    }

    /// `x-oss-tagging: k1=v1&k2=v2`, each side form-encoded (Go v1 `QueryEscape` sends a space as `+`, oss2 as
    /// `%20`). A piece with a second `=` (`aa=bb=cc`) is refused (EC 0010-00000219); `k` alone has the empty value.
    static func parseHeader(_ header: String) throws(OSSError) -> [Tag] {
        var tags: [Tag] = []
        for piece in header.split(separator: "&", omittingEmptySubsequences: true) {
            let sides = piece.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            guard sides.count <= 2 else {
                throw TagRules.invalidTag(
                    "x-oss-tagging must be key or key=value pairs joined by &.", ec: "0010-00000219")
            }
            let key = Encoding.percentDecode(sides[0], plusIsSpace: true)
            let value = sides.count == 2 ? Encoding.percentDecode(sides[1], plusIsSpace: true) : []
            guard let keyText = String(validating: key, as: UTF8.self),
                let valueText = String(validating: value, as: UTF8.self)
            else {
                throw TagRules.invalidTag("Tag keys and values must be UTF-8.", ec: "0010-00000216")
            }
            tags.append(Tag(key: keyText, value: valueText))
        }
        return tags
    }

    /// The header's tags, validated as object tags; nil when the request sent none.
    static func objectTags(header: String?) throws(OSSError) -> [Tag]? {
        guard let header else { return nil }
        let tags = try parseHeader(header)
        try TagRules.object.validate(tags)
        return tags
    }
}
