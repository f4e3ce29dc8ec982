extension XMLWriter {
    /// Writes a parsed element back as it came: its children in order, or its text when it has none. Used for the
    /// parts of a configuration OSS returns as they were sent (a website's routing rules, a lifecycle filter).
    /// Booleans come back lower-case: oss2 sends Python's `True` and its parser accepts only `true`/`false`.
    mutating func echo(_ element: XMLElement) {
        guard !element.children.isEmpty else {
            if let flag = element.boolValue {
                self.element(element.name, flag)
            } else {
                self.element(element.name, element.text)
            }
            return
        }
        open(element.name)
        for child in element.children { echo(child) }
        close(element.name)
    }
}

extension XMLElement {
    /// `true`/`false` (any case), or nil for anything else.
    var boolValue: Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }
}
