/// Hotlink protection as a bucket's `RefererConfiguration` decides it, for object requests made anonymously or
/// with a presigned URL (requests with an `Authorization` header are never checked). Protocol notes §4.3: the
/// blacklist first; an empty whitelist lets everything else through (the empty-Referer flag is then not
/// consulted); otherwise only whitelisted Referers pass, and an absent or empty one only if `AllowEmptyReferer`.
/// `*` stands for any run of characters, `?` for one; compared case-insensitively (hosts are).
struct RefererPolicy: Sendable, Equatable {
    static let subresource = "referer"

    var allowEmpty: Bool
    var truncateQueryString: Bool
    var truncatePath: Bool
    var whitelist: [String]
    var blacklist: [String]

    /// Reads a stored `RefererConfiguration`; nil if it is not one.
    init?(document: String) {
        guard let root = try? XMLDocument.parse(Array(document.utf8)), root.name == "RefererConfiguration" else {
            return nil
        }
        allowEmpty = root.child("AllowEmptyReferer")?.text.lowercased() != "false"
        truncateQueryString = root.child("AllowTruncateQueryString")?.text.lowercased() != "false"
        truncatePath = root.child("TruncatePath")?.text.lowercased() == "true"
        whitelist = root.child("RefererList")?.children("Referer").map(\.text).filter { !$0.isEmpty } ?? []
        blacklist = root.child("RefererBlacklist")?.children("Referer").map(\.text).filter { !$0.isEmpty } ?? []
    }

    /// nil when the request may go on, else OSS's refusal with the EC that names why.
    func refusal(referer: String?) -> OSSError? {
        let referer = referer ?? ""
        if referer.isEmpty {
            guard whitelist.isEmpty || allowEmpty else { return Self.denied("0003-00000501") }
            return nil
        }
        let compared = Array(normalized(referer).lowercased().utf8)
        if blacklist.contains(where: { Self.matches(Array($0.lowercased().utf8), compared) }) {
            return Self.denied("0003-00000502")
        }
        guard whitelist.isEmpty || whitelist.contains(where: { Self.matches(Array($0.lowercased().utf8), compared) })
        else { return Self.denied("0003-00000503") }
        return nil
    }

    /// The Referer as rules see it: without its query string and, with `TruncatePath`, without its path.
    private func normalized(_ referer: String) -> Substring {
        var text = Substring(referer)
        if truncateQueryString, let mark = text.firstIndex(of: "?") { text = text[..<mark] }
        if truncatePath, let scheme = text.range(of: "://"),
            let slash = text[scheme.upperBound...].firstIndex(of: "/")
        {
            text = text[..<slash]
        }
        return text
    }

    private static func denied(_ ec: String) -> OSSError {
        OSSError(.accessDenied, "You are denied by bucket referer policy.", ec: ec)
    }

    /// Glob match of `*` (any run) and `?` (one byte), iterative with backtracking to the last `*`.
    static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0
        var t = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
