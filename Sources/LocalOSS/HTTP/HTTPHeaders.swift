/// Header fields in arrival order with case-insensitive lookup (names are compared lower-cased).
struct HTTPHeaders: Sendable, Sequence {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    func values(_ name: String) -> [String] {
        let lower = name.lowercased()
        return fields.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    mutating func remove(_ name: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lower }
    }

    func contains(_ name: String) -> Bool { self[name] != nil }

    func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}
