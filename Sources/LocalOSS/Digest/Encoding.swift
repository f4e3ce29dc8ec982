/// Hex, Base64 and percent-encoding as OSS uses them on the wire.
enum Encoding {
    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerHexDigits = Array("0123456789abcdef".utf8)

    static func upperHex(_ bytes: [UInt8]) -> String { hex(bytes, digits: upperHexDigits) }
    static func lowerHex(_ bytes: [UInt8]) -> String { hex(bytes, digits: lowerHexDigits) }

    private static func hex(_ bytes: [UInt8], digits: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = hexValue(chars[index]), let low = hexValue(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func hexValue(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(base64Alphabet[Int(triple >> 18 & 63)])
            out.append(base64Alphabet[Int(triple >> 12 & 63)])
            out.append(index + 1 < bytes.count ? base64Alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? base64Alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict decoding: padded, canonical alphabet, no whitespace. Anything else is nil.
    static func base64Decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        var index = 0
        while index < chars.count {
            var values = [UInt32](repeating: 0, count: 4)
            var padding = 0
            for offset in 0..<4 {
                let char = chars[index + offset]
                if char == UInt8(ascii: "=") {
                    guard index + 4 == chars.count, offset >= 2 else { return nil }
                    padding += 1
                } else {
                    guard padding == 0, let value = base64Alphabet.firstIndex(of: char) else { return nil }
                    values[offset] = UInt32(value)
                }
            }
            let triple = values[0] << 18 | values[1] << 12 | values[2] << 6 | values[3]
            out.append(UInt8(triple >> 16 & 0xFF))
            if padding < 2 { out.append(UInt8(triple >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(triple & 0xFF)) }
            index += 4
        }
        return out
    }

    /// Percent-decodes into raw bytes; `plusIsSpace` for form-style encodings (query strings, Go 1.5 paths).
    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> [UInt8] {
        let chars = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(chars.count)
        var index = 0
        while index < chars.count {
            let char = chars[index]
            if char == UInt8(ascii: "%"), index + 2 < chars.count,
                let high = hexValue(chars[index + 1]), let low = hexValue(chars[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusIsSpace && char == UInt8(ascii: "+") ? UInt8(ascii: " ") : char)
                index += 1
            }
        }
        return out
    }

    /// `encoding-type=url`: every byte but `A–Z a–z 0–9 - _ . ~` as uppercase `%XX`.
    static func urlEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigits[Int(byte >> 4)])
                out.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
