/// A decoded query string. Names and values are form-decoded (`+` is a space); a bare name or `name=` is present
/// with an empty value; order is kept for signing but never needed for lookup.
struct QueryParameters: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(raw: Substring?) {
        guard let raw, !raw.isEmpty else { return }
        for item in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: Encoding.percentDecode(pieces[0], plusIsSpace: true), as: UTF8.self)
            let value =
                pieces.count > 1
                ? String(decoding: Encoding.percentDecode(pieces[1], plusIsSpace: true), as: UTF8.self) : ""
            pairs.append((name: name, value: value))
        }
    }

    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    func has(_ name: String) -> Bool { pairs.contains { $0.name == name } }

    /// The value, with an empty one treated as absent (OSS's rule for markers, prefixes and delimiters).
    func nonEmpty(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }

    var wantsURLEncoding: Bool { self["encoding-type"]?.lowercased() == "url" }
}
