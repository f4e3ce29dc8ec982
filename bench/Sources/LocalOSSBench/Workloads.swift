import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct Options: Sendable {
    var quick = false
    var uploadMiB = 256
    var partMiB = 8
    var parallel = 4
    var smallParts = 1000
    var smallPartBytes = 100 * 1024
    var bigParts = 128
    var completeRepeats = 3
    var uploads = 100_000
    var setupConnections = 64
    var setupSeconds = 600.0
    var connections = 256
    var connectionSeconds = 5.0
    var connectionPartBytes = 4096
    var listSamples = 15
    var getRepeats = 3
    var startupTrials = 5
    var md5Seconds = 2.0
    /// Each wrk run of the small-request phase (nginx GET, GET, PUT, nginx GET again).
    var smallSeconds = 5.0
    var smallConnections = 64
    /// How long CopyObjects of the 1,000-part object run back to back while an unrelated object is HEADed.
    var copySeconds = 5.0
    var localoss: String?
    var dataRoot: String?
    var keepData = false
    var peerURL: String?
    var peerCommand: String?
    var peerPID: Int32?
    var peerName = "peer"
    var skipLocalOSS = false
    /// Phases to run (upload, get, complete, list, connections); empty: all. For profiling one of them.
    var only: Set<String> = []

    mutating func applyQuick() {
        quick = true
        uploadMiB = 32
        bigParts = 16
        completeRepeats = 1
        uploads = 5_000
        setupConnections = 32
        setupSeconds = 300
        connections = 64
        connectionSeconds = 2
        listSamples = 5
        getRepeats = 2
        startupTrials = 3
        md5Seconds = 1
        smallSeconds = 1
        copySeconds = 1.5
    }

    var partBytes: Int { partMiB << 20 }
    var uploadBytes: Int { uploadMiB << 20 }
    var bigPartCount: Int { uploadBytes / partBytes }
}

/// One part of a planned upload: where its bytes sit in the payload and what the server must say about them.
struct PartSpec: Sendable {
    let offset: Int
    let length: Int
    let md5: [UInt8]
    let crc: UInt64
}

/// A measured figure of one server.
struct Figure: Sendable {
    var value: Double
    var note = ""
}

/// Everything one server run produced: figures by name, free-form notes, and correctness failures.
final class Results: @unchecked Sendable {
    private let state = Locked((figures: [String: Figure](), notes: [String](), failures: [String]()))

    func set(_ name: String, _ value: Double, note: String = "") {
        state.with { $0.figures[name] = Figure(value: value, note: note) }
    }
    func figure(_ name: String) -> Figure? { state.get.figures[name] }
    /// nil when missing or unavailable (NaN: the figure's note says why).
    func value(_ name: String) -> Double? { state.get.figures[name].flatMap { $0.value.isNaN ? nil : $0.value } }
    /// A figure that could not be measured here, with the reason (printed `n/a`).
    func unavailable(_ names: [String], _ reason: String) {
        log("n/a: \(names.joined(separator: ", ")): \(reason)")
        state.with { for name in names { $0.figures[name] = Figure(value: .nan, note: "n/a: \(reason)") } }
    }
    func note(_ text: String) {
        log("note: \(text)")
        state.with { $0.notes.append(text) }
    }
    func fail(_ text: String) {
        log("FAILURE: \(text)")
        state.with { $0.failures.append(text) }
    }
    var notes: [String] { state.get.notes }
    var failures: [String] { state.get.failures }
}

/// The workload, run the same way against LocalOSS or a peer. `strict`: a mismatch is a correctness failure (LocalOSS);
/// otherwise it is a note (the peer is a reference, not under test).
final class Suite: @unchecked Sendable {
    let name: String
    let endpoint: Endpoint
    let pid: pid_t?
    let strict: Bool
    let options: Options
    let payload: Payload
    let bigPlan: [PartSpec]
    let smallPlan: [PartSpec]
    let results: Results
    let dataBucket = "bench-data"
    let uploadsBucket = "bench-uploads"
    let connsBucket = "bench-conns"
    private var pool: [HTTPConnection] = []

    init(
        name: String, endpoint: Endpoint, pid: pid_t?, strict: Bool, options: Options, payload: Payload,
        bigPlan: [PartSpec], smallPlan: [PartSpec], results: Results = Results()
    ) {
        self.results = results
        self.name = name
        self.endpoint = endpoint
        self.pid = pid
        self.strict = strict
        self.options = options
        self.payload = payload
        self.bigPlan = bigPlan
        self.smallPlan = smallPlan
    }

