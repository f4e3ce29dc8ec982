extension ObjectMetadata {
    /// The headers of a write request that are stored with the object (storage itself never sees HTTP types).
    static func from(_ requestHeaders: HTTPHeaders) throws(OSSError) -> ObjectMetadata {
        var stored: [[String]] = []
        for field in requestHeaders {
            let name = field.name.lowercased()
            if name.hasPrefix("x-oss-meta-") || storedHeaderNames.contains(name) { stored.append([name, field.value]) }
        }
        if let encryption = requestHeaders["x-oss-server-side-encryption"], encryption != "AES256",
            encryption != "KMS", encryption != "SM4"
        {
            throw OSSError(
                .invalidEncryptionAlgorithm,
                "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4",
                details: [("ArgumentName", "x-oss-server-side-encryption"), ("ArgumentValue", encryption)])
        }
        let contentType = requestHeaders["Content-Type"].flatMap { $0.isEmpty ? nil : $0 } ?? "application/octet-stream"
        return ObjectMetadata(contentType: contentType, headers: stored)
    }
}
