/// Configurations that are one switch or one value: parsed, checked and written back in OSS's shape. Stored only
/// (none of them changes how requests are served yet).
enum SwitchConfigurations {
    /// `PUT|GET|DELETE ?publicAccessBlock` (bucket level). Off by default, as buckets created before OSS's
    /// October 2025 change are; GET after DELETE answers off again.
    /// An access point has its own (`&x-oss-access-point-name=`), kept with it.
    static let publicAccessBlock: BucketConfigurationKind = {
        var kind = BucketConfigurationKind(
            "publicAccessBlock", stem: "BucketPublicAccessBlock",
            absent: .document(boolDocument("PublicAccessBlockConfiguration", "BlockPublicAccess", false)),
            accept: { body throws(OSSError) in
                try boolDocument(body, root: "PublicAccessBlockConfiguration", element: "BlockPublicAccess")
            })
        kind.servesAccessPoints = true
        return kind
    }()

    /// `PUT|GET ?resourceGroup`: a bucket belongs to the account's default group until moved; the emulated account
    /// has no other group, so any other id fails the precheck as an unknown one does on OSS.
    static let defaultResourceGroup = "rg-default-id"
    static let resourceGroup = BucketConfigurationKind(
        "resourceGroup", stem: "BucketResourceGroup",
        absent: .document(resourceGroupDocument(defaultResourceGroup)), deletable: false,
        accept: { body throws(OSSError) in
            let root = try XMLDocument.parse(body)
            guard root.name == "BucketResourceGroupConfiguration", let id = root.child("ResourceGroupId")?.text
            else { throw OSSError.malformedXML }
            return resourceGroupDocument(try resourceGroup(id))
        })

    /// The group an id names (an empty one: the default); an unknown one fails OSS's precheck. Also what
    /// `x-oss-resource-group-id` on PutBucket and ListBuckets is checked with.
    static func resourceGroup(_ id: String) throws(OSSError) -> String {
        guard id.isEmpty || id == defaultResourceGroup else {
            throw OSSError(.resourceGroupIdPreCheckError, "The resource group id precheck error", ec: "0039-00000003")
        }
        return defaultResourceGroup
    }

    static func resourceGroupDocument(_ id: String) -> String {
        XMLDocumentWriter.document("BucketResourceGroupConfiguration") { $0.element("ResourceGroupId", id) }
    }

    static func boolDocument(_ root: String, _ element: String, _ value: Bool) -> String {
        XMLDocumentWriter.document(root) { $0.element(element, value) }
    }

    /// `<root><element>true|false</element></root>`; anything else is MalformedXML.
    static func boolDocument(_ body: [UInt8], root name: String, element: String) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == name, let value = root.child(element)?.boolValue else { throw OSSError.malformedXML }
        return boolDocument(name, element, value)
    }
}

/// `PUT|GET ?httpsConfig`: the TLS versions (and cipher suites) the bucket's HTTPS endpoint accepts. Versions are
/// de-duplicated; enabling TLS without naming a version, or naming an unknown one, is MalformedXML. A bucket
/// without one reads as TLS off with no versions. Stored only: LocalOSS speaks plain HTTP.
enum HTTPSConfiguration {
    static let versions = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    static let kind = BucketConfigurationKind(
        "httpsConfig", stem: "BucketHttpsConfig",
        absent: .document(
            XMLDocumentWriter.document("HttpsConfiguration") { xml in
                xml.open("TLS")
                xml.element("Enable", false)
                xml.close("TLS")
            }),
        deletable: false, accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "HttpsConfiguration" else { throw OSSError.malformedXML }
        let tls = root.child("TLS")
        var enable = false
        if let flag = tls?.child("Enable") {
            guard let value = flag.boolValue else { throw OSSError.malformedXML }
            enable = value
        }
        var chosen: [String] = []
        for version in tls?.children("TLSVersion").map(\.text) ?? [] {
            guard versions.contains(version) else { throw OSSError.malformedXML }
            if !chosen.contains(version) { chosen.append(version) }
        }
        guard !enable || !chosen.isEmpty else { throw OSSError.malformedXML }
        return XMLDocumentWriter.document("HttpsConfiguration") { xml in
            xml.open("TLS")
            xml.element("Enable", enable)
            for version in chosen { xml.element("TLSVersion", version) }
            xml.close("TLS")
            if let suites = root.child("CipherSuite") { xml.echo(suites) }
        }
    }
}

