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
    static func parse(_ bytes: [UInt8]) throws(OSSError) -> XMLElement {
        guard !bytes.isEmpty, bytes.count < Int(Int32.max), !containsDoctype(bytes), attributeCount(bytes) <= 16 else {
            throw .malformedXML
        }
        let parsed: XMLElement? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let document = clibxml2_read_memory(chars.baseAddress, Int32(chars.count)) else { return nil }
                defer { xmlFreeDoc(document) }
                guard document.pointee.intSubset == nil, let root = xmlDocGetRootElement(document) else { return nil }
                return element(from: root, depth: 0)
            }
        }
        guard let parsed else { throw .malformedXML }
        return parsed
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
