/// Bucket retention policies (`?worm`, `?wormId`, `?wormExtend`): InitiateBucketWorm, AbortBucketWorm,
/// CompleteBucketWorm, ExtendBucketWorm and GetBucketWorm. What a policy forbids is checked by the stores.
struct RetentionHandler {
    let objects: ObjectStore

    static let maxBodyBytes = 64 * 1024

    /// 200 with the new policy's id in `x-oss-worm-id`, no body.
    func initiate(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let body = try context.smallBody(limit: Self.maxBodyBytes)
        _ = try objects.bucket(bucket)
        let days = try RetentionDocuments.retentionDays(body, root: "InitiateWormConfiguration")
        let policy = try objects.initiateRetention(bucket, days: days)
        var headers = HTTPHeaders()
        headers.set("x-oss-worm-id", policy.id)
        return HTTPResponse(status: 200, headers: headers)
    }

    func abort(_ bucket: BucketName) throws -> HTTPResponse {
        try objects.abortRetention(bucket)
        return HTTPResponse(status: 204)
    }

    func complete(_ bucket: BucketName, id: String) throws -> HTTPResponse {
        try objects.lockRetention(bucket, id: id)
        return HTTPResponse(status: 200)
    }

    func extend(_ bucket: BucketName, id: String, _ context: RequestContext) throws -> HTTPResponse {
        let body = try context.smallBody(limit: Self.maxBodyBytes)
        _ = try objects.bucket(bucket)
        let days = try RetentionDocuments.retentionDays(body, root: "ExtendWormConfiguration")
        try objects.extendRetention(bucket, id: id, days: days)
        return HTTPResponse(status: 200)
    }

    func get(_ bucket: BucketName) throws -> HTTPResponse {
        guard let policy = try objects.retentionPolicy(bucket) else { throw ObjectStore.noSuchRetention(bucket.value) }
        return .xml(RetentionDocuments.configuration(policy))
    }
}

/// Data redundancy transitions (`?redundancyTransition`): create, get, delete and list a bucket's tasks, and list
/// the account's (service level). A task finishes as it is created and the bucket is ZRS from then on.
struct RedundancyTransitionHandler {
    let objects: ObjectStore

    static let taskParameter = "x-oss-redundancy-transition-taskid"
    static let targetParameter = "x-oss-target-redundancy-type"
    /// ListUserDataRedundancyTransition's page size: `max-keys` default and ceiling.
    static let pageSize = 100

    func create(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let target = context.query[Self.targetParameter] ?? ""
        guard target == RedundancyTransitionDocuments.target else {
            throw OSSError.invalidArgument(
                "The only data redundancy transition is to ZRS.", name: Self.targetParameter, value: target)
        }
        return .xml(RedundancyTransitionDocuments.created(try objects.createRedundancyTransition(bucket, to: target)))
    }

    func get(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        .xml(
            RedundancyTransitionDocuments.task(
                try objects.redundancyTransition(bucket, taskID: try Self.taskID(context))))
    }

    func delete(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        try objects.deleteRedundancyTransition(bucket, taskID: try Self.taskID(context))
        return HTTPResponse(status: 204)
    }

    /// A bucket's tasks, all of them (OSS pages only the account's list).
    func list(_ bucket: BucketName) throws -> HTTPResponse {
        var tasks: [RedundancyTransitionRecord] = []
        var start: String?
        repeat {
            let page = try objects.redundancyTransitions(bucket, from: start, limit: 1000)
            tasks += page.0
            start = page.next
        } while start != nil
        return .xml(RedundancyTransitionDocuments.list(tasks, next: nil))
    }

    /// ListUserDataRedundancyTransition: the account's tasks, `max-keys` a page from `continuation-token`.
    func listAccount(_ context: RequestContext) throws -> HTTPResponse {
        let limit = try context.limit("max-keys", defaultValue: Self.pageSize, maximum: Self.pageSize)
        let (tasks, next) = try objects.redundancyTransitions(
            nil, from: context.query.nonEmpty("continuation-token"), limit: limit)
        return .xml(RedundancyTransitionDocuments.list(tasks, next: next))
    }

    private static func taskID(_ context: RequestContext) throws(OSSError) -> String {
        guard let taskID = context.query.nonEmpty(taskParameter) else {
            throw OSSError.invalidArgument("The task id must be specified.", name: taskParameter, value: "")
        }
        return taskID
    }
}
