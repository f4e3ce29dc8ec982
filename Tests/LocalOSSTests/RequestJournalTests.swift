import Testing

@testable import LocalOSS

/// The journal ring, its filters and the masking of secrets, without sockets.
@Suite struct RequestJournalTests {
    func entry(
        _ operation: String?, bucket: String? = "b", key: String? = nil, status: Int = 200, time: Int64 = 0,
        target: String = "/b", headers: [(String, String)] = []
    ) -> JournalEntry {
        var entry = JournalEntry(
            timeMicros: time, requestID: "ID", method: "GET", target: target, headers: HTTPHeaders(headers))
        entry.operation = operation
        entry.bucket = bucket
        entry.key = key
        entry.status = status
        return entry
    }

    @Test func keepsTheNewestUpToItsCapacityWithSequenceNumbersFromOne() {
        let journal = RequestJournal(capacity: 3)
        for index in 0..<5 { journal.append(entry("Op\(index)")) }
        let kept = journal.entries(matching: JournalFilter())
        #expect(kept.map(\.operation) == ["Op2", "Op3", "Op4"])
        #expect(kept.map(\.seq) == [3, 4, 5])
    }

    @Test func sizeZeroKeepsNothing() {
        let journal = RequestJournal(capacity: 0)
        journal.append(entry("PutObject"))
        #expect(journal.entries(matching: JournalFilter()).isEmpty)
        #expect(journal.count(matching: JournalFilter()) == 0)
    }

    @Test func clearForgetsEntriesButSequenceNumbersGoOn() {
        let journal = RequestJournal(capacity: 10)
        journal.append(entry("A"))
        journal.append(entry("B"))
        journal.clear()
        #expect(journal.count(matching: JournalFilter()) == 0)
        journal.append(entry("C"))
        #expect(journal.entries(matching: JournalFilter()).map(\.seq) == [3])
    }

    @Test func filtersCombine() {
        let journal = RequestJournal(capacity: 100)
        journal.append(entry("PutObject", key: "dir/a", time: 10_000))
        journal.append(entry("PutObject", bucket: "other", key: "dir/b", time: 20_400))
        journal.append(entry("UploadPart", key: "dir/c", status: 403, time: 30_000))
        journal.append(entry("ListBuckets", bucket: nil, time: 40_000))
        journal.append(entry("PutObject", key: "top", time: 50_000))
        func ops(_ filter: JournalFilter) -> [UInt64] { journal.entries(matching: filter).map(\.seq) }
        #expect(ops(JournalFilter(operation: "PutObject")) == [1, 2, 5])
        #expect(ops(JournalFilter(operation: "PutObject", bucket: "b")) == [1, 5])
        #expect(ops(JournalFilter(keyPrefix: "dir/")) == [1, 2, 3])
        #expect(ops(JournalFilter(keyPrefix: "")) == [1, 2, 3, 5])
        #expect(ops(JournalFilter(key: "top")) == [5])
        #expect(ops(JournalFilter(status: 403)) == [3])
        #expect(ops(JournalFilter(sinceSeq: 3)) == [4, 5])
        // Compared at the milliseconds records show: a record's own shown time leaves it out.
        #expect(ops(JournalFilter(sinceMicros: 20_000)) == [3, 4, 5])
        #expect(ops(JournalFilter(sinceMicros: 19_999)) == [2, 3, 4, 5])
        #expect(journal.count(matching: JournalFilter(operation: "PutObject", keyPrefix: "dir/")) == 2)
    }

    @Test func limitKeepsTheNewestMatchesOldestFirst() {
        let journal = RequestJournal(capacity: 100)
        for _ in 0..<6 { journal.append(entry("PutObject")) }
        #expect(journal.entries(matching: JournalFilter(), limit: 2).map(\.seq) == [5, 6])
        #expect(journal.entries(matching: JournalFilter(), limit: 0).isEmpty)
        #expect(journal.entries(matching: JournalFilter(), limit: 50).count == 6)
    }

