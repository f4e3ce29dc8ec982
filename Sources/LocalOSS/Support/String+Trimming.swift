/// Small text helpers used by the parsers; no Foundation needed.
extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}

extension Collection {
    subscript(safe index: Index) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension String {
    func trimmingCharacters(in set: Character) -> Substring { Substring(self).trimming(set) }
}

extension Substring {
    func trimming(_ character: Character) -> Substring {
        var result = self
        while result.first == character { result = result.dropFirst() }
        while result.last == character { result = result.dropLast() }
        return result
    }
}

extension String {
    /// Without leading and trailing XML whitespace (space, tab, CR, LF): what surrounds a value in an indented
    /// request document.
    func trimmingXMLWhitespace() -> Substring {
        var result = Substring(self)
        let whitespace: Set<Character> = [" ", "\t", "\n", "\r", "\r\n"]
        while let first = result.first, whitespace.contains(first) { result = result.dropFirst() }
        while let last = result.last, whitespace.contains(last) { result = result.dropLast() }
        return result
    }
}
