import Testing

@testable import LocalOSS

/// The bucket policy evaluator on its own: a document and the facts of a request give allow, deny or no decision
/// (OSS's Bucket Policy page: explicit Deny first; a `*` statement without a condition does not apply to the owner).
@Suite struct BucketPolicyTests {
    static let other = "1000000000000002"

    func policy(_ statements: String) throws -> BucketPolicy {
        try #require(BucketPolicy(json: #"{"Version":"1","Statement":["# + statements + "]}"))
    }

    func request(
        _ principal: PolicyPrincipal = .account(other), _ action: String = "oss:GetObject", key: String? = "a/b.txt",
        ip: String? = "127.0.0.1", prefix: String? = nil
    ) -> PolicyRequest {
        var request = PolicyRequest(
            principal: principal, action: action,
            resource: PolicyRequest.resource(region: "cn-hangzhou", bucket: "bkt", key: key), sourceIP: ip)
        request.prefix = prefix
        return request
    }

    static let allowAllGet =
        #"{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"]}"#

    @Test func anAllowForEveryoneLetsAnonymousAndOtherAccountsRead() throws {
        let policy = try policy(Self.allowAllGet)
        #expect(policy.decision(for: request(.anonymous)) == .allow)
        #expect(policy.decision(for: request(.account("42"))) == .allow)
        #expect(policy.decision(for: request(.anonymous, "oss:PutObject")) == .noDecision)
        // The resource names objects only: the bucket itself is not covered.
        #expect(policy.decision(for: request(.anonymous, "oss:GetObject", key: nil)) == .noDecision)
    }

    @Test func blockPublicAccessIgnoresPublicAllowsButNotAccountAllowsOrDenies() throws {
        let policy = try policy(
            Self.allowAllGet + ","
                + #"{"Effect":"Allow","Principal":["\#(Self.other)"],"Action":["oss:PutObject"],"Resource":["acs:oss:*:*:bkt/*"]}"#
        )
        #expect(policy.isPublic)
        #expect(policy.decision(for: request(.anonymous), ignoringPublic: true) == .noDecision)
        #expect(policy.decision(for: request(.account(Self.other), "oss:PutObject"), ignoringPublic: true) == .allow)
    }

    @Test func anExplicitDenyOnAPrefixWinsOverAnAllow() throws {
        let policy = try policy(
            #"{"Effect":"Allow","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:bkt/*"]},"#
                + #"{"Effect":"Deny","Principal":["\#(Self.other)"],"Action":["oss:Get*"],"Resource":["acs:oss:*:*:bkt/secret/*"]}"#
        )
        #expect(policy.decision(for: request(.account(Self.other), key: "secret/x")) == .deny)
        #expect(policy.decision(for: request(.account(Self.other), key: "public/x")) == .allow)
        #expect(policy.decision(for: request(.account("99"), key: "secret/x")) == .allow)
        #expect(!policy.statements[1].isPublic)
    }

