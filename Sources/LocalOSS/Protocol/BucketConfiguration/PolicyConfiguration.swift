import Foundation

/// `PUT|GET|DELETE ?policy`: a JSON policy document, kept byte for byte as sent (pyv2's test compares strings),
/// and `GET ?policyStatus`, which says whether it grants anyone access. `BucketPolicy` evaluates it.
enum PolicyConfiguration {
    static let maxBytes = 16 * 1024

    static let kind: BucketConfigurationKind = {
        var kind = BucketConfigurationKind(
            "policy", stem: "BucketPolicy",
            absent: .error(OSSError(.noSuchBucketPolicy, "The bucket policy does not exist.")),
            contentType: "application/json", accept: accept)
        kind.variants = ["callback": CallbackPolicyConfiguration.kind]
        return kind
    }()

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        guard body.count <= maxBytes else {
            throw OSSError(.invalidPolicyDocument, "The policy document is larger than 16 KB.", ec: "0030-00000001")
        }
        guard let text = String(bytes: body, encoding: .utf8), let policy = parse(body),
            policy["Version"] is String, let statements = policy["Statement"] as? [Any],
            statements.allSatisfy({ $0 is [String: Any] })
        else {
            throw OSSError(.invalidPolicyDocument, "The policy document has a syntax error.", ec: "0030-00000005")
        }
        return text
    }

    /// `<PolicyStatus><IsPublic>…`: true when some `Allow` statement names no principal, or `*`, and has no
    /// condition (a source-IP or VPC condition makes it private).
    static func statusDocument(policy: String?) -> String {
        XMLDocumentWriter.document("PolicyStatus") { $0.element("IsPublic", isPublic(policy)) }
    }

    /// The evaluator's definition (`BucketPolicy.Statement.isPublic`), which Block Public Access also uses.
    static func isPublic(_ policy: String?) -> Bool {
        policy.flatMap(BucketPolicy.init(json:))?.isPublic ?? false
    }

    private static func parse(_ body: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }
}
