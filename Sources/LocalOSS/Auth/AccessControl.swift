/// What a caller may do on a bucket, decided as OSS does once the signature is verified:
///
/// - the owner may do anything, except what a bucket policy explicitly denies to it (a statement naming its UID,
///   or a `*` statement with a condition: OSS applies `*` statements without one to everyone but the owner); its
///   own Get/Put/DeleteBucketPolicy are never refused, so a policy cannot lock it out;
/// - anyone else (another account, or an anonymous caller) is refused by an applicable Deny, allowed by an
///   applicable Allow, and otherwise left to the ACLs (`AnonymousAccess`). While Block Public Access is on (for the
///   account or the bucket), public ACLs and public Allow statements grant nothing.
struct AccessControl {
    let objects: ObjectStore
    /// The documents of the request's bucket, as the request read them.
    let configurations: BucketConfigurations?
    /// The facts of the request a policy condition may test.
    var facts: PolicyRequest
    let access: AnonymousAccess

    init(
        objects: ObjectStore, configurations: BucketConfigurations?, region: String, sourceIP: String?,
        secureTransport: Bool, query: QueryParameters
    ) {
        self.objects = objects
        self.configurations = configurations
        facts = PolicyRequest(principal: .anonymous, action: "", resource: "", sourceIP: sourceIP)
        facts.secureTransport = secureTransport
        facts.prefix = query["prefix"] ?? ""
        facts.delimiter = query["delimiter"] ?? ""
        self.region = region
        var access = AnonymousAccess(
            objectACL: { [objects] bucket, key in try objects.objectACL(bucket: bucket, key: key) },
            bucketACL: { [objects] bucket in try objects.existingBucket(bucket)?.acl })
        access.symlinkTarget = { [objects] bucket, key in try objects.symlinkTarget(bucket: bucket, key: key) }
        self.access = access
    }

    private let region: String

    func authorize(_ operation: Operation, caller: Caller, bucketACL: CannedACL?) throws {
        // A bucket being made has no policy yet: PutBucket is a service-level decision.
        let (bucket, key) = operation.createsBucket ? (nil, nil) : operation.resource
        switch caller {
        case .owner:
            guard let bucket, let action = operation.policyAction, !Self.ownerAlwaysMay.contains(action),
                let policy = try policy(of: bucket),
                policy.decision(for: request(caller, action, bucket, key)) == .deny
            else { return }
            throw Self.deniedByPolicy
        case .account, .anonymous:
            guard let bucket else { return try authorizeService(operation, caller: caller) }
            let blocked = try publicAccessBlocked(bucket)
            let decision =
                try operation.policyAction.flatMap { action in
                    try policy(of: bucket)?.decision(
                        for: request(caller, action, bucket, key), ignoringPublic: blocked)
                } ?? .noDecision
            switch decision {
            case .deny: throw Self.deniedByPolicy
            case .allow: try authorizeSecondary(operation, caller: caller)
            case .noDecision:
                if blocked { throw Self.denied(caller, object: key != nil) }
                do {
                    try access.authorize(operation, bucketACL: bucketACL)
                } catch let error as OSSError {
                    guard case .account = caller else { throw error }
                    throw Self.denied(caller, object: key != nil)
                }
            }
        }
    }

    /// Whether an object is readable by `caller` (a website's index and error documents).
    func canRead(_ address: ObjectAddress, caller: Caller, bucketACL: CannedACL?) -> Bool {
        (try? authorize(.getObject(address), caller: caller, bucketACL: bucketACL)) != nil
    }

    /// A policy granted the operation on its own resource; a copy must still be able to read its source, and a
    /// read through a symlink its target.
    private func authorizeSecondary(_ operation: Operation, caller: Caller) throws {
        switch AnonymousAccess.need(of: operation) {
        case .copyObject(_, let source):
            let keys = [source.key] + (source.alternateKey.map { [$0] } ?? [])
            for key in keys where try mayRead(bucket: source.bucket, key: key, caller: caller) { return }
            throw Self.denied(caller, object: true)
        case .readThroughLink(let address):
            let bucket = address.bucket.value
            guard let target = try access.symlinkTarget(bucket, address.key.value) else { return }
            if try !mayRead(bucket: bucket, key: target, caller: caller) { throw Self.denied(caller, object: true) }
        default: return
        }
    }

