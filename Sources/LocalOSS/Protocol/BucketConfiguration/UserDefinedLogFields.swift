/// `PUT|GET|DELETE ?userDefinedLogFieldsConfig`: request headers and query parameters a bucket's access log
/// should record, `<HeaderSet><header>…</header></HeaderSet><ParamSet><parameter>…</parameter></ParamSet>` (lower-case
/// child names). Written back with the names in the order sent. Stored only: LocalOSS writes no access logs.
enum UserDefinedLogFields {
    static let kind = BucketConfigurationKind(
        "userDefinedLogFieldsConfig", stem: "UserDefinedLogFieldsConfig",
        absent: .error(
            OSSError(
                .noSuchUserDefinedLogFieldsConfig,
                "The bucket you specified does not have user defined log fields configuration.")),
        accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "UserDefinedLogFieldsConfiguration" else { throw OSSError.malformedXML }
        let headers = root.child("HeaderSet")?.children("header").map(\.text)
        let parameters = root.child("ParamSet")?.children("parameter").map(\.text)
        for name in (headers ?? []) + (parameters ?? []) where name.isEmpty {
            throw OSSError.invalidArgument("A log field name may not be empty.", name: "header", value: name)
        }
        return XMLDocumentWriter.document("UserDefinedLogFieldsConfiguration") { xml in
            if let headers {
                xml.open("HeaderSet")
                for header in headers { xml.element("header", header) }
                xml.close("HeaderSet")
            }
            if let parameters {
                xml.open("ParamSet")
                for parameter in parameters { xml.element("parameter", parameter) }
                xml.close("ParamSet")
            }
        }
    }
}
