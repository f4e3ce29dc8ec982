/// Header fields in arrival order with case-insensitive lookup (names are compared lower-cased). Each field keeps
/// its name as sent, for signing and for the wire, and its lower-cased name, made once when the field is added.
struct HTTPHeaders: Sendable, Sequence {
    private(set) var fields: [(name: String, value: String)] = []
    /// `fields[i].name.lowercased()`, kept in step with `fields`.
    private var lowerNames: [String] = []

    init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
        lowerNames = fields.map { $0.0.lowercased() }
    }

    subscript(name: String) -> String? {
        let lower = name.lowercased()
        guard let index = lowerNames.firstIndex(of: lower) else { return nil }
        return fields[index].value
    }

    func values(_ name: String) -> [String] {
        let lower = name.lowercased()
        return lowerNames.indices.filter { lowerNames[$0] == lower }.map { fields[$0].value }
    }

    mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
        lowerNames.append(name.lowercased())
    }

    mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    mutating func remove(_ name: String) {
        let lower = name.lowercased()
        guard lowerNames.contains(lower) else { return }
        var index = 0
        while index < lowerNames.count {
            if lowerNames[index] == lower {
                fields.remove(at: index)
                lowerNames.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    func contains(_ name: String) -> Bool { self[name] != nil }

    func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}
