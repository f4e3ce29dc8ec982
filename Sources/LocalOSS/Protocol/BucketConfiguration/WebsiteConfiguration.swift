/// `PUT|GET|DELETE ?website`: validated, then returned exactly as sent (go2's test compares the whole parsed
/// structure with what it put, so nothing is added or dropped). `WebsiteRules` and `WebsiteRouting` apply it.
enum WebsiteConfiguration {
    static let maxRoutingRules = 20
    static let redirectTypes: Set<String> = ["Mirror", "External", "Internal", "AliCDN"]

    static let kind = BucketConfigurationKind(
        "website", stem: "BucketWebsite",
        absent: .error(
            OSSError(.noSuchWebsiteConfiguration, "The specified bucket does not have a website configuration.")),
        accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "WebsiteConfiguration" else { throw OSSError.malformedXML }
        let index = root.child("IndexDocument")
        let error = root.child("ErrorDocument")
        let rules = root.child("RoutingRules")?.children("RoutingRule") ?? []
        guard index != nil || error != nil || !rules.isEmpty else { throw OSSError.malformedXML }
        if let index {
            guard let suffix = index.child("Suffix")?.text, !suffix.isEmpty, !suffix.contains("/") else {
                throw OSSError.invalidArgument(
                    "The index document suffix must be non-empty and contain no slash.", name: "Suffix",
                    value: index.child("Suffix")?.text ?? "")
            }
            if let subDir = index.child("SupportSubDir"), subDir.boolValue == nil { throw OSSError.malformedXML }
            if let type = index.child("Type"), !["0", "1", "2"].contains(type.text) {
                throw OSSError.invalidArgument("Type must be 0, 1 or 2.", name: "Type", value: type.text)
            }
        }
        if let error {
            guard let key = error.child("Key")?.text, !key.isEmpty else { throw OSSError.malformedXML }
        }
        guard rules.count <= maxRoutingRules else {
            throw OSSError.invalidArgument(
                "A website configuration has at most \(maxRoutingRules) routing rules.", name: "RoutingRule",
                value: String(rules.count))
        }
        var numbers: Set<Int> = []
        for rule in rules {
            guard let number = Int(rule.child("RuleNumber")?.text ?? ""), number > 0, numbers.insert(number).inserted,
                let type = rule.child("Redirect")?.child("RedirectType")?.text, redirectTypes.contains(type)
            else { throw OSSError.malformedXML }
            if let code = rule.child("Redirect")?.child("HttpRedirectCode")?.text,
                !(300...399).contains(Int(code) ?? 0)
            {
                throw OSSError.invalidArgument(
                    "HttpRedirectCode must be a 3xx status.", name: "HttpRedirectCode", value: code)
            }
        }
        var xml = XMLWriter()
        xml.echo(normalised(root))
        return xml.finish()
    }

    /// For a Mirror redirect, OSS reports `PassQueryString` as the value of `MirrorPassQueryString`, which
    /// governs it (oss2's website test asserts this).
    static func normalised(_ element: XMLElement) -> XMLElement {
        if element.name == "Redirect", element.child("RedirectType")?.text == "Mirror",
            let mirror = element.child("MirrorPassQueryString")
        {
            var children = element.children.filter { $0.name != "PassQueryString" }
            let passQuery = XMLElement(name: "PassQueryString", text: mirror.text, children: [])
            let at = children.firstIndex { $0.name == "MirrorPassQueryString" } ?? children.endIndex
            children.insert(passQuery, at: at)
            return XMLElement(name: element.name, text: element.text, children: children)
        }
        guard !element.children.isEmpty else { return element }
        return XMLElement(name: element.name, text: element.text, children: element.children.map(normalised))
    }
}
