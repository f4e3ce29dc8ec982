/// The one OSS region this server plays. V4 signatures must be scoped to its id, and buckets report it as their
/// location, so an SDK configured for the region sees one consistent answer.
struct Region: Sendable, Equatable {
    /// What the SDKs' own suites and the protocol notes assume (`cn-hangzhou`, location `oss-cn-hangzhou`).
    static let `default` = Region(id: "cn-hangzhou")

    /// The region id a V4 credential scope names, e.g. `cn-hangzhou`.
    let id: String

    /// The bucket location OSS reports, e.g. `oss-cn-hangzhou`.
    var location: String { "oss-\(id)" }
    var extranetEndpoint: String { "\(location).aliyuncs.com" }
    var intranetEndpoint: String { "\(location)-internal.aliyuncs.com" }
}
