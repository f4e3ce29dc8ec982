import Testing

@testable import LocalOSS

/// The codecs of the bucket configurations: what a valid PUT document becomes (the exact GET reply) and the error
/// each refused one gets (protocol notes, bucket-configuration-and-access.md §4).
@Suite struct BucketConfigurationCodecTests {
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    func accept(_ kind: BucketConfigurationKind, _ body: String, headers: [String: String] = [:]) throws(OSSError)
        -> String
    {
        try kind.acceptRequest(
            BucketConfigurationPut(body: Array(body.utf8), headers: headers, bucketExists: { $0 == "logs-bucket" }))
    }

    func refusal(_ kind: BucketConfigurationKind, _ body: String, headers: [String: String] = [:]) -> OSSError? {
        do {
            _ = try accept(kind, body, headers: headers)
            return nil
        } catch { return error }
    }

    // MARK: lifecycle

    @Test func lifecycleRulesComeBackWithIDPrefixStatusFirstAndTransitionsInOrder() throws {
        let body = """
            <LifecycleConfiguration><Rule><Transition><Days>355</Days><StorageClass>Archive</StorageClass></Transition>\
            <Transition><Days>352</Days><StorageClass>IA</StorageClass></Transition><Status>Enabled</Status>\
            <ID>r1</ID><Prefix>new/</Prefix><Expiration><Days>400</Days></Expiration></Rule>\
            <Rule><ID>r2</ID><Prefix>old/</Prefix><Status>Disabled</Status>\
            <Expiration><ExpiredObjectDeleteMarker>True</ExpiredObjectDeleteMarker></Expiration></Rule>\
            </LifecycleConfiguration>
            """
        #expect(
            try accept(LifecycleConfiguration.kind, body) == Self.declaration
                + "<LifecycleConfiguration><Rule><ID>r1</ID><Prefix>new/</Prefix><Status>Enabled</Status>"
                + "<Expiration><Days>400</Days></Expiration>"
                + "<Transition><Days>355</Days><StorageClass>Archive</StorageClass></Transition>"
                + "<Transition><Days>352</Days><StorageClass>IA</StorageClass></Transition></Rule>"
                + "<Rule><ID>r2</ID><Prefix>old/</Prefix><Status>Disabled</Status>"
                + "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>"
                + "</LifecycleConfiguration>")
    }

    static func rule(_ id: String, _ prefix: String, _ actions: String) -> String {
        "<Rule><ID>\(id)</ID><Prefix>\(prefix)</Prefix><Status>Enabled</Status>\(actions)</Rule>"
    }

    static func lifecycle(_ rules: String...) -> String {
        "<LifecycleConfiguration>" + rules.joined() + "</LifecycleConfiguration>"
    }

    @Test func lifecycleOverlapOfTheSameActionNeedsTheHeader() throws {
        let body = Self.lifecycle(
            Self.rule("a", "p/", "<Expiration><Days>1</Days></Expiration>"),
            Self.rule("b", "p/2", "<Expiration><Days>2</Days></Expiration>"))
        let error = try #require(refusal(LifecycleConfiguration.kind, body))
        #expect(error.code == .invalidArgument)
        #expect(error.message == "Overlap for same action type Expiration")
        #expect(error.ec == "0014-00000084")
        #expect(refusal(LifecycleConfiguration.kind, body, headers: ["x-oss-allow-same-action-overlap": "true"]) == nil)
    }

    @Test(
        arguments: [
            // No rules; an unknown status; not XML at all.
            (lifecycle(), OSSErrorCode.malformedXML, nil),
            (lifecycle(rule("a", "", "").replacingOccurrences(of: "Enabled", with: "On")), .malformedXML, nil),
            ("nope", .malformedXML, nil),
            // Expiration before a transition; IA after Archive; a Standard transition; days mixed with dates.
            (
                lifecycle(
                    rule(
                        "a", "",
                        "<Expiration><Days>3</Days></Expiration><Transition><Days>4</Days><StorageClass>IA</StorageClass></Transition>"
                    )), .invalidArgument, nil
            ),
            (
                lifecycle(
                    rule(
                        "a", "",
                        "<Transition><Days>5</Days><StorageClass>IA</StorageClass></Transition><Transition><Days>2</Days><StorageClass>Archive</StorageClass></Transition>"
                    )), .invalidArgument, nil
            ),
            (
                lifecycle(
                    rule("a", "", "<Transition><Days>5</Days><StorageClass>Standard</StorageClass></Transition>")),
                .invalidArgument, nil
            ),
            (
                lifecycle(
                    rule(
                        "a", "",
                        "<Expiration><CreatedBeforeDate>2016-12-25T00:00:00.000Z</CreatedBeforeDate></Expiration><Transition><Days>356</Days><StorageClass>IA</StorageClass></Transition>"
                    )), .invalidRequest, nil
            ),
            // Both Days and a date; none at all; a date that is not midnight; the same ID twice.
            (
                lifecycle(
                    rule(
                        "a", "",
                        "<Expiration><Days>1</Days><CreatedBeforeDate>2016-12-25T00:00:00.000Z</CreatedBeforeDate></Expiration>"
                    )), .invalidArgument, "0014-00000061"
            ),
            (lifecycle(rule("a", "", "<Expiration></Expiration>")), .invalidArgument, "0014-00000060"),
            (
                lifecycle(
                    rule(
                        "a", "",
                        "<Expiration><CreatedBeforeDate>2016-12-25T08:00:00.000Z</CreatedBeforeDate></Expiration>")),
                .invalidArgument, "0014-00000087"
            ),
            (
                lifecycle(
                    rule("a", "x/", "<Expiration><Days>1</Days></Expiration>"),
                    rule("a", "y/", "<Expiration><Days>1</Days></Expiration>")), .invalidArgument, "0014-00000020"
            ),
            // A tag key outside the tagging alphabet.
            (
                lifecycle(
                    rule("a", "", "<Tag><Key>%&amp;</Key><Value>v</Value></Tag><Expiration><Days>1</Days></Expiration>")
                ),
                .invalidArgument, nil
            ),
        ] as [(String, OSSErrorCode, String?)])
    func lifecycleRefusals(_ body: String, _ code: OSSErrorCode, _ ec: String?) throws {
        let error = try #require(refusal(LifecycleConfiguration.kind, body))
        #expect(error.code == code)
        if let ec { #expect(error.ec == ec) }
    }

    // MARK: referer, website, logging

    @Test func refererDefaultsAndOrder() throws {
        let body = """
            <RefererConfiguration><RefererList><Referer>http://a.com</Referer><Referer></Referer></RefererList>\
            <AllowEmptyReferer>false</AllowEmptyReferer></RefererConfiguration>
            """
        #expect(
            try accept(RefererConfiguration.kind, body) == Self.declaration
                + "<RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer>"
                + "<AllowTruncateQueryString>true</AllowTruncateQueryString><TruncatePath>false</TruncatePath>"
                + "<RefererList><Referer>http://a.com</Referer></RefererList></RefererConfiguration>")
        guard case .document(let fallback) = RefererConfiguration.kind.absent else {
            Issue.record("referer has no default document")
            return
        }
        #expect(fallback.contains("<AllowEmptyReferer>true</AllowEmptyReferer>"))
        #expect(!RefererConfiguration.kind.deletable)
        #expect(
            refusal(RefererConfiguration.kind, "<RefererConfiguration><RefererList/></RefererConfiguration>")?.ec
                == "0033-00000002")
        #expect(
            refusal(
                RefererConfiguration.kind,
                "<RefererConfiguration><AllowEmptyReferer>32</AllowEmptyReferer></RefererConfiguration>")?.ec
                == "0033-00000003")
    }

    @Test func websiteIsEchoedAsSent() throws {
        let body =
            "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix><SupportSubDir>True</SupportSubDir>"
            + "<Type>0</Type></IndexDocument><ErrorDocument><Key>error.html</Key><HttpStatus>404</HttpStatus>"
            + "</ErrorDocument></WebsiteConfiguration>"
        #expect(
            try accept(WebsiteConfiguration.kind, body)
                == Self.declaration + body.replacingOccurrences(of: "True", with: "true"))
        #expect(
            refusal(
                WebsiteConfiguration.kind,
                "<WebsiteConfiguration><IndexDocument><Suffix>a/b</Suffix></IndexDocument></WebsiteConfiguration>")?
                .code == .invalidArgument)
        let mirror =
            "<WebsiteConfiguration><RoutingRules><RoutingRule><RuleNumber>1</RuleNumber><Redirect>"
            + "<RedirectType>Mirror</RedirectType><MirrorURL>http://m/</MirrorURL>"
            + "<MirrorPassQueryString>true</MirrorPassQueryString></Redirect></RoutingRule></RoutingRules>"
            + "</WebsiteConfiguration>"
        #expect(
            try accept(WebsiteConfiguration.kind, mirror).contains(
                "<PassQueryString>true</PassQueryString><MirrorPassQueryString>true</MirrorPassQueryString>"))
    }

    @Test func loggingTargetsMustExist() throws {
        #expect(
            try accept(
                LoggingConfiguration.kind,
                "<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs-bucket</TargetBucket></LoggingEnabled></BucketLoggingStatus>"
            ) == Self.declaration
                + "<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs-bucket</TargetBucket>"
                + "<TargetPrefix></TargetPrefix></LoggingEnabled></BucketLoggingStatus>")
        #expect(try accept(LoggingConfiguration.kind, "<BucketLoggingStatus/>") == LoggingConfiguration.disabled)
        for (target, ec) in [("xx", "0032-00000004"), ("missing-bucket", "0032-00000008"), ("", "0032-00000003")] {
            let body =
                "<BucketLoggingStatus><LoggingEnabled><TargetBucket>\(target)</TargetBucket></LoggingEnabled></BucketLoggingStatus>"
            let error = refusal(LoggingConfiguration.kind, body)
            #expect(error?.code == .invalidTargetBucketForLogging)
            #expect(error?.ec == ec)
        }
    }

    // MARK: policy, encryption, single values

    @Test func policyIsKeptAsSentAndItsStatusComputed() throws {
        let text = #"{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"]}]}"#
        #expect(try accept(PolicyConfiguration.kind, text) == text)
        #expect(PolicyConfiguration.isPublic(text))
        #expect(!PolicyConfiguration.isPublic(text.replacingOccurrences(of: "Allow", with: "Deny")))
        #expect(!PolicyConfiguration.isPublic(text.replacingOccurrences(of: "\"*\"", with: "\"123\"")))
        #expect(!PolicyConfiguration.isPublic(nil))
        for bad in ["nope", #"{"Version":1,"Statement":[]}"#, #"{"Version":"1"}"#] {
            #expect(refusal(PolicyConfiguration.kind, bad)?.code == .invalidPolicyDocument)
        }
    }

    @Test func singleValueConfigurations() throws {
        #expect(
            try accept(
                HTTPSConfiguration.kind,
                "<HttpsConfiguration><TLS><Enable>true</Enable><TLSVersion>TLSv1.2</TLSVersion><TLSVersion>TLSv1.2</TLSVersion></TLS></HttpsConfiguration>"
            ) == Self.declaration
                + "<HttpsConfiguration><TLS><Enable>true</Enable><TLSVersion>TLSv1.2</TLSVersion></TLS></HttpsConfiguration>"
        )
        #expect(
            refusal(
                HTTPSConfiguration.kind, "<HttpsConfiguration><TLS><Enable>true</Enable></TLS></HttpsConfiguration>")?
                .code == .malformedXML)
        #expect(
            refusal(
                AccessTracking.kind,
                "<AccessMonitorConfiguration><Status>On</Status></AccessMonitorConfiguration>")?.code == .malformedXML)
        let error = refusal(
            SwitchConfigurations.resourceGroup,
            "<BucketResourceGroupConfiguration><ResourceGroupId>rg-x</ResourceGroupId></BucketResourceGroupConfiguration>"
        )
        #expect(error?.code == .resourceGroupIdPreCheckError && error?.ec == "0039-00000003")
        #expect(
            try accept(
                SwitchConfigurations.publicAccessBlock,
                "<PublicAccessBlockConfiguration><BlockPublicAccess>True</BlockPublicAccess></PublicAccessBlockConfiguration>"
            )
                == Self.declaration
                + "<PublicAccessBlockConfiguration><BlockPublicAccess>true</BlockPublicAccess></PublicAccessBlockConfiguration>"
        )
        #expect(
            try accept(
                OverwriteConfiguration.kind,
                "<OverwriteConfiguration><Rule><Action>forbid</Action></Rule></OverwriteConfiguration>")
                == Self.declaration
                + "<OverwriteConfiguration><Rule><ID>rule-1</ID><Action>forbid</Action><Prefix></Prefix><Suffix></Suffix>"
                + "<Principals></Principals></Rule></OverwriteConfiguration>")
    }

    @Test func everyKindHasItsOwnSubresourceAndNotConfiguredAnswer() {
        let names = BucketConfigurationKind.all.map(\.subresource)
        #expect(Set(names).count == names.count)
        for kind in BucketConfigurationKind.all {
            if case .error(let error) = kind.absent { #expect(error.status == 404, "\(kind.subresource)") }
        }
    }
}
