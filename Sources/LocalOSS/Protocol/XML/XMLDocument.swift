import CLibXML2

/// A parsed request document as a small element tree. libxml2 reads it with network access, entity substitution
/// and DTD loading off; any document that declares a DOCTYPE is refused before parsing.
struct XMLElement: Sendable {
    let name: String
    let text: String
    let children: [XMLElement]

    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
}

enum XMLDocument {
    /// Parses `bytes` and returns the root element, or throws `MalformedXML`.
    ///
    /// `allowingControlCharacters`: text may carry control characters that XML 1.0 forbids, raw or as character
    /// references (`&#12;`). Object keys can contain them and the SDKs send them in DeleteMultipleObjects either way
    /// (oss2 raw, alibabacloud-oss-v2 as references); OSS accepts both.
    static func parse(_ bytes: [UInt8], allowingControlCharacters: Bool = false) throws(OSSError) -> XMLElement {
        guard !bytes.isEmpty, bytes.count < Int(Int32.max), !containsDoctype(bytes), attributeCount(bytes) <= 16 else {
            throw .malformedXML
        }
        let input = allowingControlCharacters ? ControlCharacterStandIns.replace(in: bytes) : nil
        let parsed: XMLElement? = (input ?? bytes).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let document = clibxml2_read_memory(chars.baseAddress, Int32(chars.count)) else { return nil }
                defer { xmlFreeDoc(document) }
                guard document.pointee.intSubset == nil, let root = xmlDocGetRootElement(document) else { return nil }
                return element(from: root, depth: 0)
            }
        }
        guard let parsed else { throw .malformedXML }
        return input == nil ? parsed : ControlCharacterStandIns.restore(in: parsed)
    }

    /// Request documents carry no attributes beyond the XML declaration's; libxml2's duplicate-attribute check is
    /// quadratic, so thousands of them would tie up a core. Counts `=` inside markup.
    private static func attributeCount(_ bytes: [UInt8]) -> Int {
        var count = 0
        var insideMarkup = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "<"): insideMarkup = true
            case UInt8(ascii: ">"): insideMarkup = false
            case UInt8(ascii: "=") where insideMarkup: count += 1
            default: break
            }
        }
        return count
    }

    private static func containsDoctype(_ bytes: [UInt8]) -> Bool {
        let needle = Array("<!doctype".utf8)
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == UInt8(ascii: "<") {
            var matches = true
            for offset in 1..<needle.count where bytes[start + offset] | 0x20 != needle[offset] | 0x20 {
                matches = false
                break
            }
            if matches { return true }
        }
        return false
    }

    private static func element(from node: xmlNodePtr, depth: Int) -> XMLElement? {
        guard depth < 32 else { return nil }
        var children: [XMLElement] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                guard let element = element(from: current, depth: depth + 1) else { return nil }
                children.append(element)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default:
                break
            }
            child = current.pointee.next
        }
        let name = String(cString: node.pointee.name)
        return XMLElement(name: name, text: text, children: children)
    }
}

/// libxml2 refuses the control characters XML 1.0 forbids, so before parsing each one (raw, or as a decimal or hex
/// character reference) becomes a stand-in that XML allows in text, and afterwards the text gets the real character
/// back. The stand-ins are the 32 noncharacters U+FDD0…U+FDEF (U+FDD0 + the control character's value), which
/// Unicode reserves for exactly this kind of internal use; a document that already contains one is left alone.
enum ControlCharacterStandIns {
    private static let first: UInt32 = 0xFDD0

    /// The control characters XML 1.0 does not allow: all below 0x20 but NUL, tab, LF and CR.
    private static func isForbidden(_ value: UInt32) -> Bool {
        value > 0 && value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D
    }

    /// The rewritten document, or nil when there is nothing to replace (or stand-ins already occur in it).
    static func replace(in bytes: [UInt8]) -> [UInt8]? {
        // U+FDD0…U+FDEF are EF B7 90…EF B7 AF in UTF-8.
        for index in bytes.indices.dropLast(2)
        where bytes[index] == 0xEF && bytes[index + 1] == 0xB7 && (0x90...0xAF).contains(bytes[index + 2]) {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var changed = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isForbidden(UInt32(byte)) {
                output += standIn(for: UInt32(byte))
                changed = true
                index += 1
            } else if byte == UInt8(ascii: "&"), let (value, length) = characterReference(bytes, at: index),
                isForbidden(value)
            {
                output += standIn(for: value)
                changed = true
                index += length
            } else {
                output.append(byte)
                index += 1
            }
        }
        return changed ? output : nil
    }

    static func restore(in element: XMLElement) -> XMLElement {
        XMLElement(name: element.name, text: restore(element.text), children: element.children.map(restore(in:)))
    }

    private static func restore(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (first..<first + 0x20).contains($0.value) }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (first..<first + 0x20).contains(scalar.value) {
                result.append(Unicode.Scalar(scalar.value - first)!)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func standIn(for value: UInt32) -> [UInt8] { Array(String(Unicode.Scalar(first + value)!).utf8) }

    /// `&#12;` or `&#x0C;` at `start`: the value and the reference's length in bytes.
    private static func characterReference(_ bytes: [UInt8], at start: Int) -> (UInt32, Int)? {
        var index = start + 1
        guard index < bytes.count, bytes[index] == UInt8(ascii: "#") else { return nil }
        index += 1
        let hex = index < bytes.count && (bytes[index] == UInt8(ascii: "x"))
        if hex { index += 1 }
        var value: UInt32 = 0
        var digits = 0
        while index < bytes.count, digits < 8 {
            guard let digit = Self.digit(bytes[index], hex: hex) else { break }
            value = value * (hex ? 16 : 10) + digit
            digits += 1
            index += 1
        }
        guard digits > 0, index < bytes.count, bytes[index] == UInt8(ascii: ";") else { return nil }
        return (value, index + 1 - start)
    }

    private static func digit(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
