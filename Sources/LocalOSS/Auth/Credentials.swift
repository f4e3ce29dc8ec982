import Foundation

/// Access key pairs the server accepts: the documented development pair unless configured otherwise. A key may
/// belong to another account than the owner's: it is authenticated, but acts as that account (`Caller.account`).
public struct Credentials: Sendable {
    /// The account every bucket belongs to: the one the owner's keys act as.
    public static let ownerAccount = "1305433975557637"

    private var secrets: [String: String]
    /// Access key id → account UID, for keys of accounts other than the owner's.
    private var accounts: [String: String]

    public init(_ pairs: [String: String], accounts: [String: String] = [:]) {
        secrets = pairs
        self.accounts = accounts.filter { $0.value != Self.ownerAccount }
    }

    public func secret(for accessKeyID: String) -> String? { secrets[accessKeyID] }

    /// The account UID of a key that is not the owner's; nil for the owner's keys.
    public func otherAccount(of accessKeyID: String) -> String? { accounts[accessKeyID] }

    /// What a credentials text holds: secrets by key id, and the account of each key that names one.
    public struct Parsed: Sendable {
        public var secrets: [String: String] = [:]
        public var accounts: [String: String] = [:]
    }

    /// Parses `ID:SECRET[:ACCOUNT_UID]` entries separated by commas, newlines or whitespace (the environment variable
    /// and the file use the same format; `#` starts a comment line in a file). Without an account UID the key is
    /// the owner's; a UID is the decimal number OSS gives accounts (a secret's own colons stay part of it, unless
    /// digits alone follow the last one).
    public static func parse(_ text: String) throws -> Parsed {
        var parsed = Parsed()
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            for item in trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                guard let colon = item.firstIndex(of: ":"), colon != item.startIndex,
                    colon != item.index(before: item.endIndex)
                else {
                    throw CredentialsError(
                        message: "expected ACCESS_KEY_ID:ACCESS_KEY_SECRET[:ACCOUNT_UID], got \(item)")
                }
                let id = String(item[..<colon])
                var secret = item[item.index(after: colon)...]
                parsed.accounts[id] = nil
                // A last field of digits is the account; any other colon belongs to the secret, as it always did.
                if let last = secret.lastIndex(of: ":"), last != secret.startIndex {
                    let account = secret[secret.index(after: last)...]
                    if !account.isEmpty, account.allSatisfy(\.isASCIIDigit) {
                        parsed.accounts[id] = String(account)
                        secret = secret[..<last]
                    }
                }
                parsed.secrets[id] = String(secret)
            }
        }
        return parsed
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

public struct CredentialsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
