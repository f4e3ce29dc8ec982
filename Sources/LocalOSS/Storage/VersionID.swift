import Foundation

/// Version ids in OSS's shape: 64 characters of base64 (`+` written `.`, `/` written `_`, no padding) over 48 bytes
/// of protobuf — field 1 = 1, field 2 = 1, field 3 = a stamp (Unix milliseconds << 20 | a counter), field 4 = 32
/// lowercase hex characters. Real OSS ids decode to that structure (`CAEQ…`); clients never parse them, but they
/// paste them raw into query strings and `x-oss-copy-source`, so the alphabet must stay unreserved. The stamp is the
/// version's place among its key's versions (`version_seq`), so an id alone tells which version it names.
enum VersionID {
    static let null = "null"

    static func make(stamp: Int64, random: [UInt8]) -> String {
        var bytes: [UInt8] = [0x08, 0x01, 0x10, 0x01, 0x18]
        var value = UInt64(bitPattern: stamp)
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
        bytes += [0x22, 0x20]
        bytes += Array(Encoding.lowerHex(Array(random.prefix(16))).utf8)
        return Encoding.base64(bytes).replacingOccurrences(of: "+", with: ".")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The stamp of an id of this server's grammar, or nil for anything else (a malformed id).
    static func stamp(of id: String) -> Int64? {
        guard id.utf8.count == 64,
            id.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") })
        else { return nil }
        let standard = id.replacingOccurrences(of: ".", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: standard) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count == 48, bytes.starts(with: [0x08, 0x01, 0x10, 0x01, 0x18]) else { return nil }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = 5
        while index < bytes.count, shift < 64 {
            value |= UInt64(bytes[index] & 0x7F) << shift
            shift += 7
            index += 1
            if bytes[index - 1] & 0x80 == 0 { break }
        }
        guard index + 2 + 32 == bytes.count, bytes[index] == 0x22, bytes[index + 1] == 0x20 else { return nil }
        return Int64(bitPattern: value)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

/// A `versionId` as a request names it: the null version, or one of this server's ids.
enum VersionSelector: Sendable, Equatable {
    case null
    case id(String, stamp: Int64)

    /// `versionId=` absent: nil. Empty or malformed: 400 InvalidArgument, as for any id OSS could not have issued.
    static func parse(_ text: String?) throws(OSSError) -> VersionSelector? {
        guard let text else { return nil }
        if text == VersionID.null { return .null }
        guard let stamp = VersionID.stamp(of: text) else {
            throw OSSError.invalidArgument("Invalid version id specified", name: "versionId", value: text)
        }
        return .id(text, stamp: stamp)
    }

    /// The stored `version_id` this selector matches (nil: the null version).
    var storedID: String? {
        switch self {
        case .null: nil
        case .id(let id, _): id
        }
    }

    var name: String { storedID ?? VersionID.null }
}

/// Stamps for new versions: Unix milliseconds from the server clock shifted left by 20 bits, plus a counter, never
/// smaller than the last one handed out, nor than the key's newest version (so a clock set back still orders a key's
/// versions by write). The random half comes from the seeded sequence under `--deterministic`.
final class VersionIDGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var last: Int64 = 0
    private let nowMilliseconds: @Sendable () -> Int64
    private let random: SplitMixSequence

    init(
        nowMilliseconds: @escaping @Sendable () -> Int64 = { ServerClock.systemMicroseconds() / 1000 },
        random: SplitMixSequence = SplitMixSequence()
    ) {
        self.nowMilliseconds = nowMilliseconds
        self.random = random
    }

    /// A stamp greater than `newest` (the key's newest version, 0 if none) and its id.
    func next(after newest: Int64) -> (id: String, stamp: Int64) {
        lock.lock()
        let stamp = max(max(nowMilliseconds(), 0) << 20, last + 1, newest + 1)
        last = stamp
        let bytes = random.bytes(16)
        lock.unlock()
        return (VersionID.make(stamp: stamp, random: bytes), stamp)
    }
}
