import Logging

/// The request pipeline after HTTP parsing: route to a typed operation, run its handler, and turn any error into
/// OSS's error reply. This is the one place errors are rendered.
final class Service: Sendable {
    let router: Router
    let authenticator: Authenticator
    let objects: ObjectStore
    let multipart: MultipartStore
    let region: Region
    /// `http` or `https`: how clients reach this server (website redirects keep it).
    let scheme: String
    let logger: Logger
    /// Answers `/_localoss/` before OSS routing; nil in tests that build a bare service.
    let controlPlane: ControlPlane?
    /// The test double's fault rules, asked once per OSS request; nil in tests that build a bare service.
    let faults: FaultRules?

    /// Metrics and journal of OSS requests; nil in tests that build a bare service.
    let observer: RequestObserver?
    /// Lines of the buckets' access logs; nil in tests that build a bare service.
    let accessLog: AccessLog?
    /// Request ids: random, or a seeded sequence with `--deterministic`.
    let identifiers: Identifiers
    /// The `Date` header, from the server's clock.
    let dates: DateCache

    init(
        router: Router, authenticator: Authenticator, objects: ObjectStore, multipart: MultipartStore,
        region: Region = .default, scheme: String = "http", logger: Logger, controlPlane: ControlPlane? = nil,
        observer: RequestObserver? = nil, identifiers: Identifiers = Identifiers(), dates: DateCache = .system,
        faults: FaultRules? = nil, accessLog: AccessLog? = nil
    ) {
        self.accessLog = accessLog
        self.router = router
        self.authenticator = authenticator
        self.objects = objects
        self.multipart = multipart
        self.region = region
        self.scheme = scheme
        self.logger = logger
        self.controlPlane = controlPlane
        self.observer = observer
        self.identifiers = identifiers
        self.dates = dates
        self.faults = faults
    }

    /// One OSS request, start to end: route it to an operation, let a fault rule preempt it, run it (any error
    /// becomes OSS's error reply here), add the bucket's headers, let a fault rule shape the reply, then log and
    /// observe it. `client`: where the request comes from (bucket policy conditions, the access log).
    func respond(
        to head: HTTPRequestHead, body: RequestBody, requestID: String, client: ClientEndpoint = ClientEndpoint()
    ) -> HTTPResponse {
        if let controlPlane, controlPlane.claims(head) { return controlPlane.respond(to: head, body: body) }
        var context = RequestContext(
            head: head, query: QueryParameters(raw: head.rawQuery), body: body, requestID: requestID)
        var observation = observer?.begin(head, requestID: requestID)
        // Known once routed: what decorates the reply, and the fault rule that matched it.
        var operation: Operation?
        var fault: FiredFault?
        var response: HTTPResponse
        do {
            let routed = try router.classify(head, query: context.query)
            operation = routed
            observation?.routed(routed)
            // Fault rules (FaultEffects.swift) match once the operation is known, before anything is checked.
            fault = faults?.fire(for: FaultSubject(routed, method: head.method))
            if let preempted = try fault?.beforeRunning(body: body) {
                response = preempted
            } else {
                response = try run(routed, &context, client: client)
            }
        } catch {
            response = errorResponse(for: error, context, observation: &observation)
        }
        let configurations = configurations(after: operation, context)
        if let operation, let configurations { decorate(&response, of: operation, head: head, configurations) }
        if let fault {
            response = fault.shaping(response)
            observation?.fault = fault.label
        }
        log(response, head: head, requestID: requestID, operation: operation?.name ?? "-", fault: fault)
        if let observer, let observation {
            let entry = observer.finish(observation, response: response, body: body)
            accessLog?.record(
                entry, head: head, response: response, accessKeyID: context.accessKeyID,
                configurations: configurations, remoteIP: { client.address })
        }
        return response
    }

