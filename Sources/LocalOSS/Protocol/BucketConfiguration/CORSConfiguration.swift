/// A bucket's CORS rules (`PUT|GET|DELETE ?cors`), and how a request is matched against them: preflights
/// (`OPTIONS`) are answered from them, and actual requests that carry `Origin` get the matched rule's headers.
struct CORSConfiguration: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var allowedOrigins: [String]
        var allowedMethods: [String]
        /// Lower-cased: OSS returns them so, and matches request headers case-insensitively.
        var allowedHeaders: [String]
        var exposeHeaders: [String]
        var maxAgeSeconds: Int?

        /// An origin pattern may hold one `*`, standing for any run of characters.
        func allows(origin: String) -> Bool { allowedOrigins.contains { Wildcard.matches($0, origin) } }

        /// Every requested header must match an allowed one (case-insensitive, one `*` wildcard per pattern).
        func allows(headers: [String]) -> Bool {
            headers.allSatisfy { header in allowedHeaders.contains { Wildcard.matches($0, header.lowercased()) } }
        }
    }

    static let maxRules = 10
    static let methods: Set<String> = ["GET", "PUT", "DELETE", "POST", "HEAD"]

    var rules: [Rule]
    var responseVary: Bool

    static let kind = BucketConfigurationKind(
        "cors", stem: "BucketCors",
        absent: .error(OSSError(.noSuchCORSConfiguration, "The CORS configuration does not exist.")),
        accept: { body throws(OSSError) in try CORSConfiguration(document: body).document })

    /// The rule a preflight or an actual request is allowed by: the first whose origin, method and (for a
    /// preflight) every requested header match.
    func rule(origin: String, method: String, requestHeaders: [String] = []) -> Rule? {
        rules.first { rule in
            rule.allows(origin: origin) && rule.allowedMethods.contains(method) && rule.allows(headers: requestHeaders)
        }
    }

    /// Parses and validates a `CORSConfiguration` document, as a PUT sends it or as it was stored.
    init(document body: [UInt8]) throws(OSSError) {
        let root = try XMLDocument.parse(body)
        guard root.name == "CORSConfiguration" else { throw OSSError.malformedXML }
        let ruleElements = root.children("CORSRule")
        guard ruleElements.count <= Self.maxRules else {
            throw OSSError(.corsRuleBeyondLimit, "The CORS Rules num is beyond limit")
        }
        guard !ruleElements.isEmpty else { throw OSSError.malformedXML }
        var rules: [Rule] = []
        for element in ruleElements {
            let origins = element.children("AllowedOrigin").map(\.text)
            let methods = element.children("AllowedMethod").map(\.text)
            guard !origins.isEmpty, !methods.isEmpty else { throw OSSError.malformedXML }
            for origin in origins where origin.filter({ $0 == "*" }).count > 1 {
                throw OSSError.invalidArgument(
                    "AllowedOrigin may contain at most one wildcard.", name: "AllowedOrigin", value: origin)
            }
            for method in methods where !Self.methods.contains(method) {
                throw OSSError.invalidArgument(
                    "Unsupported CORS method \(method).", name: "AllowedMethod", value: method)
            }
            let headers = element.children("AllowedHeader").map { $0.text.lowercased() }
            for header in headers where header.filter({ $0 == "*" }).count > 1 {
                throw OSSError.invalidArgument(
                    "AllowedHeader may contain at most one wildcard.", name: "AllowedHeader", value: header)
            }
            let expose = element.children("ExposeHeader").map(\.text)
            for header in expose where header.contains("*") {
                throw OSSError.invalidArgument(
                    "ExposeHeader may not contain a wildcard.", name: "ExposeHeader", value: header)
            }
            var maxAge: Int?
            if let text = element.child("MaxAgeSeconds")?.text {
                guard let seconds = Int(text), seconds >= 0 else {
                    throw OSSError.invalidArgument(
                        "MaxAgeSeconds must be a non-negative integer.", name: "MaxAgeSeconds", value: text)
                }
                maxAge = seconds
            }
            rules.append(
                Rule(
                    allowedOrigins: origins, allowedMethods: methods, allowedHeaders: headers, exposeHeaders: expose,
                    maxAgeSeconds: maxAge))
        }
        self.rules = rules
        switch root.child("ResponseVary")?.text.lowercased() {
        case nil, "false": responseVary = false
        case "true": responseVary = true
        default: throw OSSError.malformedXML
        }
    }

    /// What GET returns: every rule in order, header names lower-cased, and `ResponseVary` always (oss2 reads it).
    var document: String {
        XMLDocumentWriter.document("CORSConfiguration") { xml in
            for rule in rules {
                xml.open("CORSRule")
                for origin in rule.allowedOrigins { xml.element("AllowedOrigin", origin) }
                for method in rule.allowedMethods { xml.element("AllowedMethod", method) }
                for header in rule.allowedHeaders { xml.element("AllowedHeader", header) }
                for header in rule.exposeHeaders { xml.element("ExposeHeader", header) }
                if let maxAge = rule.maxAgeSeconds { xml.element("MaxAgeSeconds", maxAge) }
                xml.close("CORSRule")
            }
            xml.element("ResponseVary", responseVary)
        }
    }
}

/// Glob matching with `*` only, as CORS origins and headers use it.
enum Wildcard {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == text }
        let prefix = pattern[..<star]
        let suffix = pattern[pattern.index(after: star)...]
        return text.count >= prefix.count + suffix.count && text.hasPrefix(prefix) && text.hasSuffix(suffix)
    }
}
