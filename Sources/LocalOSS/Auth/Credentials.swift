import Foundation

/// Access key pairs the server accepts: the documented development pair unless configured otherwise.
public struct Credentials: Sendable {
    private var secrets: [String: String]

    public init(_ pairs: [String: String]) { secrets = pairs }

    public func secret(for accessKeyID: String) -> String? { secrets[accessKeyID] }

    /// Parses `ID:SECRET` pairs separated by commas, newlines or whitespace (the environment variable and the file
    /// use the same format; `#` starts a comment line in a file).
    public static func parse(_ text: String) throws -> [String: String] {
        var pairs: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            for item in trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                guard let colon = item.firstIndex(of: ":"), colon != item.startIndex,
                    colon != item.index(before: item.endIndex)
                else {
                    throw CredentialsError(message: "expected ACCESS_KEY_ID:ACCESS_KEY_SECRET, got \(item)")
                }
                pairs[String(item[..<colon])] = String(item[item.index(after: colon)...])
            }
        }
        return pairs
    }
}

public struct CredentialsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
