/// Static website hosting as a bucket's `WebsiteConfiguration` decides it (protocol notes §4.4, runtime): which
/// object answers a GET of the bucket root or of a "directory", which one a missing key, and the routing rules
/// that redirect or rewrite requests (`WebsiteRoutingRule`).
struct WebsiteRules: Sendable, Equatable {
    static let subresource = "website"

    /// What a missing key `abc` does when sub-directory indexes are on (`IndexDocument/Type`).
    enum MissingKey: String, Sendable {
        /// 302 to `abc/` if `abc/index.html` exists.
        case redirect = "0"
        /// 404, then the error document.
        case notFound = "1"
        /// `abc/index.html`'s content, if it exists.
        case serveIndex = "2"
    }

    var suffix: String
    var supportSubDirectories: Bool
    var missingKey: MissingKey
    var errorDocument: String?
    var errorStatus: Int
    /// By `RuleNumber`: the first whose conditions hold is applied.
    var routingRules: [WebsiteRoutingRule]

    init?(document: String) {
        guard let root = try? XMLDocument.parse(Array(document.utf8)), root.name == "WebsiteConfiguration" else {
            return nil
        }
        routingRules = WebsiteRoutingRule.rules(of: root.child("RoutingRules"))
        // A configuration of routing rules alone hosts no index document.
        let index = root.child("IndexDocument")
        let suffix = index?.child("Suffix")?.text ?? ""
        guard !suffix.isEmpty || !routingRules.isEmpty else { return nil }
        self.suffix = suffix
        supportSubDirectories = index?.child("SupportSubDir")?.text.lowercased() == "true"
        missingKey = index?.child("Type").flatMap { MissingKey(rawValue: $0.text) } ?? .redirect
        let error = root.child("ErrorDocument")
        errorDocument = error?.child("Key")?.text.nilIfEmpty
        errorStatus = error?.child("HttpStatus").flatMap { Int($0.text) } ?? 404
    }

    /// The index object for a key that names a directory (`""` is the root, `dir/` a sub-directory).
    func index(forDirectory key: String) -> String? {
        guard !suffix.isEmpty else { return nil }
        return supportSubDirectories && !key.isEmpty ? key + suffix : suffix
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