    /// The one place errors are rendered: an `OSSError` as OSS's error XML, anything else (a bug) logged and
    /// answered as InternalError.
    private func errorResponse(
        for error: Error, _ context: RequestContext, observation: inout RequestObservation?
    ) -> HTTPResponse {
        let head = context.head
        let ossError: OSSError
        if let error = error as? OSSError {
            observation?.failed(error)
            ossError = error
        } else {
            logger.error("\(context.requestID) \(head.method) \(head.target) failed: \(error)")
            observation?.failed(OSSError(.internalError, "\(error)"))
            ossError = OSSError(.internalError, "We encountered an internal error. Please try again.")
        }
        return ErrorResponder.response(
            for: ossError, requestID: context.requestID, host: context.host, isHead: head.method == "HEAD")
    }

    /// The documents of the request's bucket for what follows its operation (the reply's headers, the access log):
    /// those the request read, or read again when a write (its own PutBucketCors, PutBucketLogging…) replaced them.
    /// Nil when the request names no bucket, or one that does not exist (any more).
    private func configurations(after operation: Operation?, _ context: RequestContext) -> BucketConfigurations? {
        guard let bucket = operation?.resource.bucket else { return nil }
        if let read = context.configurations, read.bucket == bucket {
            return try? read.current(in: objects.configurations)
        }
        return try? BucketConfigurations(of: bucket, in: objects.configurations)
    }

    /// What a bucket adds to its replies, errors included: when a lifecycle rule will expire the object a GET or
    /// HEAD read, and its CORS headers.
    private func decorate(
        _ response: inout HTTPResponse, of operation: Operation, head: HTTPRequestHead,
        _ configurations: BucketConfigurations
    ) {
        if let (_, key) = operation.showsExpiration {
            ExpirationHeader(configurations: configurations).decorate(&response, key: key)
        }
        if operation.decoratedByCORS {
            CORSResponder(configurations: configurations).decorate(
                &response, method: head.method, origin: head.headers["Origin"])
        }
    }

    /// One line per request. A faulted request is always logged, with its rule: a test that sees something odd can
    /// tell why. Otherwise at info only when it was refused: what a failing test needs to see. Successful requests
    /// are debug: at info their line cost 8-22% of a small GET's rate with 64 connections (formatting and a locked
    /// write to stderr per request).
    private func log(
        _ response: HTTPResponse, head: HTTPRequestHead, requestID: String, operation: String, fault: FiredFault?
    ) {
        if let fault {
            logger.info(
                "\(requestID) \(head.method) \(head.target) \(operation) \(response.status) fault \(fault.label)")
        } else {
            let level: Logger.Level = response.status >= 400 ? .info : .debug
            logger.log(level: level, "\(requestID) \(head.method) \(head.target) \(operation) \(response.status)")
        }
    }

    /// OSS's order of checks (protocol notes §2.3): bucket, signature, authorization (policy and ACLs, requester
    /// pays, Block Public Access), referer, then the operation. Each step may answer or refuse the request; SDKs
    /// tell errors apart by which comes first, so the order is part of the protocol.
    private func run(_ requested: Operation, _ context: inout RequestContext, client: ClientEndpoint) throws
        -> HTTPResponse
    {
        // The bucket first, for any caller: SDKs' existence probes read NoSuchBucket even with bad credentials.
        let bucket = try existingBucket(of: requested)
        // Its configuration documents, read once for every check below and the operation.
        context.configurations = try bucket.map { try BucketConfigurations(of: $0.name, in: objects.configurations) }
        // A CORS preflight is answered from the bucket's CORS rules alone: it is never authenticated.
        if case .preflight = requested { return try dispatch(requested, context) }
        let caller = try authenticate(requested, &context)
        // Website routing rules come before authorization: a redirect needs no right to read anything.
        let website = WebsiteResponder(configurations: context.configurations, head: context.head, service: self)
        var operation = requested
        if let website {
            switch try website.routeBeforeRead(requested, &context, anonymous: caller == .anonymous) {
            case .answered(let redirect): return redirect
            case .run(let routed): operation = routed
            }
        }
        let access = requestAccess(caller, bucketACL: bucket?.acl, context, client: client)
        do {
            try access.authorize(operation)
        } catch let denied as OSSError {
            // The website may still answer an anonymous read the bucket refuses; its referer rules still apply.
            guard let answer = try website?.answerRefusal(denied, of: operation, access: access, context: context)
            else { throw denied }
            try RefererCheck(configurations: context.configurations).check(context.head)
            return answer
        }
        // Requester pays and Block Public Access refuse only a caller the ACLs and the policy let through.
        try access.checkPayer(operation)
        try access.checkPublicGrants(operation)
        context.publicAccessBlocked = { [control = access.control] in try control.publicAccessBlocked($0) }
        // Referer rules guard the objects a caller may read at all (a website's index document too): after
        // authorization, as OSS checks them.
        try RefererCheck(configurations: context.configurations).check(operation.resource, context.head)
        do {
            return try dispatch(operation, context)
        } catch let error as OSSError {
            // A website answers a failed read with its redirect, index or error document, or a rule for its status.
            guard let answer = try website?.answerFailure(error, of: operation, access: access, context: context)
            else { throw error }
            return answer
        }
    }

