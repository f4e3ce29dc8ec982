import Testing

@testable import LocalOSS

/// Website routing rules (protocol notes §4.4): which rule applies, and where it sends the request.
@Suite struct WebsiteRoutingRuleTests {
    static func rules(_ body: String) -> [WebsiteRoutingRule] {
        let document = "<WebsiteConfiguration><RoutingRules>\(body)</RoutingRules></WebsiteConfiguration>"
        return WebsiteRules(document: document)?.routingRules ?? []
    }

    static func rule(_ number: Int, condition: String = "", redirect: String) -> String {
        "<RoutingRule><RuleNumber>\(number)</RuleNumber><Condition>\(condition)</Condition>"
            + "<Redirect>\(redirect)</Redirect></RoutingRule>"
    }

    static let noHeaders: @Sendable (String) -> String? = { _ in nil }

    @Test func rulesAreOrderedByRuleNumber() {
        let rules = Self.rules(
            Self.rule(3, redirect: "<RedirectType>External</RedirectType>")
                + Self.rule(1, redirect: "<RedirectType>Internal</RedirectType>")
                + Self.rule(2, redirect: "<RedirectType>AliCDN</RedirectType>"))
        #expect(rules.map(\.number) == [1, 2, 3])
        #expect(rules.map(\.type) == [.internal, .aliCDN, .external])
    }

    @Test func everyConditionMustHold() {
        let rule = Self.rules(
            Self.rule(
                1,
                condition: "<KeyPrefixEquals>abc/</KeyPrefixEquals><KeySuffixEquals>.txt</KeySuffixEquals>"
                    + "<IncludeHeader><Key>host</Key><Equals>example.com</Equals></IncludeHeader>",
                redirect: "<RedirectType>External</RedirectType>"))[0]
        let host: (String) -> String? = { $0.lowercased() == "host" ? "example.com" : nil }
        #expect(rule.matches(key: "abc/x.txt", status: nil, header: host))
        #expect(!rule.matches(key: "abc/x.txt", status: nil, header: Self.noHeaders))
        #expect(!rule.matches(key: "abd/x.txt", status: nil, header: host))
        #expect(!rule.matches(key: "abc/x.html", status: nil, header: host))
        // A rule without an error status is tried only before the request is answered.
        #expect(!rule.matches(key: "abc/x.txt", status: 404, header: host))
    }

    @Test func anErrorStatusRuleMatchesOnlyThatStatus() {
        let rule = Self.rules(
            Self.rule(
                1, condition: "<HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals>",
                redirect: "<RedirectType>External</RedirectType>"))[0]
        #expect(rule.matches(key: "k", status: 404, header: Self.noHeaders))
        #expect(!rule.matches(key: "k", status: nil, header: Self.noHeaders))
        #expect(!rule.matches(key: "k", status: 403, header: Self.noHeaders))
    }

    @Test func headerComparisons() {
        let condition = WebsiteRoutingRule.HeaderCondition(
            name: "User-Agent", equals: nil, startsWith: "Mozilla", endsWith: "Mobile")
        #expect(condition.holds("Mozilla/5.0 Mobile"))
        #expect(!condition.holds("Mozilla/5.0"))
        #expect(!condition.holds(nil))
        #expect(WebsiteRoutingRule.HeaderCondition(name: "x", equals: "", startsWith: nil, endsWith: nil).holds(""))
    }

    @Test func aMirrorRuleNeverMatches() {
        let rule = Self.rules(
            Self.rule(
                1, condition: "<HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals>",
                redirect: "<RedirectType>Mirror</RedirectType><MirrorURL>http://origin/</MirrorURL>"))[0]
        #expect(!rule.matches(key: "k", status: 404, header: Self.noHeaders))
    }

    @Test func keysAreRewrittenByReplaceKeyWithOrThePrefix() {
        let whole = Self.rules(
            Self.rule(1, redirect: "<RedirectType>External</RedirectType><ReplaceKeyWith>p/${key}.s</ReplaceKeyWith>"))[
                0]
        #expect(whole.rewrittenKey("test") == "p/test.s")
        let prefix = Self.rules(
            Self.rule(
                1, condition: "<KeyPrefixEquals>abc/</KeyPrefixEquals>",
                redirect: "<RedirectType>Internal</RedirectType><ReplaceKeyPrefixWith>def/</ReplaceKeyPrefixWith>"))[0]
        #expect(prefix.rewrittenKey("abc/test.txt") == "def/test.txt")
        let truncate = Self.rules(
            Self.rule(
                1, condition: "<KeyPrefixEquals>abc/</KeyPrefixEquals>",
                redirect: "<RedirectType>Internal</RedirectType><EnableReplacePrefix>true</EnableReplacePrefix>"))[0]
        #expect(truncate.rewrittenKey("abc/test.txt") == "test.txt")
        let keep = Self.rules(Self.rule(1, redirect: "<RedirectType>External</RedirectType>"))[0]
        #expect(keep.rewrittenKey("abc/test.txt") == "abc/test.txt")
    }

    @Test func locationsUseTheRulesProtocolHostAndQuery() {
        let rule = Self.rules(
            Self.rule(
                1, condition: "<KeyPrefixEquals>abc/</KeyPrefixEquals>",
                redirect: "<RedirectType>External</RedirectType><Protocol>https</Protocol>"
                    + "<HostName>example.com</HostName><HttpRedirectCode>301</HttpRedirectCode>"
                    + "<ReplaceKeyPrefixWith>def/</ReplaceKeyPrefixWith><PassQueryString>true</PassQueryString>"))[0]
        #expect(rule.redirectCode == 301)
        #expect(
            rule.location(key: "abc/a b.txt", scheme: "http", origin: "127.0.0.1:9000/bkt", rawQuery: "x=1")
                == "https://example.com/def/a%20b.txt?x=1")
        let defaults = Self.rules(Self.rule(1, redirect: "<RedirectType>AliCDN</RedirectType>"))[0]
        #expect(defaults.redirectCode == 302)
        #expect(
            defaults.location(key: "k", scheme: "http", origin: "127.0.0.1:9000/bkt", rawQuery: "x=1")
                == "http://127.0.0.1:9000/bkt/k")
    }
}
