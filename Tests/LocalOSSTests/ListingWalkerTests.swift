import Testing

@testable import LocalOSS

/// The listing algorithm against an in-memory, sorted row set: multipart.md's data set D.
@Suite struct ListingWalkerTests {
    struct Row: ListingRow, Equatable {
        let key: String
        let id: String
        var listingKey: String { key }
        var listingID: String? { id }
    }

    static let dataSetD = [
        Row(key: "a/1.txt", id: "0001"), Row(key: "a/2.txt", id: "0002"), Row(key: "a/b/3.txt", id: "0003"),
        Row(key: "a/b/4.txt", id: "0004"), Row(key: "c.txt", id: "0005"), Row(key: "c.txt", id: "0006"),
        Row(key: "d/5.txt", id: "0007"),
    ]

    private func isAfter(_ row: Row, _ position: ListingPosition) -> Bool {
        switch position {
        case .beginning: return true
        case .after(let key, let id):
            if row.key == key, let id { return id.utf8.lexicographicallyPrecedes(row.id.utf8) }
            return key.utf8.lexicographicallyPrecedes(row.key.utf8)
        case .pastPrefix(let prefix):
            return !row.key.hasPrefix(prefix) && prefix.utf8.lexicographicallyPrecedes(row.key.utf8)
        }
    }

    private func list(
        prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil, idMarker: String? = nil,
        max: Int = 1000
    ) -> ListingPage<Row> {
        ListingWalker.walk(
            prefix: prefix, delimiter: delimiter, start: keyMarker.map { .after(key: $0, id: idMarker) } ?? .beginning,
            marker: keyMarker, maxEntries: max
        ) { position, limit in
            Array(Self.dataSetD.filter { $0.key.hasPrefix(prefix) && isAfter($0, position) }.prefix(limit))
        }
    }

    @Test func pagesWithMarkers() {
        let first = list(max: 3)
        #expect(first.rows.map(\.id) == ["0001", "0002", "0003"])
        #expect(first.isTruncated)
        let second = list(keyMarker: "a/b/3.txt", idMarker: "0003", max: 3)
        #expect(second.rows.map(\.id) == ["0004", "0005", "0006"])
        #expect(second.isTruncated)
        let third = list(keyMarker: "c.txt", idMarker: "0006", max: 3)
        #expect(third.rows.map(\.id) == ["0007"])
        #expect(!third.isTruncated)
        #expect(list(keyMarker: "c.txt").rows.map(\.id) == ["0007"])
        #expect(list(keyMarker: "c.txt", idMarker: "0005").rows.map(\.id) == ["0006", "0007"])
    }

    @Test func delimiterRollsUpCommonPrefixes() {
        let page = list(delimiter: "/")
        #expect(page.rows.map(\.id) == ["0005", "0006"])
        #expect(page.commonPrefixes == ["a/", "d/"])
        let nested = list(prefix: "a/", delimiter: "/")
        #expect(nested.rows.map(\.id) == ["0001", "0002"])
        #expect(nested.commonPrefixes == ["a/b/"])
        #expect(list(prefix: "zz").entries.isEmpty)
    }

    @Test func delimiterPagingNeverRepeatsAPrefix() {
        var keyMarker: String?
        var idMarker: String?
        var seen: [String] = []
        var pages = 0
        while true {
            let page = list(delimiter: "/", keyMarker: keyMarker, idMarker: idMarker, max: 1)
            pages += 1
            seen += page.entries.map { entry in
                switch entry {
                case .row(let row): "\(row.key)#\(row.id)"
                case .commonPrefix(let prefix): prefix
                }
            }
            guard page.isTruncated, let last = page.entries.last else { break }
            keyMarker = last.key
            if case .row(let row) = last { idMarker = row.id } else { idMarker = nil }
        }
        #expect(seen == ["a/", "c.txt#0005", "c.txt#0006", "d/"])
        #expect(pages == 4)
    }

    @Test func upperBoundIsTheNextByteString() {
        #expect(ListingWalker.upperBound(of: "a/") == Array("a0".utf8))
        #expect(ListingWalker.upperBound(of: "文") == [0xE6, 0x96, 0x88])
    }
}
