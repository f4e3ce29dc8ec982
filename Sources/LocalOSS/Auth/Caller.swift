/// Who sent a request, once its signature was verified: the owner of every bucket, another account whose key the
/// credentials file names, or nobody (no signature).
enum Caller: Equatable, Sendable {
    case owner
    case account(String)
    case anonymous

    /// The principal a bucket policy names for this caller.
    var principal: PolicyPrincipal {
        switch self {
        case .owner: .owner(Credentials.ownerAccount)
        case .account(let uid): .account(uid)
        case .anonymous: .anonymous
        }
    }
}

extension Authenticator.Verdict {
    /// The caller a verified request speaks for: without a signature anonymous; with one of another account's keys
    /// that account; otherwise (the owner's keys, or authentication switched off) the owner.
    func caller(_ credentials: Credentials) -> Caller {
        if isAnonymous { return .anonymous }
        return accessKeyID.flatMap(credentials.otherAccount(of:)).map(Caller.account) ?? .owner
    }
}
