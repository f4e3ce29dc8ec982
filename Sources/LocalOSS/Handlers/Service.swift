import Logging

/// The request pipeline after HTTP parsing: route to a typed operation, run its handler, and turn any error into
/// OSS's error reply. This is the one place errors are rendered.
final class Service: Sendable {
    let router: Router
    let authenticator: Authenticator
    let objects: ObjectStore
    let multipart: MultipartStore
    let logger: Logger

    init(router: Router, authenticator: Authenticator, objects: ObjectStore, multipart: MultipartStore, logger: Logger)
    {
        self.router = router
        self.authenticator = authenticator
        self.objects = objects
        self.multipart = multipart
        self.logger = logger
    }

    func respond(to head: HTTPRequestHead, body: RequestBody, requestID: String) -> HTTPResponse {
        let query = QueryParameters(raw: head.rawQuery)
        var context = RequestContext(head: head, query: query, body: body, requestID: requestID)
        var operationName = "-"
        let response: HTTPResponse
        do {
            let operation = try router.classify(head, query: query)
            operationName = operation.name
            let (bucket, key) = operation.resource
            let verdict = try authenticator.authenticate(
                SignedRequest(method: head.method, headers: head.headers, query: query, bucket: bucket, key: key))
            context.expectedSHA256 = verdict.payloadSHA256
            response = try dispatch(operation, context)
        } catch let error as OSSError {
            response = ErrorResponder.response(
                for: error, requestID: requestID, host: context.host, isHead: head.method == "HEAD")
        } catch {
            logger.error("\(requestID) \(head.method) \(head.target) failed: \(error)")
            response = ErrorResponder.response(
                for: OSSError(.internalError, "We encountered an internal error. Please try again."),
                requestID: requestID, host: context.host, isHead: head.method == "HEAD")
        }
        logger.info("\(requestID) \(head.method) \(head.target) \(operationName) \(response.status)")
        return response
    }

    private func dispatch(_ operation: Operation, _ context: RequestContext) throws -> HTTPResponse {
        let buckets = BucketHandler(objects: objects)
        let objectHandler = ObjectHandler(objects: objects)
        let multipartHandler = MultipartHandler(multipart: multipart, objects: objects)
        if operation.readsBodyItself == false { try verifyEmptyBodyDigest(context) }
        switch operation {
        case .listBuckets: return try buckets.listBuckets(context)
        case .createBucket(let bucket): return try buckets.createBucket(bucket, context)
        case .deleteBucket(let bucket): return try buckets.deleteBucket(bucket)
        case .headBucket(let bucket): return try buckets.headBucket(bucket)
        case .getBucketInfo(let bucket): return try buckets.getBucketInfo(bucket)
        case .getBucketLocation(let bucket): return try buckets.getBucketLocation(bucket)
        case .getBucketACL(let bucket): return try buckets.getBucketACL(bucket)
        case .putBucketACL(let bucket): return try buckets.putBucketACL(bucket, context)
        case .listObjects(let bucket, let version): return try buckets.listObjects(bucket, version: version, context)
        case .listMultipartUploads(let bucket): return try multipartHandler.listUploads(bucket, context)
        case .putObject(let address): return try objectHandler.putObject(address, context)
        case .copyObject(let address, let source): return try objectHandler.copyObject(address, source: source, context)
        case .appendObject(let address): return try objectHandler.appendObject(address, context)
        case .deleteMultipleObjects(let bucket): return try objectHandler.deleteMultipleObjects(bucket, context)
        case .getObject(let address): return try objectHandler.getObject(address, context)
        case .headObject(let address): return try objectHandler.headObject(address, context)
        case .getObjectMeta(let address): return try objectHandler.getObjectMeta(address)
        case .deleteObject(let address): return try objectHandler.deleteObject(address)
        case .getObjectACL(let address): return try objectHandler.getObjectACL(address)
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
    /// Operations whose handler reads (and digests) the request body; the others must arrive without one.
    var readsBodyItself: Bool {
        switch self {
        case .createBucket, .putObject, .appendObject, .deleteMultipleObjects, .initiateMultipartUpload, .uploadPart,
            .completeMultipartUpload:
            true
        default: false
        }
    }
}
