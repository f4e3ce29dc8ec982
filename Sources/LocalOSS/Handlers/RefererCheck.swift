/// Hotlink protection (protocol notes §4.3): object requests without an `Authorization` header (anonymous,
/// presigned) must pass the bucket's referer rules, if it has any.
struct RefererCheck {
    /// The documents of the request's bucket; nil when it names none.
    let configurations: BucketConfigurations?

    /// Checks a request on `resource` unless it names no object or is signed in its `Authorization` header.
    func check(_ resource: (bucket: String?, key: String?), _ head: HTTPRequestHead) throws {
        guard resource.bucket != nil, resource.key != nil, head.headers["Authorization"] == nil else { return }
        try check(head)
    }

    func check(_ head: HTTPRequestHead) throws {
        guard let document = configurations?.referer, let policy = RefererPolicy(document: document) else { return }
        if let refusal = policy.refusal(referer: head.headers["Referer"]) { throw refusal }
    }
}
