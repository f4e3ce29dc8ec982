extension ObjectMetadata {
    /// The headers of a write request that are stored with the object (storage itself never sees HTTP types).
    /// Server-side encryption is validated and recorded as OSS applies it (`ServerSideEncryption.applied`).
    static func from(_ requestHeaders: HTTPHeaders) throws(OSSError) -> ObjectMetadata {
        var stored: [[String]] = []
        for field in requestHeaders {
            let name = field.name.lowercased()
            if name.hasPrefix("x-oss-meta-") || storedHeaderNames.contains(name) { stored.append([name, field.value]) }
        }
        let contentType = requestHeaders["Content-Type"].flatMap { $0.isEmpty ? nil : $0 } ?? "application/octet-stream"
        return ObjectMetadata(contentType: contentType, headers: stored)
            .encrypted(with: try ServerSideEncryption.requested(by: requestHeaders))
    }
}

extension ServerSideEncryption {
    /// The encryption a write request asks for; nil without `x-oss-server-side-encryption` (a data cipher or key id
    /// alone is ignored, as OSS ignores it).
    static func requested(by headers: HTTPHeaders) throws(OSSError) -> ServerSideEncryption? {
        // SSE-C (customer-provided keys, Go SDK v3's constants) is not emulated: refused rather than ignored, so
        // that code relying on it fails here as it would not against OSS.
        if headers.contains("x-oss-server-side-encryption-customer-algorithm") {
            throw OSSError(
                .notImplemented, "Server-side encryption with customer-provided keys is not implemented.")
        }
        guard let algorithm = headers[algorithmHeader] else { return nil }
        return try validated(
            algorithm: algorithm, keyID: headers[keyIDHeader], dataEncryption: headers[dataEncryptionHeader],
            source: algorithmHeader)
    }

    /// UploadPart and CompleteMultipartUpload take the upload's encryption; OSS refuses requests that name one
    /// (oss2's suite, test_multipart_upload).
    static func refuseOnPart(_ headers: HTTPHeaders) throws(OSSError) {
        for name in [algorithmHeader, dataEncryptionHeader, keyIDHeader] {
            if let value = headers[name] {
                throw OSSError.invalidArgument(
                    "Server-side encryption is set by InitiateMultipartUpload, not on this request.", name: name,
                    value: value)
            }
        }
    }
}
