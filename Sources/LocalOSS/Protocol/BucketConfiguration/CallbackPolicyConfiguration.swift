/// `PUT|GET|DELETE ?policy&comp=callback`: named upload-callback settings a request can refer to
/// (`{"callbackPolicy":"name"}` in `x-oss-callback`), a document separate from the bucket policy. Each
/// `PolicyItem` has a `PolicyName`, a base64 `Callback` and an optional base64 `CallbackVar`; GET answers them in
/// the order sent, `CallbackVar` always present (empty when none was given), as oss2 writes them. Stored only:
/// LocalOSS does not call upload callbacks.
enum CallbackPolicyConfiguration {
    /// Stored under its own name, not `policy`, so it never replaces the bucket policy.
    static let kind = BucketConfigurationKind(
        "callbackPolicy", stem: "BucketCallbackPolicy",
        absent: .error(OSSError(.bucketCallbackPolicyNotExist, "The bucket callback policy does not exist.")),
        accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "BucketCallbackPolicy" else { throw OSSError.malformedXML }
        var items: [(name: String, callback: String, variables: String)] = []
        for item in root.children("PolicyItem") {
            guard let name = item.child("PolicyName")?.text, !name.isEmpty,
                let callback = item.child("Callback")?.text, !callback.isEmpty
            else { throw OSSError.malformedXML }
            guard !items.contains(where: { $0.name == name }) else {
                throw OSSError.invalidArgument("Callback policy names must be unique.", name: "PolicyName", value: name)
            }
            items.append((name, callback, item.child("CallbackVar")?.text ?? ""))
        }
        return XMLDocumentWriter.document("BucketCallbackPolicy") { xml in
            for item in items {
                xml.open("PolicyItem")
                xml.element("PolicyName", item.name)
                xml.element("Callback", item.callback)
                xml.element("CallbackVar", item.variables)
                xml.close("PolicyItem")
            }
        }
    }
}