    @Test func theOwnerIsBoundOnlyByStatementsNamingItOrConditionalStarStatements() throws {
        let owner = PolicyPrincipal.owner(Credentials.ownerAccount)
        let unconditional = try policy(
            #"{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:*"]}"#)
        #expect(unconditional.decision(for: request(owner)) == .noDecision)
        #expect(unconditional.decision(for: request(.anonymous)) == .deny)
        let conditional = try policy(
            #"{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:*"],"Condition":{"NotIpAddress":{"acs:SourceIp":["10.0.0.0/8"]}}}"#
        )
        #expect(conditional.decision(for: request(owner)) == .deny)
        #expect(conditional.decision(for: request(owner, ip: "10.1.2.3")) == .noDecision)
        let named = try policy(
            #"{"Effect":"Deny","Principal":["\#(Credentials.ownerAccount)"],"Action":["oss:DeleteObject"],"Resource":["acs:oss:*:*:bkt/*"]}"#
        )
        #expect(named.decision(for: request(owner, "oss:DeleteObject")) == .deny)
    }

    @Test func ipConditionsMatchAddressesAndCIDRBlocks() throws {
        let policy = try policy(
            #"{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"],"Condition":{"IpAddress":{"acs:SourceIp":["192.168.0.0/16","::1"]}}}"#
        )
        #expect(!policy.isPublic)
        #expect(policy.decision(for: request(.anonymous, ip: "192.168.7.8")) == .allow)
        #expect(policy.decision(for: request(.anonymous, ip: "::ffff:192.168.7.8")) == .allow)
        #expect(policy.decision(for: request(.anonymous, ip: "::1")) == .allow)
        #expect(policy.decision(for: request(.anonymous, ip: "127.0.0.1")) == .noDecision)
        #expect(policy.decision(for: request(.anonymous, ip: nil)) == .noDecision)
    }

    @Test func prefixConditionsApplyToListingsOnly() throws {
        let policy = try policy(
            #"{"Effect":"Allow","Principal":["*"],"Action":["oss:ListObjects"],"Resource":["acs:oss:*:*:bkt"],"Condition":{"StringLike":{"oss:Prefix":["docs/*"]}}}"#
        )
        #expect(policy.decision(for: request(.anonymous, "oss:ListObjects", key: nil, prefix: "docs/a")) == .allow)
        #expect(policy.decision(for: request(.anonymous, "oss:ListObjects", key: nil, prefix: "")) == .noDecision)
        #expect(policy.decision(for: request(.anonymous, "oss:ListObjects", key: nil)) == .noDecision)
        let equals = try self.policy(
            #"{"Effect":"Deny","Principal":["*"],"Action":["oss:ListObjects"],"Resource":["acs:oss:*:*:bkt"],"Condition":{"StringEquals":{"oss:Prefix":"private/"}}}"#
        )
        #expect(equals.decision(for: request(.anonymous, "oss:ListObjects", key: nil, prefix: "private/")) == .deny)
    }

    @Test func secureTransportIsFalseOverPlainHTTP() throws {
        let policy = try policy(
            #"{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:bkt/*"],"Condition":{"Bool":{"acs:SecureTransport":["false"]}}}"#
        )
        var plain = request(.anonymous)
        #expect(policy.decision(for: plain) == .deny)
        plain.secureTransport = true
        #expect(policy.decision(for: plain) == .noDecision)
    }

    @Test func statementsWithUnknownPartsNeverApply() throws {
        let unknownKey = try policy(
            #"{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["*"],"Condition":{"StringEquals":{"acs:UserAgent":["x"]}}}"#
        )
        #expect(unknownKey.decision(for: request(.anonymous)) == .noDecision)
        let unknownOperator = try policy(
            #"{"Effect":"Deny","Principal":["*"],"Action":["oss:*"],"Resource":["*"],"Condition":{"DateGreaterThan":{"acs:CurrentTime":["2020-01-01T00:00:00Z"]}}}"#
        )
        #expect(unknownOperator.decision(for: request(.anonymous)) == .noDecision)
        let notAction = try policy(
            #"{"Effect":"Deny","Principal":["*"],"NotAction":["oss:PutObject"],"Resource":["*"]}"#)
        #expect(notAction.decision(for: request(.anonymous)) == .noDecision)
    }

    @Test func actionsMatchCaseInsensitivelyWithWildcards() throws {
        let policy = try policy(
            #"{"Effect":"Allow","Principal":"\#(Self.other)","Action":"oss:getobject*","Resource":"acs:oss:*:*:bkt/a/?.txt"}"#
        )
        #expect(policy.decision(for: request(.account(Self.other), "oss:GetObjectAcl")) == .allow)
        #expect(policy.decision(for: request(.account(Self.other), "oss:GetObject", key: "a/bc.txt")) == .noDecision)
        #expect(policy.decision(for: request(.anonymous)) == .noDecision)
    }

    @Test func policyStatusAgreesWithTheEvaluator() {
        #expect(PolicyConfiguration.isPublic(#"{"Version":"1","Statement":[\#(Self.allowAllGet)]}"#))
        #expect(
            PolicyConfiguration.isPublic(
                #"{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["*"]}]}"#))
        #expect(
            !PolicyConfiguration.isPublic(
                #"{"Version":"1","Statement":[{"Effect":"Deny","Principal":["*"],"Action":["oss:GetObject"],"Resource":["*"]}]}"#
            ))
        // Any Condition element, even an empty one, and a principal that is not `*` or UIDs make it not public.
        #expect(
            !PolicyConfiguration.isPublic(
                #"{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["*"],"Condition":{}}]}"#
            ))
        #expect(
            !PolicyConfiguration.isPublic(
                #"{"Version":"1","Statement":[{"Effect":"Allow","Principal":{"RAM":["*"]},"Action":["oss:GetObject"],"Resource":["*"]}]}"#
            ))
        #expect(!PolicyConfiguration.isPublic(nil))
    }

    @Test func credentialLinesMayNameTheirAccount() throws {
        let parsed = try Credentials.parse("A:secret\nB:sec:ret:1000000000000002\nC:with:colon\n# D:x:1")
        #expect(parsed.secrets == ["A": "secret", "B": "sec:ret", "C": "with:colon"])
        #expect(parsed.accounts == ["B": "1000000000000002"])
        let credentials = Credentials(
            parsed.secrets, accounts: parsed.accounts.merging(["A": Credentials.ownerAccount]) { $1 })
        #expect(credentials.otherAccount(of: "A") == nil)
        #expect(credentials.otherAccount(of: "B") == "1000000000000002")
    }

    /// OSS's RAM action list: object writes are `oss:PutObject`, object reads `oss:GetObject`, ListObjectsV2 is
    /// `oss:ListObjects`, bucket tags are `…BucketTagging`; the rest is `oss:` and the operation's name.
    @Test func operationsMapToOSSActionNames() throws {
        let bucket = try BucketName(validating: "policy-actions")
        let address = ObjectAddress(bucket: bucket, key: try ObjectKey(validating: "k"))
        let expected: [(Operation, String?)] = [
            (.uploadPart(address, uploadID: "u", part: try PartNumber(validating: "1")), "oss:PutObject"),
            (.appendObject(address), "oss:PutObject"),
            (.headObject(address), "oss:GetObject"),
            (.getObject(address), "oss:GetObject"),
            (.deleteMultipleObjects(bucket), "oss:DeleteObject"),
            (.listObjects(bucket, version: 2), "oss:ListObjects"),
            (.headBucket(bucket), "oss:GetBucketInfo"),
            (.createBucket(bucket), "oss:PutBucket"),
            (.getBucketTags(bucket), "oss:GetBucketTagging"),
            (.putBucketConfiguration(bucket, PolicyConfiguration.kind), "oss:PutBucketPolicy"),
            (.initiateBucketWorm(bucket), "oss:InitiateBucketWorm"),
            (.abortMultipartUpload(address, uploadID: "u"), "oss:AbortMultipartUpload"),
            (.preflight(bucket, key: nil), nil),
        ]
        for (operation, action) in expected { #expect(operation.policyAction == action, "\(operation.name)") }
    }
}