    /// The record of the bucket the operation names; nil for service-level operations and PutBucket, whose bucket
    /// need not exist yet.
    private func existingBucket(of operation: Operation) throws -> BucketRecord? {
        guard let bucket = operation.resource.bucket, !operation.createsBucket else { return nil }
        guard let record = try objects.existingBucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        return record
    }

    /// The signature (header or presigned URL): who the caller is, and the body digest a V4 signature promises.
    private func authenticate(_ operation: Operation, _ context: inout RequestContext) throws -> Caller {
        let head = context.head
        let (bucket, key) = operation.resource
        let verdict = try authenticator.authenticate(
            SignedRequest(method: head.method, headers: head.headers, query: context.query, bucket: bucket, key: key))
        context.accessKeyID = verdict.accessKeyID
        context.caller = verdict.caller(authenticator.credentials)
        context.expectedSHA256 = verdict.payloadSHA256
        return context.caller
    }

    /// What `caller` may do, judged on the request as the website routed it (its query may be gone).
    private func requestAccess(
        _ caller: Caller, bucketACL: CannedACL?, _ context: RequestContext, client: ClientEndpoint
    ) -> RequestAccess {
        let control = AccessControl(
            objects: objects, configurations: context.configurations, region: region.id, sourceIP: client.address,
            secureTransport: client.secure, query: context.query)
        return RequestAccess(
            control: control, caller: caller, bucketACL: bucketACL, headers: context.head.headers,
            query: context.query)
    }

