/// The authorization step of one request: `AccessControl`'s decisions for the authenticated caller on the bucket the
/// request names, with its headers and query, asked one at a time in the pipeline's order.
struct RequestAccess {
    let control: AccessControl
    let caller: Caller
    /// The ACL of the request's bucket; nil for service-level operations and PutBucket.
    let bucketACL: CannedACL?
    let headers: HTTPHeaders
    let query: QueryParameters

    /// The bucket policy and the ACLs: throws `AccessDenied` unless the caller may run the operation.
    func authorize(_ operation: Operation) throws {
        try control.authorize(operation, caller: caller, bucketACL: bucketACL)
    }

    /// Whether the caller may read an object: a website's index and error documents, a rewritten key.
    func canRead(_ address: ObjectAddress) -> Bool {
        control.canRead(address, caller: caller, bucketACL: bucketACL)
    }

    /// Requester pays: a caller other than the owner must say it pays.
    func checkPayer(_ operation: Operation) throws {
        try control.checkPayer(operation, caller: caller, headers: headers, query: query)
    }

    /// Block Public Access: no new public ACL.
    func checkPublicGrants(_ operation: Operation) throws {
        try PublicGrantGuard(access: control).check(operation, headers: headers)
    }
}
