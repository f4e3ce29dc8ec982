/// Put/Get/DeleteBucketEncryption (`?encryption` on a bucket): the default server-side encryption of objects written
/// without encryption headers.
struct EncryptionHandler {
    let objects: ObjectStore

    func putBucketEncryption(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let root = try XMLDocument.parse(try context.smallBody(limit: 64 * 1024))
        guard root.name == "ServerSideEncryptionRule", let rule = root.child("ApplyServerSideEncryptionByDefault"),
            let algorithm = rule.child("SSEAlgorithm")?.text
        else { throw OSSError.malformedXML }
        var validated = try ServerSideEncryption.validated(
            algorithm: algorithm, keyID: rule.child("KMSMasterKeyID")?.text,
            dataEncryption: rule.child("KMSDataEncryption")?.text, source: "SSEAlgorithm")
        if validated.algorithm != .kms { validated.dataEncryption = nil }
        try objects.setBucketEncryption(bucket, validated)
        return HTTPResponse(status: 200)
    }

    func getBucketEncryption(_ bucket: BucketName) throws -> HTTPResponse {
        guard let rule = try objects.bucketEncryption(bucket) else {
            throw OSSError(
                .noSuchServerSideEncryptionRule, "The server side encryption configuration was not found",
                details: [("BucketName", bucket.value)], ec: "0005-00000004")
        }
        var xml = XMLWriter()
        xml.open("ServerSideEncryptionRule")
        xml.open("ApplyServerSideEncryptionByDefault")
        xml.element("SSEAlgorithm", rule.algorithm.rawValue)
        if let keyID = rule.keyID { xml.element("KMSMasterKeyID", keyID) }
        if let data = rule.dataEncryption { xml.element("KMSDataEncryption", data) }
        xml.close("ApplyServerSideEncryptionByDefault")
        xml.close("ServerSideEncryptionRule")
        return .xml(xml.finish())
    }

    /// 204 whether or not a rule was set (oss2's and pyv2's suites).
    func deleteBucketEncryption(_ bucket: BucketName) throws -> HTTPResponse {
        try objects.setBucketEncryption(bucket, nil)
        return HTTPResponse(status: 204)
    }

    /// GetBucketInfo's `ServerSideEncryptionRule`: `None` when unset, and no `KMSMasterKeyID` without a key (oss2 would
    /// read the text `None` as a key id).
    static func writeBucketInfoRule(_ rule: ServerSideEncryption?, to xml: inout XMLWriter) {
        xml.open("ServerSideEncryptionRule")
        xml.element("SSEAlgorithm", rule?.algorithm.rawValue ?? "None")
        if let keyID = rule?.keyID { xml.element("KMSMasterKeyID", keyID) }
        if let data = rule?.dataEncryption { xml.element("KMSDataEncryption", data) }
        xml.close("ServerSideEncryptionRule")
    }
}