    /// The dispatch table: each operation to its handler.
    func dispatch(_ operation: Operation, _ context: RequestContext) throws -> HTTPResponse {
        var buckets = BucketHandler(objects: objects)
        buckets.region = region
        let objectHandler = ObjectHandler(objects: objects)
        let configurations = BucketConfigurationHandler(objects: objects)
        let information = BucketInformationHandler(objects: objects, region: region)
        let multipartHandler = MultipartHandler(multipart: multipart, objects: objects)
        let retention = RetentionHandler(objects: objects)
        let transitions = RedundancyTransitionHandler(objects: objects)
        if operation.readsBodyItself == false { try verifyEmptyBodyDigest(context) }
        switch operation {
        case .listBuckets: return try buckets.listBuckets(context)
        case .createBucket(let bucket): return try buckets.createBucket(bucket, context)
        case .deleteBucket(let bucket): return try buckets.deleteBucket(bucket)
        case .headBucket(let bucket): return try buckets.headBucket(bucket)
        case .getBucketInfo(let bucket): return try buckets.getBucketInfo(bucket)
        case .listLiveChannels(let bucket): return try LiveChannelHandler(objects: objects).list(bucket, context)
        case .getBucketConfiguration(let bucket, let kind): return try configurations.get(kind, of: bucket)
        case .putBucketConfiguration(let bucket, let kind): return try configurations.put(kind, of: bucket, context)
        case .deleteBucketConfiguration(let bucket, let kind): return try configurations.delete(kind, of: bucket)
        case .getBucketStat(let bucket): return try information.stat(bucket)
        case .getBucketPolicyStatus(let bucket): return try information.policyStatus(bucket)
        case .describeRegions(let requested): return try information.describeRegions(requested)
        case .getUserQoSInfo: return .xml(QoSConfiguration.userDocument(region: region))
        case .getPublicAccessBlock: return try configurations.getAccount(SwitchConfigurations.publicAccessBlock)
        case .putPublicAccessBlock:
            return try configurations.putAccount(SwitchConfigurations.publicAccessBlock, context)
        case .deletePublicAccessBlock:
            return try configurations.deleteAccount(SwitchConfigurations.publicAccessBlock)
        case .initiateBucketWorm(let bucket): return try retention.initiate(bucket, context)
        case .abortBucketWorm(let bucket): return try retention.abort(bucket)
        case .completeBucketWorm(let bucket, let id): return try retention.complete(bucket, id: id)
        case .extendBucketWorm(let bucket, let id): return try retention.extend(bucket, id: id, context)
        case .getBucketWorm(let bucket): return try retention.get(bucket)
        case .createRedundancyTransition(let bucket): return try transitions.create(bucket, context)
        case .getRedundancyTransition(let bucket): return try transitions.get(bucket, context)
        case .listRedundancyTransitions(let bucket): return try transitions.list(bucket)
        case .deleteRedundancyTransition(let bucket): return try transitions.delete(bucket, context)
        case .listUserRedundancyTransitions: return try transitions.listAccount(context)
        case .inventory(let bucket, let request):
            return try InventoryHandler(objects: objects).handle(request, bucket, context)
        case .accessPoint(let bucket, let request):
            return try AccessPointHandler(objects: objects, region: region).handle(request, bucket, context)
        case .liveChannel(let address, let request):
            return try LiveChannelHandler(objects: objects).handle(request, address, context)
        case .getBucketLocation(let bucket): return try buckets.getBucketLocation(bucket)
        case .getBucketACL(let bucket): return try buckets.getBucketACL(bucket)
        case .putBucketACL(let bucket): return try buckets.putBucketACL(bucket, context)
        case .listObjects(let bucket, let version): return try buckets.listObjects(bucket, version: version, context)
        case .listMultipartUploads(let bucket): return try multipartHandler.listUploads(bucket, context)
        case .putBucketVersioning(let bucket): return try buckets.putBucketVersioning(bucket, context)
        case .getBucketVersioning(let bucket): return try buckets.getBucketVersioning(bucket)
        case .listObjectVersions(let bucket): return try buckets.listObjectVersions(bucket, context)
        case .putObject(let address): return try objectHandler.putObject(address, context)
        case .copyObject(let address, let source): return try objectHandler.copyObject(address, source: source, context)
        case .appendObject(let address): return try objectHandler.appendObject(address, context)
        case .deleteMultipleObjects(let bucket): return try objectHandler.deleteMultipleObjects(bucket, context)
        case .getObject(let address): return try objectHandler.getObject(address, context)
        case .headObject(let address): return try objectHandler.headObject(address, context)
        case .getObjectMeta(let address): return try objectHandler.getObjectMeta(address, context)
        case .deleteObject(let address): return try objectHandler.deleteObject(address, context)
        case .getObjectACL(let address): return try objectHandler.getObjectACL(address, context)
        case .putObjectACL(let address): return try objectHandler.putObjectACL(address, context)
        case .initiateMultipartUpload(let address): return try multipartHandler.initiate(address, context)
        case .uploadPart(let address, let uploadID, let part):
            return try multipartHandler.uploadPart(address, uploadID: uploadID, part: part, context)
        case .uploadPartCopy(let address, let uploadID, let part, let source):
            return try multipartHandler.uploadPartCopy(address, uploadID: uploadID, part: part, source: source, context)
        case .completeMultipartUpload(let address, let uploadID):
            return try multipartHandler.complete(address, uploadID: uploadID, context)
        case .abortMultipartUpload(let address, let uploadID):
            return try multipartHandler.abort(address, uploadID: uploadID)
        case .listParts(let address, let uploadID):
            return try multipartHandler.listParts(address, uploadID: uploadID, context)
        case .getBucketTags(let bucket): return try buckets.getBucketTags(bucket)
        case .putBucketTags(let bucket): return try buckets.putBucketTags(bucket, context)
        case .deleteBucketTags(let bucket): return try buckets.deleteBucketTags(bucket, context)
        case .getObjectTagging(let address): return try objectHandler.getObjectTagging(address, context)
        case .putObjectTagging(let address): return try objectHandler.putObjectTagging(address, context)
        case .deleteObjectTagging(let address): return try objectHandler.deleteObjectTagging(address, context)
        case .putSymlink(let address): return try objectHandler.putSymlink(address, context)
        case .getSymlink(let address): return try objectHandler.getSymlink(address, context)
        case .putBucketEncryption(let bucket):
            return try EncryptionHandler(objects: objects).putBucketEncryption(bucket, context)
        case .getBucketEncryption(let bucket):
            return try EncryptionHandler(objects: objects).getBucketEncryption(bucket)
        case .deleteBucketEncryption(let bucket):
            return try EncryptionHandler(objects: objects).deleteBucketEncryption(bucket)
        case .putBucketArchiveDirectRead(let bucket):
            return try ArchiveHandler(objects: objects).putArchiveDirectRead(bucket, context)
        case .getBucketArchiveDirectRead(let bucket):
            return try ArchiveHandler(objects: objects).getArchiveDirectRead(bucket)
        case .restoreObject(let address): return try ArchiveHandler(objects: objects).restoreObject(address, context)
        case .cleanRestoredObject(let address): return try ArchiveHandler(objects: objects).cleanRestoredObject(address)
        case .preflight: return try CORSResponder(configurations: context.configurations).preflight(context)
        case .unimplemented(let request):
            throw OSSError(
                .notImplemented,
                "A header or sub-resource you provided implies functionality that is not implemented (\(request.feature))."
            )
        }
    }

