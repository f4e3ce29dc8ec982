/// Header fields in arrival order with case-insensitive lookup (names are compared lower-cased). Names are kept as
/// added, for signing and for the wire; an ASCII name is compared byte by byte with case folded, with no string made.
struct HTTPHeaders: Sendable, Sequence {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    func values(_ name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    mutating func remove(_ name: String) {
        guard fields.contains(where: { Self.sameName($0.name, name) }) else { return }
        fields.removeAll { Self.sameName($0.name, name) }
    }

    func contains(_ name: String) -> Bool { self[name] != nil }

    func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// `a.lowercased() == b.lowercased()`. When both names are ASCII that is equality with A-Z folded to a-z;
    /// otherwise the strings are lower-cased and compared as before.
    static func sameName(_ a: String, _ b: String) -> Bool {
        let folded: Bool? =
            a.utf8.withContiguousStorageIfAvailable { x in
                b.utf8.withContiguousStorageIfAvailable { y -> Bool? in
                    let common = Swift.min(x.count, y.count)
                    for index in 0..<common {
                        let p = x[index]
                        let q = y[index]
                        guard p < 0x80, q < 0x80 else { return nil }
                        // Distinct ASCII characters after the same ASCII prefix: no later character can make the
                        // lower-cased strings equal.
                        if p != q, fold(p) != fold(q) { return false }
                    }
                    if x.count == y.count { return true }
                    // A longer name that goes on in ASCII differs; beyond ASCII, lower-casing decides.
                    let rest = x.count > y.count ? x[common...] : y[common...]
                    return rest.allSatisfy { $0 < 0x80 } ? false : nil
                } ?? nil
            } ?? nil
        if let folded { return folded }
        return a.lowercased() == b.lowercased()
    }

    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
