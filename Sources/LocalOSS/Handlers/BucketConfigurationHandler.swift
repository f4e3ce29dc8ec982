/// GET, PUT and DELETE of every bucket configuration kept by `BucketConfigurationKind`: the document a PUT sent,
/// once its kind's codec has validated it, is what GET returns.
struct BucketConfigurationHandler {
    let objects: ObjectStore

    func get(_ kind: BucketConfigurationKind, of bucket: BucketName) throws -> HTTPResponse {
        var document: String
        if let stored = try objects.configurations.document(kind.subresource, bucket: bucket.value) {
            document = stored
        } else {
            switch kind.absent {
            case .error(var error):
                error.details.append(("BucketName", bucket.value))
                throw error
            case .document(let fallback): document = fallback
            }
        }
        if let answer = kind.answer {
            document = answer(document, BucketUsage(bytes: try objects.bucketStatistics(bucket).bytes))
        }
        var headers = HTTPHeaders()
        headers.set("Content-Type", kind.contentType)
        return HTTPResponse(status: 200, headers: headers, body: .bytes(Array(document.utf8)))
    }

    func put(_ kind: BucketConfigurationKind, of bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let body = try context.smallBody(limit: BucketConfigurationKind.maxDocumentBytes)
        // The bucket is checked before the document: NoSuchBucket wins over MalformedXML.
        _ = try objects.bucket(bucket)
        var headers: [String: String] = [:]
        for name in BucketConfigurationPut.headerNames { headers[name] = context.headers[name] }
        let objects = objects
        let stored = try objects.configurations.documents(of: bucket.value)
        let put = BucketConfigurationPut(
            body: body, headers: headers,
            bucketExists: { name in
                guard let bucket = try? BucketName(validating: name) else { return false }
                return (try? objects.bucket(bucket)) != nil
            }, stored: { stored[$0] }, now: objects.clock.now())
        let document = try kind.acceptRequest(put)
        if kind == PolicyConfiguration.kind, PolicyConfiguration.isPublic(document),
            try context.publicAccessBlocked(bucket.value)
        {
            throw PublicGrantGuard.policy
        }
        var documents: [String: String?] = kind.companions(document, put)
        documents[kind.subresource] = document
        try objects.configurations.setDocuments(documents, bucket: bucket.value)
        return HTTPResponse(status: 200)
    }

    func delete(_ kind: BucketConfigurationKind, of bucket: BucketName) throws -> HTTPResponse {
        try objects.configurations.deleteDocument(kind.subresource, bucket: bucket.value)
        return HTTPResponse(status: 204)
    }

    // The account-level configurations (service level, no bucket) use the same codecs and defaults.

    func getAccount(_ kind: BucketConfigurationKind) throws -> HTTPResponse {
        var document = try objects.configurations.accountDocument(kind.subresource)
        if document == nil, case .document(let fallback) = kind.absent { document = fallback }
        var headers = HTTPHeaders()
        headers.set("Content-Type", kind.contentType)
        return HTTPResponse(status: 200, headers: headers, body: .bytes(Array((document ?? "").utf8)))
    }

    func putAccount(_ kind: BucketConfigurationKind, _ context: RequestContext) throws -> HTTPResponse {
        let body = try context.smallBody(limit: BucketConfigurationKind.maxDocumentBytes)
        try objects.configurations.setAccountDocument(try kind.accept(body), name: kind.subresource)
        return HTTPResponse(status: 200)
    }

    func deleteAccount(_ kind: BucketConfigurationKind) throws -> HTTPResponse {
        try objects.configurations.setAccountDocument(nil, name: kind.subresource)
        return HTTPResponse(status: 204)
    }
}