    /// pyv2 sends the MD5 of an empty body on bodiless requests; it is checked like any other Content-MD5, and so is
    /// a signed V4 payload hash.
    private func verifyEmptyBodyDigest(_ context: RequestContext) throws {
        guard context.body.framing == .empty else { return }
        if let expected = try context.expectedMD5(), expected != EVPDigest.hash(.md5, []) {
            throw OSSError.invalidDigest
        }
        if let expected = context.expectedSHA256, expected != EVPDigest.hash(.sha256, []) {
            throw OSSError.payloadHashMismatch
        }
    }
}

extension Operation {
    /// Replies to a bucket's operations carry its CORS headers; a preflight makes its own, and PutBucket's bucket
    /// may not exist yet.
    var decoratedByCORS: Bool {
        switch self {
        case .preflight, .createBucket, .listBuckets, .describeRegions, .getUserQoSInfo, .getPublicAccessBlock,
            .putPublicAccessBlock, .deletePublicAccessBlock, .listUserRedundancyTransitions, .accessPoint(nil, _):
            false
        default: true
        }
    }

    /// GET and HEAD tell when a lifecycle rule will expire the object.
    var showsExpiration: (bucket: String, key: String)? {
        switch self {
        case .getObject(let address), .headObject(let address): (address.bucket.value, address.key.value)
        default: nil
        }
    }

    /// The object a GET or HEAD reads: what website routing rules look at.
    var readObject: ObjectAddress? {
        switch self {
        case .getObject(let address), .headObject(let address): address
        default: nil
        }
    }

    /// PutBucket is the one bucket-level operation whose bucket need not exist yet.
    var createsBucket: Bool {
        if case .createBucket = self { return true }
        return false
    }

    /// Operations whose handler reads (and digests) the request body; the others must arrive without one.
    var readsBodyItself: Bool {
        switch self {
        case .createBucket, .putObject, .appendObject, .putBucketConfiguration, .deleteMultipleObjects,
            .initiateMultipartUpload, .uploadPart, .completeMultipartUpload, .putObjectTagging, .putBucketTags,
            .putBucketEncryption, .putBucketArchiveDirectRead, .restoreObject, .putBucketVersioning,
            .putPublicAccessBlock, .initiateBucketWorm, .extendBucketWorm, .inventory(_, .put),
            .accessPoint(_, .create),
            .accessPoint(_, .putConfiguration), .liveChannel(_, .create):
            true
        default: false
        }
    }
}
