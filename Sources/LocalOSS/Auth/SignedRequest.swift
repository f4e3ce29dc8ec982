/// What a signature covers, taken from a request once: verb, headers, decoded query, and the decoded bucket and key
/// (independent of addressing style).
struct SignedRequest {
    let method: String
    let headers: HTTPHeaders
    let query: QueryParameters
    let bucket: String?
    let key: String?

    /// `x-oss-*` headers, lower-cased, sorted by name, repeated values joined with `,`.
    var ossHeaders: [(name: String, value: String)] { canonicalHeaders { $0.hasPrefix("x-oss-") } }

    func canonicalHeaders(_ include: (String) -> Bool) -> [(name: String, value: String)] {
        var merged: [String: [String]] = [:]
        for field in headers {
            let name = field.name.lowercased()
            if include(name) { merged[name, default: []].append(String(Substring(field.value).trimmingSpaces())) }
        }
        return merged.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map {
            (name: $0, value: merged[$0]!.joined(separator: ","))
        }
    }
}
