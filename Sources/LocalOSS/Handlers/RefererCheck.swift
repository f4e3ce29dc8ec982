/// Hotlink protection (protocol notes §4.3): object requests without an `Authorization` header (anonymous,
/// presigned) must pass the bucket's referer rules, if it has any.
struct RefererCheck {
    let objects: ObjectStore

    /// Checks a request on `resource` unless it names no object or is signed in its `Authorization` header.
    func check(_ resource: (bucket: String?, key: String?), _ head: HTTPRequestHead) throws {
        guard let bucket = resource.bucket, resource.key != nil, head.headers["Authorization"] == nil else { return }
        try check(bucket: bucket, head)
    }

    func check(bucket: String, _ head: HTTPRequestHead) throws {
        guard let document = try objects.configurations.document(RefererPolicy.subresource, bucket: bucket),
            let policy = RefererPolicy(document: document)
        else { return }
        if let refusal = policy.refusal(referer: head.headers["Referer"]) { throw refusal }
    }
}
