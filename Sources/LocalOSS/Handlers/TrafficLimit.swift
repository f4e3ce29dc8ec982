/// `x-oss-traffic-limit`: a per-request bandwidth cap in bit/s, as a header or (presigned URLs) a query parameter.
/// OSS's range is 819200 (100 KiB/s) to 838860800 (100 MiB/s), EC 0004-00000502; both forms at once are refused,
/// EC 0004-00000501 (the EC pages name no code: `InvalidArgument` as for OSS's other bad arguments). The cap is
/// real: the body is paced by the same `Pacer` that fault rules use, so SDK suites that time a limited transfer
/// see OSS's durations.
struct TrafficLimit {
    static let name = "x-oss-traffic-limit"
    static let range = 819_200...838_860_800

    let bitsPerSecond: Int

    var bytesPerSecond: Int { bitsPerSecond / 8 }

    /// nil when the request sets no limit.
    static func parse(_ context: RequestContext) throws(OSSError) -> TrafficLimit? {
        let header = context.headers[name]
        let query = context.query[name]
        if header != nil, query != nil {
            throw invalid(
                "x-oss-traffic-limit must not be given both as a header and as a query parameter.", header ?? "",
                ec: "0004-00000501")
        }
        guard let text = header ?? query else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw invalid(
                "x-oss-traffic-limit must be an integer between \(range.lowerBound) and \(range.upperBound).", text,
                ec: "0004-00000502")
        }
        return TrafficLimit(bitsPerSecond: value)
    }

    private static func invalid(_ message: String, _ value: String, ec: String) -> OSSError {
        var error = OSSError.invalidArgument(message, name: name, value: value)
        error.ec = ec
        return error
    }

    /// Uploads: the request body is read no faster than the limit (a fault rule's own pace wins).
    static func applyToBody(_ context: RequestContext) throws(OSSError) {
        guard let limit = try parse(context), context.body.fault == nil else { return }
        context.body.fault = .throttle(Pacer(bytesPerSecond: limit.bytesPerSecond))
    }

    /// Downloads: the reply body goes out no faster than the limit.
    static func apply(_ limit: TrafficLimit?, to response: inout HTTPResponse) {
        guard let limit, response.fault == nil else { return }
        response.fault = .throttle(bytesPerSecond: limit.bytesPerSecond)
    }
}
