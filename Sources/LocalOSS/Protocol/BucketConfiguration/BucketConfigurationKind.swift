/// One bucket configuration OSS keeps under a sub-resource (`?cors`, `?requestPayment`, …): how a PUT's document
/// is validated and normalised into what GET returns, what GET answers when nothing is stored, and OSS's operation
/// names. The mechanism (routes, storage, handler) is the same for all; adding a configuration is a row in
/// `BucketConfigurationKind.all`, a codec (`accept`) and a test.
struct BucketConfigurationKind: Sendable, Equatable {
    /// What a GET answers for a bucket that has none.
    enum Absence: Sendable {
        /// OSS's "not configured" error, e.g. 404 NoSuchCORSConfiguration.
        case error(OSSError)
        /// A default document (requestPayment answers `BucketOwner`, logging an empty status).
        case document(String)
    }

    /// The sub-resource naming it.
    let subresource: String
    /// The operations' names without their verb: `BucketCors` → PutBucketCors, GetBucketCors, DeleteBucketCors.
    let operationStem: String
    /// Validates a PUT body; returns the document to store, which GET returns as it is. Throws OSS's error.
    let accept: @Sendable ([UInt8]) throws(OSSError) -> String
    /// The same for codecs that also read a request header or look at other buckets (lifecycle's
    /// `x-oss-allow-same-action-overlap`, logging's target bucket). Defaults to `accept` on the body.
    let acceptRequest: @Sendable (BucketConfigurationPut) throws(OSSError) -> String
    let absent: Absence
    /// Whether OSS has a DELETE for it (a referer list, for one, is replaced, never deleted).
    let deletable: Bool
    let contentType: String
    /// Whether an access point carries one of its own (`&x-oss-access-point-name=` on the same sub-resource).
    var servesAccessPoints = false
    /// Other documents kept under the same sub-resource, told apart by `comp` (`?policy&comp=callback`), by
    /// their `comp` value.
    var variants: [String: BucketConfigurationKind] = [:]
    /// Documents of other names a PUT sets (a value) or removes (nil) in the same transaction, from the document
    /// accepted and the request: the access monitor keeps the time tracking was enabled beside its switch.
    private(set) var companions: @Sendable (String, BucketConfigurationPut) -> [String: String?] = { _, _ in [:] }

    init(
        _ subresource: String, stem: String, absent: Absence, deletable: Bool = true,
        contentType: String = "application/xml", accept: @escaping @Sendable ([UInt8]) throws(OSSError) -> String
    ) {
        self.subresource = subresource
        operationStem = stem
        self.absent = absent
        self.deletable = deletable
        self.contentType = contentType
        self.accept = accept
        acceptRequest = { put throws(OSSError) in try accept(put.body) }
    }

    init(
        _ subresource: String, stem: String, absent: Absence, deletable: Bool = true,
        contentType: String = "application/xml",
        acceptRequest: @escaping @Sendable (BucketConfigurationPut) throws(OSSError) -> String
    ) {
        self.subresource = subresource
        operationStem = stem
        self.absent = absent
        self.deletable = deletable
        self.contentType = contentType
        self.acceptRequest = acceptRequest
        accept = { body throws(OSSError) in
            try acceptRequest(BucketConfigurationPut(body: body, headers: [:], bucketExists: { _ in true }))
        }
    }

    /// What GET answers made from the stored (or default) document and figures counted at the time (the storage
    /// quota's `CurrentUsage`); nil: the document as it is.
    private(set) var answer: (@Sendable (String, BucketUsage) -> String)?

    /// The same kind with a GET answer computed from the stored document.
    func answering(_ answer: @escaping @Sendable (String, BucketUsage) -> String) -> BucketConfigurationKind {
        var kind = self
        kind.answer = answer
        return kind
    }

    /// The same kind with companion documents.
    func withCompanions(
        _ companions: @escaping @Sendable (String, BucketConfigurationPut) -> [String: String?]
    ) -> BucketConfigurationKind {
        var kind = self
        kind.companions = companions
        return kind
    }

    static func == (lhs: BucketConfigurationKind, rhs: BucketConfigurationKind) -> Bool {
        lhs.subresource == rhs.subresource
    }

    /// Largest configuration document accepted (OSS: CORS 16 KB, lifecycle 1,000 rules; policies up to 16 KB).
    static let maxDocumentBytes = 256 * 1024

