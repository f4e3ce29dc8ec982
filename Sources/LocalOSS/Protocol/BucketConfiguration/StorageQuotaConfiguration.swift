/// `PUT|GET|DELETE ?quota` (alibabacloud-oss-v2's Put/Get/DeleteBucketStorageQuota; protocol notes §4.19.2):
/// `<QuotaConfiguration><StorageQuota>bytes</StorageQuota><Mode>Strict|Warning</Mode></QuotaConfiguration>`; GET adds
/// `<CurrentUsage>`, the bucket's object bytes as GetBucketStat counts them. Stored only: OSS documents no error for
/// a write beyond a `Strict` quota, so none is refused. A bucket without a quota answers only its usage (OSS's
/// reply there is not documented).
enum StorageQuotaConfiguration {
    static let modes: Set<String> = ["Strict", "Warning"]

    static let kind = BucketConfigurationKind(
        "quota", stem: "BucketStorageQuota", absent: .document(document(quota: nil, mode: nil)), accept: accept
    ).answering { stored, usage in withUsage(stored, usage: usage) }

    /// The model's docstrings: a positive integer of bytes, and a case-sensitive mode.
    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "QuotaConfiguration", let quota = root.child("StorageQuota") else {
            throw OSSError.malformedXML
        }
        guard let bytes = Int64(quota.text), bytes > 0 else {
            throw OSSError.invalidArgument(
                "StorageQuota must be a positive integer.", name: "StorageQuota", value: quota.text)
        }
        let mode = root.child("Mode")?.text
        if let mode, !modes.contains(mode) {
            throw OSSError.invalidArgument("Mode must be Strict or Warning.", name: "Mode", value: mode)
        }
        return document(quota: bytes, mode: mode)
    }

    static func document(quota: Int64?, mode: String?, usage: Int64? = nil) -> String {
        XMLDocumentWriter.document("QuotaConfiguration") { xml in
            if let quota { xml.element("StorageQuota", quota) }
            if let mode { xml.element("Mode", mode) }
            if let usage { xml.element("CurrentUsage", usage) }
        }
    }

    /// The stored document with the usage counted now.
    static func withUsage(_ stored: String, usage: BucketUsage) -> String {
        let root = try? XMLDocument.parse(Array(stored.utf8))
        return document(
            quota: root?.child("StorageQuota").flatMap { Int64($0.text) }, mode: root?.child("Mode")?.text,
            usage: usage.bytes)
    }
}
