/// `x-oss-expiration` on GET and HEAD of an object an expiration rule of its bucket covers:
/// `expiry-date="Sat, 25 Dec 2016 00:00:00 GMT", rule-id="delete logs"` (protocol notes §4.1; the syntax is
/// OSS's documented example). The earliest expiry wins when several rules cover the key.
struct ExpirationHeader {
    /// The documents of the object's bucket.
    let configurations: BucketConfigurations

    func decorate(_ response: inout HTTPResponse, key: String) {
        // The rules first: most buckets have none, and parsing the date cost a small GET a tenth.
        guard response.status == 200 || response.status == 206 || response.status == 304,
            let document = configurations.lifecycle,
            let lastModified = response.headers["Last-Modified"].flatMap(HTTPDate.parseRFC1123)
        else { return }
        let size = response.headers["Content-Length"].flatMap { Int64($0) } ?? 0
        let due = LifecycleRule.parse(document).compactMap { rule -> (Int64, String)? in
            guard let expiration = rule.expiration, rule.covers(key: key, size: size) else { return nil }
            return (expiration.dueDate(created: lastModified), rule.id)
        }
        guard let (date, id) = due.min(by: { $0.0 < $1.0 }) else { return }
        response.headers.set("x-oss-expiration", "expiry-date=\"\(HTTPDate.rfc1123(date))\", rule-id=\"\(id)\"")
    }
}
