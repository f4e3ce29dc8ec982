/// `x-oss-server-side-encryption` values.
enum SSEAlgorithm: String, Sendable {
    case aes256 = "AES256"
    case kms = "KMS"
    case sm4 = "SM4"
}

/// Server-side encryption as an object or a bucket default records it. LocalOSS stores bytes as they arrive: it
/// only records the settings and echoes them where OSS does.
struct ServerSideEncryption: Sendable, Equatable {
    var algorithm: SSEAlgorithm
    /// The KMS key id (KMS only); nil: OSS's default key for the account.
    var keyID: String?
    /// `SM4` as the data cipher under a KMS key (KMS only).
    var dataEncryption: String?

    /// OSS returns a key id even when the writer named none (its default KMS key); this stands in for it, in the
    /// shape of the samples of OSS's replies.
    static let defaultKMSKeyID = "9468da86-3509-4f8d-a61e-6eab1eac0000"

    static let algorithmHeader = "x-oss-server-side-encryption"
    static let dataEncryptionHeader = "x-oss-server-side-data-encryption"
    static let keyIDHeader = "x-oss-server-side-encryption-key-id"
    static let headerNames: Set<String> = [algorithmHeader, dataEncryptionHeader, keyIDHeader]

    /// What OSS applies for these values: data encryption and key id count only with KMS (oss2's suite:
    /// `AES256` + data `SM4` is plain `AES256`), and a KMS object always names its key.
    var applied: ServerSideEncryption {
        guard algorithm == .kms else { return ServerSideEncryption(algorithm: algorithm) }
        return ServerSideEncryption(
            algorithm: .kms, keyID: keyID ?? Self.defaultKMSKeyID, dataEncryption: dataEncryption)
    }

    /// The stored (and echoed) header fields, in OSS's order.
    var headerFields: [[String]] {
        var fields = [[Self.algorithmHeader, algorithm.rawValue]]
        if let dataEncryption { fields.append([Self.dataEncryptionHeader, dataEncryption]) }
        if let keyID { fields.append([Self.keyIDHeader, keyID]) }
        return fields
    }

    /// Validates the values a request or a bucket rule names. `keyID` with AES256/SM4 and a data cipher other than
    /// SM4 are refused with InvalidArgument (OSS's code for them is not documented).
    static func validated(algorithm text: String, keyID: String?, dataEncryption: String?, source: String)
        throws(OSSError) -> ServerSideEncryption
    {
        guard let algorithm = SSEAlgorithm(rawValue: text) else {
            throw OSSError(
                .invalidEncryptionAlgorithm,
                "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4",
                details: [("ArgumentName", source), ("ArgumentValue", text)])
        }
        if let dataEncryption, dataEncryption != "SM4" {
            throw OSSError.invalidArgument(
                "The data encryption you specified is not valid. Supported value: SM4", name: dataEncryptionHeader,
                value: dataEncryption)
        }
        if let keyID, !keyID.isEmpty, algorithm != .kms {
            throw OSSError.invalidArgument(
                "A KMS key id can only be given with KMS encryption.", name: keyIDHeader, value: keyID)
        }
        return ServerSideEncryption(
            algorithm: algorithm, keyID: keyID.flatMap { $0.isEmpty ? nil : $0 },
            dataEncryption: algorithm == .kms ? dataEncryption : nil)
    }
}

extension ObjectMetadata {
    /// The object's recorded encryption, if any.
    var serverSideEncryption: ServerSideEncryption? {
        guard let text = value(of: ServerSideEncryption.algorithmHeader), let algorithm = SSEAlgorithm(rawValue: text)
        else { return nil }
        return ServerSideEncryption(
            algorithm: algorithm, keyID: value(of: ServerSideEncryption.keyIDHeader),
            dataEncryption: value(of: ServerSideEncryption.dataEncryptionHeader))
    }

    /// These metadata with `encryption` (applied) in place of any recorded one; nil removes it.
    func encrypted(with encryption: ServerSideEncryption?) -> ObjectMetadata {
        var result = self
        result.headers = headers.filter { !ServerSideEncryption.headerNames.contains($0.first ?? "") }
        if let encryption { result.headers += encryption.applied.headerFields }
        return result
    }

    /// Objects written without encryption headers get their bucket's default (PutBucketEncryption).
    func withBucketDefault(_ rule: () throws -> ServerSideEncryption?) rethrows -> ObjectMetadata {
        guard serverSideEncryption == nil, let rule = try rule() else { return self }
        return encrypted(with: rule)
    }
}
