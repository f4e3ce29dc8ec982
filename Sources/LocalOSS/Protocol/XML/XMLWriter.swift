/// Writes OSS's response documents: declaration, no namespaces, escaped text, elements in the order written.
struct XMLWriter {
    private var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    mutating func open(_ name: String) { output += "<\(name)>" }
    mutating func close(_ name: String) { output += "</\(name)>" }

    mutating func element(_ name: String, _ text: String) {
        output += "<\(name)>"
        output += Self.escape(text)
        output += "</\(name)>"
    }

    mutating func element(_ name: String, _ value: some BinaryInteger) { element(name, String(value)) }
    mutating func element(_ name: String, _ value: Bool) { element(name, value ? "true" : "false") }

    /// Inserts a document this server wrote earlier (a stored configuration listed again), its declaration dropped.
    mutating func embed(_ document: String) {
        if document.hasPrefix("<?xml"), let end = document.range(of: "?>") {
            output += document[end.upperBound...].drop { $0 == "\n" }
        } else {
            output += document
        }
    }

    func finish() -> String { output }

    /// Escapes markup characters. A raw CR would reach the client as LF (XML parsers normalise line ends), so it is
    /// written as `&#13;`, as OSS does. Other control characters but tab and LF cannot appear in XML 1.0 at all, not
    /// even as references; they become U+FFFD so the document stays parseable (listings that must carry such keys
    /// exactly use `encoding-type=url`).
    static func escape(_ text: String) -> String {
        guard
            text.utf8.contains(where: {
                $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 || ($0 < 32 && $0 != 9 && $0 != 10)
            })
        else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case _ where scalar.value < 32 && scalar != "\t" && scalar != "\n":
                out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
