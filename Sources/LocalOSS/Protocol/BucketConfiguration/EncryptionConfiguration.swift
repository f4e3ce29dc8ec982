/// `PUT|GET|DELETE ?encryption`: the bucket's default server-side encryption rule. Stored only: objects written
/// without SSE headers do not yet take it on.
enum EncryptionConfiguration {
    static let algorithms: Set<String> = ["AES256", "KMS", "SM4"]

    static let kind = BucketConfigurationKind(
        "encryption", stem: "BucketEncryption",
        absent: .error(
            OSSError(
                .noSuchServerSideEncryptionRule, "The server side encryption configuration was not found.",
                ec: "0005-00000004")),
        accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "ServerSideEncryptionRule",
            let rule = root.child("ApplyServerSideEncryptionByDefault"),
            let algorithm = rule.child("SSEAlgorithm")?.text
        else { throw OSSError.malformedXML }
        guard algorithms.contains(algorithm) else {
            throw OSSError(
                .invalidEncryptionAlgorithm,
                "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4.",
                details: [("ArgumentName", "SSEAlgorithm"), ("ArgumentValue", algorithm)])
        }
        let keyID = rule.child("KMSMasterKeyID")?.text ?? ""
        let dataEncryption = rule.child("KMSDataEncryption")?.text ?? ""
        if algorithm != "KMS", !keyID.isEmpty {
            throw OSSError.invalidArgument(
                "KMSMasterKeyID is not applicable if the default sse algorithm is not KMS.", name: "KMSMasterKeyID",
                value: keyID)
        }
        if !dataEncryption.isEmpty, algorithm != "KMS" || dataEncryption != "SM4" {
            throw OSSError.invalidArgument(
                "KMSDataEncryption may only be SM4, with the KMS algorithm.", name: "KMSDataEncryption",
                value: dataEncryption)
        }
        return XMLDocumentWriter.document("ServerSideEncryptionRule") { xml in
            xml.open("ApplyServerSideEncryptionByDefault")
            xml.element("SSEAlgorithm", algorithm)
            if !dataEncryption.isEmpty { xml.element("KMSDataEncryption", dataEncryption) }
            if !keyID.isEmpty { xml.element("KMSMasterKeyID", keyID) }
            xml.close("ApplyServerSideEncryptionByDefault")
        }
    }
}