    private func mayRead(bucket: String, key: String, caller: Caller) throws -> Bool {
        guard let record = try objects.existingBucket(bucket) else { return false }
        let blocked = try publicAccessBlocked(bucket)
        switch try policy(of: bucket)?.decision(
            for: request(caller, "oss:GetObject", bucket, key), ignoringPublic: blocked)
        {
        case .deny: throw Self.deniedByPolicy
        case .allow: return true
        case .noDecision, nil:
            if blocked { return false }
            return try access.canRead(bucket, key, record.acl)
        }
    }

    /// Service-level operations: an anonymous caller may run none; another account lists its own buckets (it has
    /// none here: every bucket is the owner's) and reads the region list, and cannot create buckets or change the
    /// owner's account settings.
    private func authorizeService(_ operation: Operation, caller: Caller) throws {
        guard case .account = caller else {
            return try access.authorize(operation, bucketACL: nil)
        }
        switch operation {
        case .listBuckets, .describeRegions, .getUserQoSInfo: return
        case .createBucket:
            throw OSSError(
                .accessDenied, "LocalOSS keeps the buckets of the owner account only: this account cannot create one.",
                ec: "0003-00000001")
        default: throw Self.denied(caller, object: false)
        }
    }

    /// Requester pays: a caller other than the owner must say it pays (`x-oss-request-payer: requester`, as a header
    /// or, on a presigned URL, a query parameter). An anonymous caller cannot pay, so it is always refused.
    func checkPayer(_ operation: Operation, caller: Caller, headers: HTTPHeaders, query: QueryParameters) throws {
        guard caller != .owner, !operation.createsBucket else { return }
        // A copy reads its source bucket, which may charge the requester too.
        var buckets = operation.resource.bucket.map { [$0] } ?? []
        if case .copyObject(_, let source) = AnonymousAccess.need(of: operation),
            try objects.existingBucket(source.bucket) != nil
        {
            buckets.append(source.bucket)
        }
        let presigned = headers["Authorization"] == nil
        let payer = headers["x-oss-request-payer"] ?? query["x-oss-request-payer"]
        let pays = caller != .anonymous && payer?.lowercased() == "requester"
        for bucket in buckets where !pays {
            guard let document = try documents(of: bucket).requestPayment,
                Self.element(document, "Payer") == "Requester"
            else { continue }
            throw OSSError(
                .accessDenied, "Access denied for requester pay bucket",
                ec: presigned ? "0003-00000702" : "0003-00000703")
        }
    }

    /// Block Public Access, on for the account or for the bucket.
    func publicAccessBlocked(_ bucket: String?) throws -> Bool {
        if let bucket, let document = try documents(of: bucket).publicAccessBlock,
            Self.element(document, "BlockPublicAccess") == "true"
        {
            return true
        }
        let account = try objects.configurations.accountDocument(SwitchConfigurations.publicAccessBlock.subresource)
        return account.map { Self.element($0, "BlockPublicAccess") == "true" } ?? false
    }

    private func policy(of bucket: String) throws -> BucketPolicy? {
        try documents(of: bucket).policy.flatMap { BucketPolicy(json: $0) }
    }

    /// The request's documents for its own bucket, the store's for another (a copy's source).
    private func documents(of bucket: String) throws -> BucketConfigurations {
        try BucketConfigurations.of(bucket, reusing: configurations, in: objects.configurations)
    }

    private func request(_ caller: Caller, _ action: String, _ bucket: String, _ key: String?) -> PolicyRequest {
        var request = facts
        request.principal = caller.principal
        request.action = action
        request.resource = PolicyRequest.resource(region: region, bucket: bucket, key: key)
        return request
    }

    /// A stored document's element text (documents are written by LocalOSS, so well-formed).
    private static func element(_ document: String, _ name: String) -> String? {
        (try? XMLDocument.parse(Array(document.utf8)))?.child(name)?.text
    }

    /// The owner may always manage the policy itself.
    static let ownerAlwaysMay: Set<String> = ["oss:GetBucketPolicy", "oss:PutBucketPolicy", "oss:DeleteBucketPolicy"]

    static let deniedByPolicy = OSSError(.accessDenied, "Access denied by bucket policy.", ec: "0003-00000001")

    static func denied(_ caller: Caller, object: Bool) -> OSSError {
        switch (caller, object) {
        case (.anonymous, false): AnonymousAccess.deniedBucket
        case (.anonymous, true): AnonymousAccess.deniedObject
        case (_, false): OSSError(.accessDenied, "The bucket you access does not belong to you.", ec: "0003-00000001")
        case (_, true):
            OSSError(
                .accessDenied, "You have no right to access this object because of bucket acl.", ec: "0003-00000001")
        }
    }
}
