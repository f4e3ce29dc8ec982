/// Where a listing page starts.
enum ListingPosition: Equatable {
    case beginning
    /// Strictly after this key, or after (key, id) for uploads.
    case after(key: String, id: String?)
    /// After every key that starts with this common prefix.
    case pastPrefix(String)
}

protocol ListingRow {
    var listingKey: String { get }
    var listingID: String? { get }
}

enum ListingEntry<Row: ListingRow> {
    case row(Row)
    case commonPrefix(String)

    var key: String {
        switch self {
        case .row(let row): row.listingKey
        case .commonPrefix(let prefix): prefix
        }
    }
}

struct ListingPage<Row: ListingRow> {
    var entries: [ListingEntry<Row>] = []
    var isTruncated = false

    var rows: [Row] {
        entries.compactMap {
            if case .row(let row) = $0 { return row }
            return nil
        }
    }

    var commonPrefixes: [String] {
        entries.compactMap {
            if case .commonPrefix(let prefix) = $0 { return prefix }
            return nil
        }
    }
}

/// The one listing algorithm OSS uses for objects and for multipart uploads: rows in key order from `start`, keys
/// under `prefix` only, rolled up into common prefixes at `delimiter`, at most `maxEntries` entries (a common prefix
/// counts as one). A common prefix at or before `marker` is skipped with everything under it, so a page that ended on
/// a prefix does not repeat it. Each batch is an index range scan; each common prefix costs one seek past it.
enum ListingWalker {
    static func walk<Row: ListingRow>(
        prefix: String, delimiter: String?, start: ListingPosition, marker: String?, maxEntries: Int,
        fetch: (ListingPosition, Int) throws -> [Row]
    ) rethrows -> ListingPage<Row> {
        var page = ListingPage<Row>()
        var position = start
        let prefixBytes = Array(prefix.utf8)
        let delimiterBytes = delimiter.map { Array($0.utf8) } ?? []
        let markerBytes = marker.map { Array($0.utf8) }
        var afterRollUp = false
        scanning: while true {
            // After a roll-up the next row is often under another common prefix: fetch one row, not a page.
            let wanted = afterRollUp ? 1 : maxEntries - page.entries.count + 1
            afterRollUp = false
            let rows = try fetch(position, wanted)
            for row in rows {
                if page.entries.count == maxEntries {
                    page.isTruncated = true
                    break scanning
                }
                if let commonPrefix = commonPrefix(of: row.listingKey, prefix: prefixBytes, delimiter: delimiterBytes) {
                    position = .pastPrefix(commonPrefix)
                    let isBeforeMarker = markerBytes.map { !$0.lexicographicallyPrecedes(commonPrefix.utf8) } ?? false
                    if !isBeforeMarker { page.entries.append(.commonPrefix(commonPrefix)) }
                    afterRollUp = true
                    continue scanning
                }
                page.entries.append(.row(row))
                position = .after(key: row.listingKey, id: row.listingID)
            }
            if rows.count < wanted { break }
        }
        return page
    }

    private static func commonPrefix(of key: String, prefix: [UInt8], delimiter: [UInt8]) -> String? {
        guard !delimiter.isEmpty else { return nil }
        let bytes = Array(key.utf8)
        guard bytes.count >= prefix.count + delimiter.count else { return nil }
        var index = prefix.count
        while index + delimiter.count <= bytes.count {
            if bytes[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                return String(decoding: bytes[..<(index + delimiter.count)], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }

    /// The smallest byte string greater than every string that starts with `prefix`: its last byte plus one.
    /// UTF-8 never uses 0xFF, so the increment cannot overflow.
    static func upperBound(of prefix: String) -> [UInt8] {
        var bytes = Array(prefix.utf8)
        bytes[bytes.count - 1] += 1
        return bytes
    }
}