/// `PUT|GET|DELETE ?overwriteConfig`: rules forbidding overwrites of matching keys. Each rule comes back with
/// every field (`<Prefix></Prefix>`, `<Principals></Principals>` when unset). A write that would replace an
/// existing object of a matching key is refused (`ObjectStore.guardExisting`); new keys are written.
enum OverwriteConfiguration {
    static let maxRules = 100
    static let subresource = "overwriteConfig"

    /// One stored rule: it matches a key that starts with `prefix` and ends with `suffix` (both literal), written
    /// by one of `principals`, or by anyone when there are none.
    struct Rule: Sendable, Equatable {
        var prefix: String
        var suffix: String
        var principals: [String]

        /// Every signed caller of LocalOSS is the account's owner.
        static let caller = BucketHandler.owner.id

        func forbids(key: String, principal: String = caller) -> Bool {
            key.hasPrefix(prefix) && key.hasSuffix(suffix) && (principals.isEmpty || principals.contains(principal))
        }
    }

    /// The rules of a stored document (one `accept` wrote).
    static func rules(in document: String) -> [Rule] {
        guard let root = try? XMLDocument.parse(Array(document.utf8)) else { return [] }
        return root.children("Rule").map { rule in
            Rule(
                prefix: rule.child("Prefix")?.text ?? "", suffix: rule.child("Suffix")?.text ?? "",
                principals: rule.child("Principals")?.children("Principal").map(\.text) ?? [])
        }
    }

    static let kind = BucketConfigurationKind(
        subresource, stem: "BucketOverwriteConfig",
        // OSS's reference names no code for it; this follows the other configurations' `NoSuch…` names.
        absent: .error(
            OSSError(.noSuchOverwriteConfiguration, "The bucket you specified does not have overwrite configuration.")
        ),
        accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "OverwriteConfiguration" else { throw OSSError.malformedXML }
        let rules = root.children("Rule")
        guard rules.count <= maxRules else {
            throw OSSError.invalidArgument(
                "An overwrite configuration has at most \(maxRules) rules.", name: "Rule", value: String(rules.count))
        }
        var ids: Set<String> = []
        var written: [(id: String, prefix: String, suffix: String, principals: [String])] = []
        for (index, rule) in rules.enumerated() {
            guard rule.child("Action")?.text == "forbid" else { throw OSSError.malformedXML }
            var id = rule.child("ID")?.text ?? ""
            if id.isEmpty { id = "rule-\(index + 1)" }
            guard ids.insert(id).inserted else {
                throw OSSError.invalidArgument("Rule IDs must be unique.", name: "ID", value: id)
            }
            let prefix = rule.child("Prefix")?.text ?? ""
            guard prefix.count <= 1023 else {
                throw OSSError.invalidArgument("The prefix is too long.", name: "Prefix", value: prefix)
            }
            let principals = rule.child("Principals")?.children("Principal").map(\.text) ?? []
            written.append((id, prefix, rule.child("Suffix")?.text ?? "", principals))
        }
        return XMLDocumentWriter.document("OverwriteConfiguration") { xml in
            for rule in written {
                xml.open("Rule")
                xml.element("ID", rule.id)
                xml.element("Action", "forbid")
                xml.element("Prefix", rule.prefix)
                xml.element("Suffix", rule.suffix)
                xml.open("Principals")
                for principal in rule.principals { xml.element("Principal", principal) }
                xml.close("Principals")
                xml.close("Rule")
            }
        }
    }
}
