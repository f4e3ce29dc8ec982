/// `PUT|GET|DELETE ?logging`. A bucket without logging (never set, disabled or deleted) answers an empty
/// `<BucketLoggingStatus/>`. `AccessLog` writes the log of a bucket that names a target.
enum LoggingConfiguration {
    static let disabled = XMLDocumentWriter.document("BucketLoggingStatus") { _ in }

    static let kind = BucketConfigurationKind(
        "logging", stem: "BucketLogging", absent: .document(disabled), acceptRequest: accept)

    static func accept(_ put: BucketConfigurationPut) throws(OSSError) -> String {
        let root = try XMLDocument.parse(put.body)
        guard root.name == "BucketLoggingStatus" else { throw OSSError.malformedXML }
        guard let enabled = root.child("LoggingEnabled") else { return disabled }
        guard let target = enabled.child("TargetBucket") else {
            throw invalidTarget("", "TargetBucket must be specified.", ec: "0032-00000002")
        }
        guard !target.text.isEmpty else {
            throw invalidTarget("", "TargetBucket must not be empty.", ec: "0032-00000003")
        }
        guard (try? BucketName(validating: target.text)) != nil else {
            throw invalidTarget(target.text, "The target bucket name is not valid.", ec: "0032-00000004")
        }
        guard put.bucketExists(target.text) else {
            throw invalidTarget(target.text, "The target bucket does not exist.", ec: "0032-00000008")
        }
        let prefix = enabled.child("TargetPrefix")?.text ?? ""
        return XMLDocumentWriter.document("BucketLoggingStatus") { xml in
            xml.open("LoggingEnabled")
            xml.element("TargetBucket", target.text)
            xml.element("TargetPrefix", prefix)
            if let role = enabled.child("LoggingRole")?.text, !role.isEmpty { xml.element("LoggingRole", role) }
            xml.close("LoggingEnabled")
        }
    }

    /// OSS documents the ECs but not the code; S3's name for it is `InvalidTargetBucketForLogging`.
    private static func invalidTarget(_ bucket: String, _ message: String, ec: String) -> OSSError {
        OSSError(.invalidTargetBucketForLogging, message, details: [("TargetBucket", bucket)], ec: ec)
    }
}
