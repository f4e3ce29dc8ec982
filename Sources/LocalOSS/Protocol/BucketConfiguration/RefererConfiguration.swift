/// `PUT|GET ?referer` (hotlink protection). GET never answers 404: a bucket that has none reports an empty
/// whitelist that allows an empty Referer. There is no DELETE; a PUT replaces the whole configuration.
/// Stored only: requests are not checked against it.
enum RefererConfiguration {
    static let kind = BucketConfigurationKind(
        "referer", stem: "BucketReferer",
        absent: .document(
            render(allowEmpty: true, truncateQuery: true, truncatePath: false, whitelist: [], blacklist: [])),
        deletable: false, accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "RefererConfiguration" else { throw OSSError.malformedXML }
        guard let allowEmptyElement = root.child("AllowEmptyReferer") else {
            throw OSSError(.malformedXML, OSSError.malformedXML.message, ec: "0033-00000002")
        }
        guard let allowEmpty = allowEmptyElement.boolValue else {
            throw OSSError(.malformedXML, OSSError.malformedXML.message, ec: "0033-00000003")
        }
        func flag(_ name: String, default value: Bool) throws(OSSError) -> Bool {
            guard let element = root.child(name) else { return value }
            guard let parsed = element.boolValue else { throw OSSError.malformedXML }
            return parsed
        }
        // AllowTruncateQueryString defaults to true: oss2 puts without it and reads back true.
        let truncateQuery = try flag("AllowTruncateQueryString", default: true)
        let truncatePath = try flag("TruncatePath", default: false)
        // Empty entries are dropped: Go 1.5 sends one `<Referer></Referer>` for an empty list and expects none back.
        func list(_ name: String) -> [String] {
            (root.child(name)?.children("Referer") ?? []).map(\.text).filter { !$0.isEmpty }
        }
        return render(
            allowEmpty: allowEmpty, truncateQuery: truncateQuery, truncatePath: truncatePath,
            whitelist: list("RefererList"), blacklist: list("RefererBlacklist"))
    }

    /// OSS's order; `RefererList` always present, `RefererBlacklist` only when it has entries.
    static func render(
        allowEmpty: Bool, truncateQuery: Bool, truncatePath: Bool, whitelist: [String], blacklist: [String]
    ) -> String {
        XMLDocumentWriter.document("RefererConfiguration") { xml in
            xml.element("AllowEmptyReferer", allowEmpty)
            xml.element("AllowTruncateQueryString", truncateQuery)
            xml.element("TruncatePath", truncatePath)
            xml.open("RefererList")
            for referer in whitelist { xml.element("Referer", referer) }
            xml.close("RefererList")
            if !blacklist.isEmpty {
                xml.open("RefererBlacklist")
                for referer in blacklist { xml.element("Referer", referer) }
                xml.close("RefererBlacklist")
            }
        }
    }
}