    @Test func queryParametersParse() throws {
        let query = try JournalQuery(
            QueryParameters(raw: "operation=UploadPart&bucket=b&keyPrefix=a%2F&status=200&since=7&limit=3"))
        #expect(
            query.filter
                == JournalFilter(operation: "UploadPart", bucket: "b", keyPrefix: "a/", status: 200, sinceSeq: 7))
        #expect(query.limit == 3)
        let byTime = try JournalQuery(QueryParameters(raw: "since=1970-01-01T00:00:01.5Z"))
        #expect(byTime.filter.sinceMicros == 1_500_000)
        #expect(throws: ControlError.self) { try JournalQuery(QueryParameters(raw: "status=ok")) }
        #expect(throws: ControlError.self) { try JournalQuery(QueryParameters(raw: "since=soon")) }
        #expect(throws: ControlError.self) { try JournalQuery(QueryParameters(raw: "limit=-1")) }
    }

    @Test func authorizationSignaturesAreMasked() {
        #expect(SecretMask.authorization("OSS LocalOSSTestKey:abc+/=") == "OSS LocalOSSTestKey:***")
        #expect(
            SecretMask.authorization("OSS2 AccessKeyId:id,AdditionalHeaders:host,Signature:xyz")
                == "OSS2 AccessKeyId:id,AdditionalHeaders:host,Signature:***")
        #expect(
            SecretMask.authorization(
                "OSS4-HMAC-SHA256 Credential=id/20240102/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=abcdef"
            )
                == "OSS4-HMAC-SHA256 Credential=id/20240102/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=***"
        )
        #expect(SecretMask.authorization("Bearer secret") == "Bearer ***")
    }

    @Test func recordsMaskHeadersAndQuerySignatures() {
        var item = entry(
            "GetObject", key: "k",
            target: "/b/k?OSSAccessKeyId=id&Expires=9&Signature=s%2Bg&x-oss-signature=v&security-token=t&a=1",
            headers: [
                ("Authorization", "OSS id:secret"), ("x-oss-security-token", "token"), ("X-Custom", "1"),
                ("X-Custom", "2"),
            ])
        item.bodyMD5 = [0x5d, 0x41, 0x40, 0x2a, 0xbc, 0x4b, 0x2a, 0x76, 0xb9, 0x71, 0x9d, 0x91, 0x10, 0x17, 0xc5, 0x92]
        item.timeMicros = 1_700_000_000_123_456
        let record = JournalRecord(item)
        #expect(record.path == "/b/k")
        #expect(record.query == "OSSAccessKeyId=id&Expires=9&Signature=***&x-oss-signature=***&security-token=***&a=1")
        #expect(record.headers["Authorization"] == "OSS id:***")
        #expect(record.headers["x-oss-security-token"] == "***")
        #expect(record.headers["X-Custom"] == "1, 2")
        #expect(record.bodyMD5 == "5d41402abc4b2a76b9719d911017c592")
        #expect(record.time == "2023-11-14T22:13:20.123Z")
    }

    @Test func largeHeadsAreCutToWhatTheJournalKeeps() {
        let small = HTTPHeaders([("Host", "h"), ("Date", "d")])
        #expect(RequestObserver.bounded(small).fields.map(\.name) == ["Host", "Date"])
        let big = HTTPHeaders(
            (0..<10).map { ("x-oss-meta-\($0)", String(repeating: "v", count: 4000)) })
        let kept = RequestObserver.bounded(big).fields
        #expect(kept.count == 5)
        #expect(kept.prefix(4).map(\.name) == ["x-oss-meta-0", "x-oss-meta-1", "x-oss-meta-2", "x-oss-meta-3"])
        #expect(kept.last?.name == "x-localoss-journal-omitted")
        #expect(kept.last?.value.hasPrefix("6 header fields") == true)
    }
}
