/// One `RoutingRule` of a website configuration, as it is applied (protocol notes §4.4, runtime): conditions on
/// the requested key, the request's headers and the status the request would get, and what to do when they all
/// hold — redirect elsewhere (`External`, `AliCDN`) or serve another key of the bucket (`Internal`). `Mirror`
/// (fetching from an origin server) needs a service outside this one: such a rule never matches.
struct WebsiteRoutingRule: Sendable, Equatable {
    /// `IncludeHeader`: the header must be present and meet every comparison given.
    struct HeaderCondition: Sendable, Equatable {
        var name: String
        var equals: String?
        var startsWith: String?
        var endsWith: String?

        func holds(_ value: String?) -> Bool {
            guard let value else { return false }
            if let equals, value != equals { return false }
            if let startsWith, !value.hasPrefix(startsWith) { return false }
            if let endsWith, !value.hasSuffix(endsWith) { return false }
            return true
        }
    }

    enum RedirectType: String, Sendable {
        case external = "External"
        case aliCDN = "AliCDN"
        case `internal` = "Internal"
        case mirror = "Mirror"
    }

    var number: Int
    var keyPrefix: String
    var keySuffix: String
    /// `HttpErrorCodeReturnedEquals`: the rule is tried only once the request has failed with this status; a rule
    /// without it is tried before the object is read.
    var errorStatus: Int?
    var headers: [HeaderCondition]
    var type: RedirectType
    /// `http` or `https`; nil keeps the request's.
    var scheme: String?
    /// nil keeps the request's host.
    var hostName: String?
    /// `HttpRedirectCode`: 301, 302 (the default) or 307.
    var redirectCode: Int
    /// `ReplaceKeyWith`; `${key}` stands for the requested key.
    var replaceKeyWith: String?
    /// `ReplaceKeyPrefixWith`: replaces the `KeyPrefixEquals` part of the key (or goes before the key).
    var replaceKeyPrefixWith: String?
    var enableReplacePrefix: Bool
    var passQueryString: Bool

    /// The rules of a stored `RoutingRules` element, by `RuleNumber`; a rule the codec would have refused is left
    /// out.
    static func rules(of routing: XMLElement?) -> [WebsiteRoutingRule] {
        (routing?.children("RoutingRule") ?? []).compactMap(WebsiteRoutingRule.init).sorted { $0.number < $1.number }
    }

    init?(_ element: XMLElement) {
        guard let number = element.child("RuleNumber").flatMap({ Int($0.text) }),
            let redirect = element.child("Redirect"),
            let type = redirect.child("RedirectType").flatMap({ RedirectType(rawValue: $0.text) })
        else { return nil }
        self.number = number
        self.type = type
        let condition = element.child("Condition")
        keyPrefix = condition?.child("KeyPrefixEquals")?.text ?? ""
        keySuffix = condition?.child("KeySuffixEquals")?.text ?? ""
        errorStatus = condition?.child("HttpErrorCodeReturnedEquals").flatMap { Int($0.text) }
        headers = (condition?.children("IncludeHeader") ?? []).compactMap { header in
            guard let name = header.child("Key")?.text, !name.isEmpty else { return nil }
            return HeaderCondition(
                name: name, equals: header.child("Equals")?.text, startsWith: header.child("StartsWith")?.text,
                endsWith: header.child("EndsWith")?.text)
        }
        scheme = redirect.child("Protocol")?.text.nilIfEmpty
        hostName = redirect.child("HostName")?.text.nilIfEmpty
        redirectCode = redirect.child("HttpRedirectCode").flatMap { Int($0.text) } ?? 302
        replaceKeyWith = redirect.child("ReplaceKeyWith")?.text
        replaceKeyPrefixWith = redirect.child("ReplaceKeyPrefixWith")?.text
        enableReplacePrefix = redirect.child("EnableReplacePrefix")?.text.lowercased() == "true"
        passQueryString = redirect.child("PassQueryString")?.text.lowercased() == "true"
    }

    /// Whether the rule applies to a request for `key` that has so far got `status` (nil: not yet answered).
    func matches(key: String, status: Int?, header: (String) -> String?) -> Bool {
        guard type != .mirror, errorStatus == status, key.hasPrefix(keyPrefix), key.hasSuffix(keySuffix) else {
            return false
        }
        return headers.allSatisfy { $0.holds(header($0.name)) }
    }

    /// The key the request goes to: `ReplaceKeyWith` (with `${key}` filled in), else the key with its
    /// `KeyPrefixEquals` part replaced by `ReplaceKeyPrefixWith`, else the key itself.
    func rewrittenKey(_ key: String) -> String {
        if let replaceKeyWith { return replaceKeyWith.replacing("${key}", with: key) }
        if replaceKeyPrefixWith != nil || enableReplacePrefix {
            return (replaceKeyPrefixWith ?? "") + key.dropFirst(keyPrefix.count)
        }
        return key
    }

    /// The `Location` of an `External` or `AliCDN` redirect. `origin` is where the request went:
    /// `scheme://host` plus, for a path-style request, `/bucket`; a `HostName` replaces all of it but the scheme.
    func location(key: String, scheme requestScheme: String, origin: String, rawQuery: Substring?) -> String {
        let base = (scheme ?? requestScheme) + "://" + (hostName ?? origin)
        var location = base + "/" + WebsiteRouting.encodePath(rewrittenKey(key))
        if passQueryString, let rawQuery, !rawQuery.isEmpty { location += "?" + rawQuery }
        return location
    }
}