    /// A mismatch: a failure for LocalOSS, a note for the peer.
    func mismatch(_ text: String) {
        if strict { results.fail(text) } else { results.note(text) }
    }

    func run() {
        pool = (0..<max(options.parallel, 4)).map { _ in HTTPConnection(endpoint, timeoutSeconds: 600) }
        phase("buckets") { try createBuckets() }
        let all = options.only.isEmpty
        if all || options.only.contains("upload") || options.only.contains("get") { phase("upload") { try uploads() } }
        if all || options.only.contains("get") { phase("get") { try getObject() } }
        if all || options.only.contains("complete") || options.only.contains("range") {
            phase("complete") { try completeLatency() }
        }
        if all || options.only.contains("range") { phase("range") { try rangedGets() } }
        if all || options.only.contains("list") { phase("list-uploads") { try listUploads() } }
        if all || options.only.contains("connections") { phase("connections") { try manyConnections() } }
        if all || options.only.contains("small") { phase("small") { try smallRequests() } }
        pool.removeAll()
    }

    /// The durable-mode phase, run by a suite of its own on a second server started with `--durable`.
    func runDurable() {
        pool = (0..<max(options.parallel, 4)).map { _ in HTTPConnection(endpoint, timeoutSeconds: 600) }
        phase("copy-head (--durable)") { try copyHeadLatency() }
        pool.removeAll()
    }

    private func phase(_ label: String, _ body: () throws -> Void) {
        log("\(name): \(label)")
        let begin = now()
        do { try body() } catch { mismatch("\(label): \(error)") }
        log("\(name): \(label) done in \(format(now() - begin, 1)) s")
    }

    // MARK: Requests

    func objectPath(_ bucket: String, _ key: String) -> String { "/\(bucket)/\(urlEncode(key, keepSlash: true))" }

    func createBuckets() throws {
        for bucket in [dataBucket, uploadsBucket, connsBucket] {
            let reply = try pool[0].request("PUT", "/\(bucket)")
            guard reply.status == 200 else {
                if reply.status == 403 {
                    throw BenchError(
                        "PUT /\(bucket): HTTP 403 — the server checks signatures; start it with auth off (LOCALOSS_AUTH=off)"
                    )
                }
                throw BenchError("PUT /\(bucket): HTTP \(reply.status) \(reply.text.prefix(300))")
            }
        }
    }

    func initiate(_ connection: HTTPConnection, _ bucket: String, _ key: String) throws -> String {
        let reply = try connection.request("POST", objectPath(bucket, key) + "?uploads")
        guard reply.status == 200, let uploadID = xmlValues("UploadId", in: reply.body).first, !uploadID.isEmpty else {
            throw BenchError("InitiateMultipartUpload \(key): HTTP \(reply.status) \(reply.text.prefix(300))")
        }
        return uploadID
    }

    /// Uploads one part and checks its ETag (MD5) and, where the server sends it, its CRC-64.
    func uploadPart(
        _ connection: HTTPConnection, _ bucket: String, _ key: String, _ uploadID: String, _ number: Int,
        _ part: PartSpec
    ) throws -> String {
        let reply = try connection.request(
            "PUT", objectPath(bucket, key) + "?partNumber=\(number)&uploadId=\(urlEncode(uploadID))",
            body: payload.slice(part.offset, part.length))
        guard reply.status == 200 else {
            throw BenchError("UploadPart \(key) #\(number): HTTP \(reply.status) \(reply.text.prefix(300))")
        }
        guard let etag = reply.header("etag"), normalizeETag(etag) == Digest.hex(part.md5) else {
            throw BenchError(
                "UploadPart \(key) #\(number): ETag \(reply.header("etag") ?? "missing"), expected \(Digest.hex(part.md5))"
            )
        }
        if let crcText = reply.header("x-oss-hash-crc64ecma"), UInt64(crcText) != part.crc {
            throw BenchError("UploadPart \(key) #\(number): CRC-64 \(crcText), expected \(part.crc)")
        }
        return etag
    }