    /// Every configuration LocalOSS keeps. The router's table gets GET, PUT and (when `deletable`) DELETE rows for
    /// each.
    static let all: [BucketConfigurationKind] = [
        CORSConfiguration.kind,
        .init(
            "requestPayment", stem: "BucketRequestPayment",
            absent: .document(
                XMLDocumentWriter.document("RequestPaymentConfiguration") { $0.element("Payer", "BucketOwner") }),
            deletable: false, accept: RequestPayment.accept),
        .init(
            "transferAcceleration", stem: "BucketTransferAcceleration",
            absent: .error(
                OSSError(
                    .noSuchTransferAccelerationConfiguration,
                    "The bucket you specified does not have transfer acceleration configuration.")),
            accept: TransferAcceleration.accept),
        LifecycleConfiguration.kind,
        RefererConfiguration.kind,
        WebsiteConfiguration.kind,
        LoggingConfiguration.kind,
        UserDefinedLogFields.kind,
        PolicyConfiguration.kind,
        SwitchConfigurations.publicAccessBlock,
        AccessTracking.kind,
        SwitchConfigurations.resourceGroup,
        HTTPSConfiguration.kind,
        OverwriteConfiguration.kind,
        QoSConfiguration.bucketKind,
        QoSConfiguration.capacityKind,
        StorageQuotaConfiguration.kind,
    ]

    static func named(_ subresource: String) -> BucketConfigurationKind? { all.first { $0.subresource == subresource } }

    /// The route table's rows for this configuration.
    var routes: [Route] {
        var rows: [Route] = [
            .bucket("GET", [subresource]) { bucket, request in
                accessPointOperation(bucket, request, AccessPointRequest.getConfiguration)
                    ?? .getBucketConfiguration(bucket, refined(by: request))
            },
            .bucket("PUT", [subresource]) { bucket, request in
                accessPointOperation(bucket, request, AccessPointRequest.putConfiguration)
                    ?? .putBucketConfiguration(bucket, refined(by: request))
            },
        ]
        if deletable {
            rows.append(
                .bucket("DELETE", [subresource]) { bucket, request in
                    accessPointOperation(bucket, request, AccessPointRequest.deleteConfiguration)
                        ?? .deleteBucketConfiguration(bucket, refined(by: request))
                })
        }
        return rows
    }

    /// The access point's own copy, when the kind has one and the request names an access point.
    private func accessPointOperation(
        _ bucket: BucketName, _ request: RouteRequest,
        _ build: (String, BucketConfigurationKind) -> AccessPointRequest
    ) -> Operation? {
        guard servesAccessPoints, let name = request.query["x-oss-access-point-name"] else { return nil }
        return .accessPoint(bucket, build(name, self))
    }

    /// The variant a request's `comp` names, else this kind.
    private func refined(by request: RouteRequest) -> BucketConfigurationKind {
        request.query["comp"].flatMap { variants[$0] } ?? self
    }
}

/// What a codec that needs more than the body sees of a PUT: plain values, no HTTP types.
struct BucketConfigurationPut: Sendable {
    let body: [UInt8]
    /// The request's headers the codecs read, by lower-cased name.
    let headers: [String: String]
    /// Whether a bucket of that name exists (logging's target must).
    let bucketExists: @Sendable (String) -> Bool
    /// The bucket's stored document of another name (lifecycle and the access monitor consult each other).
    var stored: @Sendable (String) -> String? = { _ in nil }
    /// Server-clock seconds.
    var now: Int64 = 0

    /// Request headers a codec may read; the handler copies just these.
    static let headerNames = ["x-oss-allow-same-action-overlap"]
}

/// Figures of a bucket a computed GET answer shows.
struct BucketUsage: Sendable {
    /// Bytes of its objects, noncurrent versions included (GetBucketStat's `Storage`).
    var bytes: Int64
}

/// Writes a whole XML reply document, declaration included.
enum XMLDocumentWriter {
    static func document(_ root: String, _ body: (inout XMLWriter) -> Void) -> String {
        var xml = XMLWriter()
        xml.open(root)
        body(&xml)
        xml.close(root)
        return xml.finish()
    }
}

/// `PUT ?requestPayment`: `<RequestPaymentConfiguration><Payer>BucketOwner|Requester</Payer>`.
enum RequestPayment {
    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "RequestPaymentConfiguration", let payer = root.child("Payer")?.text,
            payer == "BucketOwner" || payer == "Requester"
        else { throw OSSError.malformedXML }
        return XMLDocumentWriter.document("RequestPaymentConfiguration") { $0.element("Payer", payer) }
    }
}

/// `PUT ?transferAcceleration`: `<TransferAccelerationConfiguration><Enabled>true|false</Enabled>`.
enum TransferAcceleration {
    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "TransferAccelerationConfiguration", let enabled = root.child("Enabled")?.text,
            enabled == "true" || enabled == "false"
        else { throw OSSError.malformedXML }
        return XMLDocumentWriter.document("TransferAccelerationConfiguration") { $0.element("Enabled", enabled) }
    }
}
