/// A bucket name that follows OSS's rules: 3–63 characters of `a-z 0-9 -`, starting and ending with a letter or digit.
struct BucketName: Sendable, Hashable, CustomStringConvertible {
    let value: String

    init(validating text: String) throws(OSSError) {
        let bytes = Array(text.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard (3...63).contains(bytes.count), isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!),
            bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
        else {
            throw OSSError(.invalidBucketName, "The specified bucket is not valid.", details: [("BucketName", text)])
        }
        value = text
    }

    var description: String { value }
}

/// An object key: 1–1023 bytes of valid UTF-8, not starting with `/` or `\`.
struct ObjectKey: Sendable, Hashable, CustomStringConvertible {
    static let maxBytes = 1023
    let value: String

    init(validating bytes: [UInt8]) throws(OSSError) {
        guard !bytes.isEmpty else { throw OSSError(.invalidObjectName, "The Object name can not be empty") }
        guard bytes.count <= Self.maxBytes else {
            throw OSSError(.invalidObjectName, "The Length of Object name must be less than 1024")
        }
        guard bytes.first != UInt8(ascii: "/"), bytes.first != UInt8(ascii: "\\"), !bytes.contains(0),
            let text = String(validating: bytes, as: UTF8.self)
        else {
            throw OSSError(.invalidObjectName, "The specified object is not valid.")
        }
        value = text
    }

    init(validating text: String) throws(OSSError) { try self.init(validating: Array(text.utf8)) }

    var description: String { value }
}

/// A part number, 1–10000 inclusive.
struct PartNumber: Sendable, Hashable, Comparable {
    static let range = 1...10000
    let value: Int

    init(validating text: String) throws(OSSError) {
        guard let number = Int(text), Self.range.contains(number) else {
            throw OSSError.invalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive.", name: "partNumber", value: text)
        }
        value = number
    }

    init(unchecked value: Int) { self.value = value }

    static func < (lhs: PartNumber, rhs: PartNumber) -> Bool { lhs.value < rhs.value }
}

/// Object or bucket access control, as `x-oss-object-acl` / `x-oss-acl` spell it.
enum CannedACL: String, Sendable {
    case `default` = "default"
    case `private` = "private"
    case publicRead = "public-read"
    case publicReadWrite = "public-read-write"

    init(header: String?, allowDefault: Bool) throws(OSSError) {
        guard let header else {
            self = allowDefault ? .default : .private
            return
        }
        guard let acl = CannedACL(rawValue: header), allowDefault || acl != .default else {
            throw OSSError.invalidArgument("no such acl: \(header)", name: "x-oss-acl", value: header)
        }
        self = acl
    }
}

enum StorageClass: String, Sendable {
    case standard = "Standard"
    case ia = "IA"
    case archive = "Archive"
    case coldArchive = "ColdArchive"
    case deepColdArchive = "DeepColdArchive"

    /// `x-oss-storage-class`, or nil when absent (the object then takes its bucket's class).
    static func parse(header: String?) throws(OSSError) -> StorageClass? {
        guard let header else { return nil }
        guard let value = StorageClass(rawValue: header) else {
            throw OSSError.invalidArgument("Invalid storage class.", name: "x-oss-storage-class", value: header)
        }
        return value
    }
}