    /// Uploads `plan` over `connections`, one thread each, parts handed out in order. Returns ETags by part.
    func uploadParts(
        _ connections: [HTTPConnection], _ bucket: String, _ key: String, _ uploadID: String, _ plan: [PartSpec]
    )
        throws -> [String]
    {
        let next = Locked(0)
        let etags = Locked([String](repeating: "", count: plan.count))
        let failure = Locked<String?>(nil)
        let work: @Sendable (Int) -> Void = { [self] thread in
            while failure.get == nil {
                let index = next.with { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < plan.count else { return }
                do {
                    let etag = try uploadPart(connections[thread], bucket, key, uploadID, index + 1, plan[index])
                    etags.with { $0[index] = etag }
                } catch {
                    failure.with { $0 = $0 ?? "\(error)" }
                }
            }
        }
        if connections.count == 1 { work(0) } else { onThreads(connections.count, work) }
        if let failure = failure.get { throw BenchError(failure) }
        return etags.get
    }

    /// What the server must answer for a completed `plan`: the multipart ETag and the CRC-64 of all its bytes.
    /// Computed before any clock starts.
    struct Expected {
        let etag: String
        let crc: UInt64
    }

    func expected(_ plan: [PartSpec]) -> Expected {
        Expected(
            etag: Digest.multipartETag(plan.map(\.md5)),
            crc: plan.reduce(UInt64(0)) { Digest.crc64(payload.slice($1.offset, $1.length), $0) })
    }

    /// CompleteMultipartUpload with the listed ETags; checks the object's ETag and CRC-64 after the clock stops.
    /// Returns the seconds from sending the request to the end of the reply.
    @discardableResult
    func complete(
        _ connection: HTTPConnection, _ bucket: String, _ key: String, _ uploadID: String, etags: [String],
        expected: Expected
    ) throws -> Double {
        var xml = "<CompleteMultipartUpload>"
        for (index, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(etag)</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        let path = objectPath(bucket, key) + "?uploadId=\(urlEncode(uploadID))"
        let begin = now()
        let reply = try body.withUnsafeBytes {
            try connection.request("POST", path, headers: [("Content-Type", "application/xml")], body: $0)
        }
        let seconds = now() - begin
        guard reply.status == 200 else {
            throw BenchError("CompleteMultipartUpload \(key): HTTP \(reply.status) \(reply.text.prefix(300))")
        }
        let got = reply.header("etag") ?? xmlValues("ETag", in: reply.body).first ?? "missing"
        if normalizeETag(got) != expected.etag {
            mismatch("CompleteMultipartUpload \(key): ETag \(got), expected \"\(expected.etag.uppercased())\"")
        }
        if let crcText = reply.header("x-oss-hash-crc64ecma"), UInt64(crcText) != expected.crc {
            mismatch("CompleteMultipartUpload \(key): CRC-64 \(crcText), expected \(expected.crc)")
        }
        return seconds
    }

    // MARK: 1, 2, 7: multipart upload, sequential and parallel, with the server's RSS

    func uploads() throws {
        let whole = expected(bigPlan)
        for (label, parallel) in [("seq", 1), ("par\(options.parallel)", options.parallel)] {
            let key = "upload-\(label)"
            let sampler = pid.map { RSSSampler(pid: $0) }
            sampler?.start()
            let begin = now()
            let uploadID = try initiate(pool[0], dataBucket, key)
            let etags = try uploadParts(Array(pool[0..<parallel]), dataBucket, key, uploadID, bigPlan)
            try complete(pool[0], dataBucket, key, uploadID, etags: etags, expected: whole)
            let seconds = now() - begin
            let rate = Double(options.uploadBytes) / 1_048_576 / seconds
            results.set(
                "upload.\(label)", rate, note: "\(bigPlan.count)x\(options.partMiB)MiB in \(format(seconds, 2)) s")
            log("\(name): upload.\(label) \(format(rate)) MiB/s")
            if let memory = sampler?.stop() {
                let growth = Double(memory.max - memory.baseline) / 1024
                results.set(
                    "rss.growth.\(label)", growth,
                    note: "RSS \(memory.baseline / 1024) -> max \(memory.max / 1024) MiB (5 ms samples)")
                let peak = Double(memory.hwm) / 1024
                results.set("rss.peak", max(results.value("rss.peak") ?? 0, peak), note: "VmHWM after the uploads")
            }
        }
    }

    // MARK: 6: GET of the uploaded object, every byte compared

    func getObject() throws {
        let connection = HTTPConnection(endpoint, bufferSize: 4 << 20, timeoutSeconds: 600)
        let path = objectPath(dataBucket, "upload-seq")
        let whole = expected(bigPlan)
        var rates: [Double] = []
        for _ in 0..<options.getRepeats {
            var offset = 0
            var wrongAt: Int?
            let base = payload.base
            let size = options.uploadBytes
            let begin = now()
            let reply = try connection.request("GET", path) { chunk in
                if wrongAt == nil {
                    if offset + chunk.count > size || memcmp(chunk.baseAddress!, base + offset, chunk.count) != 0 {
                        wrongAt = offset
                    }
                }
                offset += chunk.count
            }
            let seconds = now() - begin
            guard reply.status == 200 else { throw BenchError("GET \(path): HTTP \(reply.status)") }
            if reply.bodyLength != size { mismatch("GET \(path): \(reply.bodyLength) bytes, expected \(size)") }
            if let wrongAt { mismatch("GET \(path): wrong bytes in the chunk at offset \(wrongAt)") }
            if let crcText = reply.header("x-oss-hash-crc64ecma"), UInt64(crcText) != whole.crc {
                mismatch("GET \(path): CRC-64 \(crcText), expected \(whole.crc)")
            }
            if let etag = reply.header("etag"), normalizeETag(etag) != whole.etag {
                mismatch("GET \(path): ETag \(etag), expected \(whole.etag)")
            }
            rates.append(Double(size) / 1_048_576 / seconds)
        }
        results.set(
            "get.object", median(rates),
            note: "median of \(rates.count): \(rates.map { format($0, 0) }.joined(separator: ", ")) MiB/s")
    }

    // MARK: 3, 5: Complete latency, ListParts

    func completeLatency() throws {
        let connections = Array(pool[0..<4])
        var smallSamples: [Double] = []
        let smallExpected = expected(smallPlan)
        for round in 0..<options.completeRepeats {
            let key = "complete-small-\(round)"
            let uploadID = try initiate(pool[0], dataBucket, key)
            let etags = try uploadParts(connections, dataBucket, key, uploadID, smallPlan)
            if round == 0 { try listParts(key, uploadID) }
            smallSamples.append(
                try complete(pool[0], dataBucket, key, uploadID, etags: etags, expected: smallExpected) * 1000)
        }
        results.set(
            "complete.small", median(smallSamples),
            note:
                "\(smallPlan.count) parts x \(options.smallPartBytes / 1024) KiB; samples \(smallSamples.map { format($0, 1) }.joined(separator: ", ")) ms"
        )

        let bigCount = options.bigParts
        let plan = (0..<bigCount).map { bigPlan[$0 % bigPlan.count] }
        let key = "complete-big"
        let uploadID = try initiate(pool[0], dataBucket, key)
        let etags = try uploadParts(connections, dataBucket, key, uploadID, plan)
        let bigMS = try complete(pool[0], dataBucket, key, uploadID, etags: etags, expected: expected(plan)) * 1000
        results.set("complete.big", bigMS, note: "\(bigCount) parts x \(options.partMiB) MiB, one sample")
        if let small = results.value("complete.small"), small > 0 {
            let ratio = (bigMS / Double(bigCount)) / (small / Double(smallPlan.count))
            results.set(
                "complete.per_part_ratio", ratio,
                note:
                    "\(format(bigMS * 1000 / Double(bigCount), 1)) vs \(format(small * 1000 / Double(smallPlan.count), 1)) us per part"
            )
        }
    }

    // MARK: Ranged reads of a many-part object

    /// A 1-byte ranged GET of the 1,000-part object `complete-small-0` against the same GET of a one-part object of
    /// the same size: what a read costs should not grow with the number of parts it does not touch.
    func rangedGets() throws {
        let connection = pool[0]
        let manySize = smallPlan.reduce(0) { $0 + $1.length }
        let size = min(manySize, payload.size)
        let onePart = "range-one-part"
        let put = try connection.request("PUT", objectPath(dataBucket, onePart), body: payload.slice(0, size))
        guard put.status == 200 else { throw BenchError("PUT \(onePart): HTTP \(put.status)") }
        func sample(_ key: String, _ offset: Int) throws -> Double {
            var samples: [Double] = []
            for round in 0..<(options.quick ? 50 : 400) {
                let begin = now()
                let reply = try connection.request(
                    "GET", objectPath(dataBucket, key), headers: [("Range", "bytes=\(offset)-\(offset)")])
                let seconds = now() - begin
                guard reply.status == 206, reply.bodyLength == 1 else {
                    throw BenchError("ranged GET \(key): HTTP \(reply.status), \(reply.bodyLength) bytes")
                }
                if round >= 10 { samples.append(seconds * 1_000_000) }
            }
            return median(samples)
        }
        let one = try sample(onePart, size / 2 + 1)
        let many = try sample("complete-small-0", manySize / 2 + 1)
        results.set("range.one_part", one, note: "1-byte Range GET of a \(size / 1024) KiB one-part object, median")
        results.set("range.many_parts", many, note: "the same of the \(smallPlan.count)-part object, median")
        results.set("range.ratio", many / one)
    }

    func listParts(_ key: String, _ uploadID: String) throws {
        let path = objectPath(dataBucket, key) + "?uploadId=\(urlEncode(uploadID))&max-parts=1000"
        var samples: [Double] = []
        for sample in 0...options.listSamples {
            let begin = now()
            let reply = try pool[0].request("GET", path)
            let elapsed = (now() - begin) * 1000
            guard reply.status == 200 else {
                throw BenchError("ListParts: HTTP \(reply.status) \(reply.text.prefix(300))")
            }
            if sample == 0 {
                let etags = xmlValues("ETag", in: reply.body).map(normalizeETag)
                let expected = smallPlan.prefix(1000).map { Digest.hex($0.md5) }
                if etags != expected {
                    mismatch("ListParts: \(etags.count) parts listed, expected \(expected.count) with their ETags")
                }
                continue  // warm-up
            }
            samples.append(elapsed)
        }
        results.set("list.parts", median(samples), note: "median of \(samples.count), 1000 of \(smallPlan.count) parts")
    }

    // MARK: 4: ListMultipartUploads with many uploads in progress

    func uploadKey(_ index: Int, directories: Int) -> String {
        "u/d\(pad(index % directories, 4))/k\(pad(index, 6))"
    }

    func listUploads() throws {
        let total = options.uploads
        let directories = max(1, total / 100)
        let created = Locked((count: 0, errors: 0, firstError: ""))
        let next = Locked(0)
        let begin = now()
        let deadline = begin + options.setupSeconds
        onThreads(options.setupConnections) { [self] _ in
            let connection = HTTPConnection(endpoint, timeoutSeconds: 120)
            while now() < deadline, created.get.errors < 100 {
                let index = next.with { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < total else { return }
                do {
                    _ = try initiate(connection, uploadsBucket, uploadKey(index, directories: directories))
                    created.with { $0.count += 1 }
                } catch {
                    created.with {
                        $0.errors += 1
                        if $0.firstError.isEmpty { $0.firstError = "\(error)" }
                    }
                }
            }
        }
        let setup = now() - begin
        let made = created.get
        results.set(
            "uploads.setup", setup,
            note:
                "\(made.count) uploads over \(options.setupConnections) connections, \(format(Double(made.count) / setup, 0))/s"
        )
        if made.errors > 0 { mismatch("creating uploads: \(made.errors) errors, first: \(made.firstError)") }
        if made.count < total { mismatch("created \(made.count) of \(total) uploads in the time allowed") }

        let base = "/\(uploadsBucket)/?uploads&max-uploads=1000"
        let middle = "u/d\(pad(directories / 2, 4))/"
        let perDirectory = (0..<made.count).filter { $0 % directories == directories / 2 }.count
        let variants: [(String, String, (HTTPReply) -> String?)] = [
            (
                "list.uploads", base,
                { reply in
                    let count = xmlCount("Upload", in: reply.body)
                    return count == min(1000, made.count)
                        ? nil : "\(count) uploads on the page, expected \(min(1000, made.count))"
                }
            ),
            (
                "list.uploads.prefix", base + "&prefix=\(urlEncode(middle))",
                { reply in
                    let keys = xmlValues("Key", in: reply.body)
                    let count = xmlCount("Upload", in: reply.body)
                    if count != min(1000, perDirectory) {
                        return "\(count) uploads with prefix \(middle), expected \(min(1000, perDirectory))"
                    }
                    return keys.allSatisfy { $0.hasPrefix(middle) } ? nil : "keys outside prefix \(middle) listed"
                }
            ),
            (
                "list.uploads.prefix_delim", base + "&prefix=u%2F&delimiter=%2F",
                { reply in
                    let prefixes = xmlCount("CommonPrefixes", in: reply.body)
                    let uploads = xmlCount("Upload", in: reply.body)
                    let expected = min(1000, min(directories, made.count))
                    return prefixes == expected && uploads == 0
                        ? nil
                        : "\(prefixes) common prefixes and \(uploads) uploads, expected \(expected) and 0 (delimiter \"/\")"
                }
            ),
        ]
        for (figure, path, check) in variants {
            var samples: [Double] = []
            var bytes = 0
            let started = now()
            // Bounded: listSamples + 1 requests, or fewer when a slow server takes over 60 s.
            for sample in 0...options.listSamples {
                let begin = now()
                let reply = try pool[0].request("GET", path)
                let elapsed = (now() - begin) * 1000
                guard reply.status == 200 else {
                    throw BenchError("\(figure): HTTP \(reply.status) \(reply.text.prefix(300))")
                }
                if sample == 0 {
                    bytes = reply.bodyLength
                    if let problem = check(reply) { mismatch("\(figure): \(problem)") }
                    if now() - started > 20 { samples.append(elapsed) }  // too slow to spend a warm-up on
                } else {
                    samples.append(elapsed)
                }
                if now() - started > 60, !samples.isEmpty { break }
            }
            results.set(figure, median(samples), note: "median of \(samples.count), \(bytes / 1024) KiB page")
        }
    }

    // MARK: 9: many keep-alive connections doing small UploadParts

    func manyConnections() throws {
        let count = options.connections
        let partBytes = options.connectionPartBytes
        let specs = (0..<count).map { index -> PartSpec in
            let bytes = payload.slice(index * partBytes, partBytes)
            return PartSpec(
                offset: index * partBytes, length: partBytes, md5: Digest.md5(bytes), crc: Digest.crc64(bytes))
        }
        let tally = Locked((requests: 0, errors: 0, firstError: "", reconnects: 0))
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let window = Locked((start: 0.0, end: 0.0))
        let duration = options.connectionSeconds
        onThreads(count + 1, stackSize: 256 << 10) { [self] thread in
            if thread == count {
                // The starter: waits (bounded) for every connection, then opens the window.
                for _ in 0..<count { _ = ready.wait(timeout: .now() + 120) }
                window.with { $0.start = now() }
                for _ in 0..<count { go.signal() }
                return
            }
            let connection = HTTPConnection(endpoint, bufferSize: 16 << 10, timeoutSeconds: 60)
            let key = "c/k\(pad(thread, 4))"
            var uploadID: String?
            do {
                try connection.connect()
                uploadID = try initiate(connection, connsBucket, key)
            } catch {
                tally.with {
                    $0.errors += 1
                    if $0.firstError.isEmpty { $0.firstError = "setup: \(error)" }
                }
            }
            ready.signal()
            go.wait()
            guard let uploadID else { return }
            let stop = window.get.start + duration
            var requests = 0
            var errors = 0
            var firstError = ""
            // Bounded by time and by count.
            while now() < stop, requests + errors < 1_000_000 {
                do {
                    _ = try uploadPart(connection, connsBucket, key, uploadID, requests % 10_000 + 1, specs[thread])
                    requests += 1
                } catch {
                    errors += 1
                    if firstError.isEmpty { firstError = "\(error)" }
                }
            }
            let finished = now()
            let reconnects = connection.reconnects + max(0, connection.connects - 1)
            tally.with {
                $0.requests += requests
                $0.errors += errors
                $0.reconnects += reconnects
                if $0.firstError.isEmpty { $0.firstError = firstError }
            }
            window.with { $0.end = max($0.end, finished) }
        }
        let result = tally.get
        let seconds = window.get.end - window.get.start
        results.set(
            "conns.rate", Double(result.requests) / seconds,
            note: "\(count) connections x \(partBytes / 1024) KiB parts, \(result.requests) in \(format(seconds, 2)) s")
        results.set(
            "conns.errors", Double(result.errors),
            note: result.reconnects > 0 ? "\(result.reconnects) new connections after the server closed one" : "")
        if result.errors > 0 { mismatch("\(count) connections: \(result.errors) errors, first: \(result.firstError)") }
    }

    // MARK: Small requests against nginx

    /// GET and PUT of a 4 KiB object with 64 connections (wrk), beside nginx serving the same 4 KiB from a file in the
    /// same run, measured before and after LocalOSS (the higher rate is the reference: the machine is shared).
    func smallRequests() throws {
        let names = ["small.nginx_get", "small.get", "small.put"]
        guard strict else { return }  // the reference is for LocalOSS; a peer is not driven with wrk
        guard let wrk = findExecutable("wrk") else {
            return results.unavailable(names, "wrk is not installed (bench/run.sh installs Debian's wrk)")
        }
        guard let nginxBinary = findExecutable("nginx") else {
            return results.unavailable(names, "nginx is not installed (bench/run.sh installs Debian's nginx)")
        }
        let file = Array(payload.slice(0, 4096))
        let md5 = Digest.hex(Digest.md5(file))
        let key = "small-4k"
        let put = try file.withUnsafeBytes { try pool[0].request("PUT", objectPath(dataBucket, key), body: $0) }
        guard put.status == 200, normalizeETag(put.header("etag") ?? "") == md5 else {
            throw BenchError("PUT \(key): HTTP \(put.status), ETag \(put.header("etag") ?? "missing"), expected \(md5)")
        }
        try checkSmallObject(key, file)
        let nginx: NginxReference
        do {
            nginx = try NginxReference(binary: nginxBinary, file: file)
        } catch {
            return results.unavailable(names, "nginx did not start: \(error)")
        }
        defer { nginx.stop() }
        let bodyFile = nginx.directory + "/put-body"
        let script = nginx.directory + "/put.lua"
        try Data(file).write(to: URL(fileURLWithPath: bodyFile))
        let putPrefix = objectPath(dataBucket, "small/put-")
        try Data(wrkPutScript(bodyFile: bodyFile, pathPrefix: putPrefix, keys: 1000).utf8).write(
            to: URL(fileURLWithPath: script))
        let connections = options.smallConnections
        let seconds = options.smallSeconds
        let nginxURL = "\(nginx.endpoint)\(nginx.path)"
        let before = try runWrk(wrk, url: nginxURL, connections: connections, seconds: seconds)
        let get = try runWrk(
            wrk, url: "\(endpoint)\(objectPath(dataBucket, key))", connections: connections, seconds: seconds)
        let puts = try runWrk(wrk, url: "\(endpoint)/", connections: connections, seconds: seconds, script: script)
        let after = try runWrk(wrk, url: nginxURL, connections: connections, seconds: seconds)
        let reference = max(before.requestsPerSecond, after.requestsPerSecond)
        func describe(_ run: WrkResult) -> String {
            var text = "\(run.requests) requests, average latency \(run.averageLatency)"
            if !run.socketErrors.isEmpty { text += ", socket errors \(run.socketErrors)" }
            return text
        }
        results.set(
            "small.nginx_get", reference,
            note:
                "nginx \(processorCount()) workers, 4 KiB file, wrk \(connections) connections x \(format(seconds, 0)) s: "
                + "\(format(before.requestsPerSecond, 0)) before, \(format(after.requestsPerSecond, 0)) after LocalOSS (max)"
        )
        results.set(
            "small.get", get.requestsPerSecond,
            note: "\(format(get.requestsPerSecond / reference, 2))x nginx; \(describe(get))")
        results.set(
            "small.put", puts.requestsPerSecond,
            note: "\(format(puts.requestsPerSecond / reference, 2))x nginx GET; 1,000 keys in turn; \(describe(puts))")
        if get.non2xx > 0 { mismatch("small.get: \(get.non2xx) answers that were not 2xx") }
        if puts.non2xx > 0 { mismatch("small.put: \(puts.non2xx) answers that were not 2xx") }
        // What the PUTs stored: sampled keys hold the 4 KiB. Each wrk thread counts keys from 1 on its own, so only
        // keys well below requests / threads are surely written.
        let surelyWritten = min(999, puts.requests / (4 * processorCount()))
        for index in Set([1, surelyWritten]) where index >= 1 && index <= puts.requests {
            try checkSmallObject("small/put-\(index)", file)
        }
    }

    private func checkSmallObject(_ key: String, _ file: [UInt8]) throws {
        let reply = try pool[0].request("GET", objectPath(dataBucket, key))
        guard reply.status == 200 else { throw BenchError("GET \(key): HTTP \(reply.status)") }
        if reply.body != file { mismatch("GET \(key): \(reply.bodyLength) bytes that are not the 4 KiB written") }
    }

    // MARK: HEAD latency during CopyObject, --durable

    /// CopyObject of the 1,000-part object, back to back on one connection in every other quarter second, while another
    /// connection HEADs an unrelated object throughout: the HEAD must not wait for the copy's transaction (reads have
    /// their own snapshot). HEADs that overlapped no copy are the reference.
    func copyHeadLatency() throws {
        let bucket = "bench-copy"
        let created = try pool[0].request("PUT", "/\(bucket)")
        guard created.status == 200 else { throw BenchError("PUT /\(bucket): HTTP \(created.status)") }
        let source = "copy-source"
        let whole = expected(smallPlan)
        let uploadID = try initiate(pool[0], bucket, source)
        let etags = try uploadParts(Array(pool[0..<4]), bucket, source, uploadID, smallPlan)
        try complete(pool[0], bucket, source, uploadID, etags: etags, expected: whole)
        let unrelated = "unrelated"
        let small = payload.slice(0, 4096)
        let put = try pool[0].request("PUT", objectPath(bucket, unrelated), body: small)
        guard put.status == 200 else { throw BenchError("PUT \(unrelated): HTTP \(put.status)") }

        // Copies run in every other quarter second; a HEAD that overlapped none is the reference (same server, same
        // moment's machine load), one that overlapped a copy is the figure.
        let window = 0.25
        let activity = Locked((inFlight: false, events: 0))
        let copying = Locked(true)
        let copies = Locked((count: 0, milliseconds: [Double](), failure: ""))
        let heads = Locked((during: [Double](), idle: [Double](), failure: ""))
        let duration = options.copySeconds * 2
        let copier = pool[1]
        let header = pool[2]
        onThreads(2) { [self] thread in
            if thread == 0 {
                defer { copying.with { $0 = false } }
                let begin = now()
                var round = 0
                // Bounded: at least 3 copies, then until the time is up (at most 10,000 copies, 1,000,000 pauses).
                for _ in 0..<1_000_000 where round < 10_000 {
                    let elapsed = now() - begin
                    if round >= 3, elapsed >= duration { break }
                    if Int(elapsed / window) % 2 == 0, round >= 1 {
                        usleep(1_000)  // a quiet window
                        continue
                    }
                    activity.with {
                        $0.inFlight = true
                        $0.events += 1
                    }
                    let started = now()
                    defer {
                        activity.with {
                            $0.inFlight = false
                            $0.events += 1
                        }
                    }
                    do {
                        let reply = try copier.request(
                            "PUT", objectPath(bucket, "copy-\(round % 2)"),
                            headers: [("x-oss-copy-source", "/\(bucket)/\(source)")])
                        let milliseconds = (now() - started) * 1000
                        let etag = xmlValues("ETag", in: reply.body).first ?? ""
                        guard reply.status == 200, normalizeETag(etag) == whole.etag else {
                            copies.with { $0.failure = "CopyObject: HTTP \(reply.status), ETag \(etag)" }
                            return
                        }
                        copies.with {
                            $0.count += 1
                            $0.milliseconds.append(milliseconds)
                        }
                    } catch {
                        copies.with { $0.failure = "CopyObject: \(error)" }
                        return
                    }
                    round += 1
                }
            } else {
                // Bounded by the copier's end (itself bounded) and 1,000,000 HEADs.
                for _ in 0..<1_000_000 where copying.get {
                    let before = activity.get
                    let started = now()
                    do {
                        let reply = try header.request("HEAD", objectPath(bucket, unrelated))
                        let milliseconds = (now() - started) * 1000
                        guard reply.status == 200 else {
                            heads.with { $0.failure = "HEAD \(unrelated): HTTP \(reply.status)" }
                            return
                        }
                        let after = activity.get
                        let quiet = !before.inFlight && !after.inFlight && before.events == after.events
                        heads.with {
                            if quiet { $0.idle.append(milliseconds) } else { $0.during.append(milliseconds) }
                        }
                    } catch {
                        heads.with { $0.failure = "HEAD \(unrelated): \(error)" }
                        return
                    }
                }
            }
        }
        let copyResult = copies.get
        let headResult = heads.get
        if !copyResult.failure.isEmpty { mismatch(copyResult.failure) }
        if !headResult.failure.isEmpty { mismatch(headResult.failure) }
        guard !headResult.during.isEmpty else { throw BenchError("no HEAD answered during the copies") }
        let during = headResult.during
        let idle = headResult.idle
        let slow = during.filter { $0 > 20 }.count
        let note =
            "\(during.count) HEADs during \(copyResult.count) CopyObjects of \(smallPlan.count) parts "
            + "(copy median \(format(median(copyResult.milliseconds), 1)) ms), --durable; p99 \(format(percentile(during, 0.99), 2)) ms, "
            + "\(slow) over 20 ms"
        results.set("copy.head_latency.max", during.max()!, note: note)
        results.set("copy.head_latency.median", median(during))
        results.set(
            "copy.head_latency.idle_max", idle.max() ?? .nan,
            note:
                "reference: \(idle.count) HEADs of the same run that overlapped no copy, median \(format(median(idle), 2)) ms, "
                + "p99 \(format(percentile(idle, 0.99), 2)) ms, \(idle.filter { $0 > 20 }.count) over 20 ms")
    }
}
