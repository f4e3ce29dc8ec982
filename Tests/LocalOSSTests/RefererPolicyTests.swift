import Testing

@testable import LocalOSS

/// Hotlink protection rules (protocol notes §4.3), without sockets.
@Suite struct RefererPolicyTests {
    static func policy(allowEmpty: Bool, white: [String], black: [String] = [], truncatePath: Bool = false)
        -> RefererPolicy
    {
        let list = white.map { "<Referer>\($0)</Referer>" }.joined()
        let blocked = black.map { "<Referer>\($0)</Referer>" }.joined()
        return RefererPolicy(
            document: """
                <RefererConfiguration><AllowEmptyReferer>\(allowEmpty)</AllowEmptyReferer>\
                <TruncatePath>\(truncatePath)</TruncatePath><RefererList>\(list)</RefererList>\
                <RefererBlacklist>\(blocked)</RefererBlacklist></RefererConfiguration>
                """)!
    }

    @Test func wildcardsStandForARunOrOneCharacter() {
        #expect(RefererPolicy.matches(Array("https://*.example.com".utf8), Array("https://a.b.example.com".utf8)))
        #expect(!RefererPolicy.matches(Array("https://*.example.com".utf8), Array("https://example.com".utf8)))
        #expect(RefererPolicy.matches(Array("https://www.?.com".utf8), Array("https://www.a.com".utf8)))
        #expect(!RefererPolicy.matches(Array("https://www.?.com".utf8), Array("https://www.ab.com".utf8)))
        #expect(RefererPolicy.matches(Array("*".utf8), Array("".utf8)))
    }

    @Test func theWhitelistDecidesAndEmptyReferersNeedTheFlag() {
        // The whole Referer (its query string cut off) must match: paths count unless TruncatePath.
        let strict = Self.policy(allowEmpty: false, white: ["https://*.example.com/*"])
        #expect(strict.refusal(referer: "https://app.example.com/page?x=1") == nil)
        #expect(strict.refusal(referer: "https://APP.example.com/p") == nil)
        #expect(
            Self.policy(allowEmpty: false, white: ["https://*.example.com"]).refusal(
                referer: "https://a.example.com/p")?.ec == "0003-00000503")
        #expect(strict.refusal(referer: "https://evil.test/")?.ec == "0003-00000503")
        #expect(strict.refusal(referer: nil)?.ec == "0003-00000501")
        #expect(strict.refusal(referer: "")?.ec == "0003-00000501")
        let lenient = Self.policy(allowEmpty: true, white: ["https://*.example.com/*"])
        #expect(lenient.refusal(referer: nil) == nil)
        #expect(lenient.refusal(referer: "https://evil.test/")?.ec == "0003-00000503")
    }

    @Test func theBlacklistComesFirstAndAnEmptyWhitelistLetsTheRestThrough() {
        let policy = Self.policy(allowEmpty: false, white: [], black: ["https://*.hack.com"])
        #expect(policy.refusal(referer: nil) == nil)  // the empty-Referer flag is not consulted
        #expect(policy.refusal(referer: "https://a.test/") == nil)
        #expect(policy.refusal(referer: "https://x.hack.com")?.ec == "0003-00000502")
        let both = Self.policy(allowEmpty: true, white: ["https://*"], black: ["https://*.hack.com"])
        #expect(both.refusal(referer: "https://x.hack.com")?.ec == "0003-00000502")
    }

    @Test func truncationDropsTheQueryStringAndOptionallyThePath() {
        let exact = Self.policy(allowEmpty: false, white: ["https://a.test/page"])
        #expect(exact.refusal(referer: "https://a.test/page?utm=1") == nil)
        let hostOnly = Self.policy(allowEmpty: false, white: ["https://a.test"], truncatePath: true)
        #expect(hostOnly.refusal(referer: "https://a.test/any/path?q") == nil)
        #expect(hostOnly.refusal(referer: "https://b.test/any")?.ec == "0003-00000503")
    }
}

extension OSSError: Equatable {
    public static func == (lhs: OSSError, rhs: OSSError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.ec == rhs.ec
    }
}
