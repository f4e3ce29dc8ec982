import Foundation
import Logging

/// Bucket access logging at run time (protocol notes §4.5): every request on a bucket whose `?logging` names a
/// target becomes one line, and the lines are written as objects into the target bucket, named
/// `<TargetPrefix><SourceBucket>YYYY-mm-DD-HH-MM-SS-NNNN`. OSS delivers a bucket's log once an hour; here the
/// buffered lines are written every `--access-log-interval` seconds, whenever the test double's clock is changed,
/// on `POST /_localoss/logging/flush` and when the server stops.
///
/// Recording is what a request pays: one cached configuration lookup, a line formatted and appended under a
/// lock. Writing goes through the object store, not over HTTP, so a log object's write is never itself logged.
/// `@unchecked Sendable`: `pending`, `pendingCount` and `written` are guarded by `lock`, `stopped` and
/// `wakeRequested` by `timer`; flushes are serialised by `flushing`.
final class AccessLog: @unchecked Sendable {
    /// What one flush wrote: each log object, with its bucket, key and number of lines.
    struct Report: Encodable, Equatable {
        struct Written: Encodable, Equatable {
            var bucket: String
            var key: String
            var lines: Int
        }
        var objects: [Written] = []
    }

    /// Buffered lines beyond which the flushing thread is woken at once, so memory stays bounded.
    static let wakeAt = 10_000

    private let objects: ObjectStore
    private let clock: ServerClock
    private let logger: Logger
    /// The account the server's buckets belong to (the log's UserID and RequesterAliyunID).
    private let owner: String
    private let lock = NSLock()
    /// Lines by source bucket and the logging document in force when they were recorded.
    private var pending: [Source: [String]] = [:]
    private var pendingCount = 0
    /// Log objects written so far: the last four digits of the next name.
    private var written = 0
    private let flushing = NSLock()
    private let timer = NSCondition()
    private var stopped = false
    private var wakeRequested = false

    private struct Source: Hashable {
        var bucket: String
        var document: String
    }

    init(objects: ObjectStore, clock: ServerClock, logger: Logger, owner: String = BucketHandler.owner.id) {
        self.objects = objects
        self.clock = clock
        self.logger = logger
        self.owner = owner
    }

    /// Records the line of a request on `entry.bucket` if that bucket logs; nothing for any other request.
    /// `configurations`: the request's documents of its bucket, when it has them.
    func record(
        _ entry: JournalEntry, head: HTTPRequestHead, response: HTTPResponse, accessKeyID: String?,
        configurations: BucketConfigurations?, remoteIP: () -> String?
    ) {
        // A request on a bucket that does not exist has no bucket to log it (nor a configuration to look up).
        guard let bucket = entry.bucket, entry.errorCode != OSSErrorCode.noSuchBucket.rawValue,
            let document = try? BucketConfigurations.of(bucket, reusing: configurations, in: objects.configurations)
                .logging,
            document != LoggingConfiguration.disabled
        else { return }
        let line = AccessLogLine(
            entry, head: head, response: response, accessKeyID: accessKeyID, remoteIP: remoteIP(), owner: owner
        ).formatted()
        let wake: Bool = lock.withLock {
            pending[Source(bucket: bucket, document: document), default: []].append(line)
            pendingCount += 1
            return pendingCount == Self.wakeAt
        }
        if wake {
            timer.lock()
            wakeRequested = true
            timer.broadcast()
            timer.unlock()
        }
    }

    /// Forgets the buffered lines of `source` (nil: of every bucket), unwritten: the state they describe was reset.
    func discard(source: String?) {
        lock.withLock {
            if let source {
                for key in pending.keys where key.bucket == source {
                    pendingCount -= pending.removeValue(forKey: key)?.count ?? 0
                }
            } else {
                pending = [:]
                pendingCount = 0
            }
        }
    }

    /// Lines recorded and not yet written.
    var pendingLines: Int { lock.withLock { pendingCount } }

    /// Writes every buffered line: one object per source bucket and destination. Lines whose target bucket no
    /// longer exists are dropped (and said so in the server log).
    @discardableResult
    func flush() -> Report {
        flushing.lock()
        defer { flushing.unlock() }
        let batches = lock.withLock {
            let taken = pending
            pending = [:]
            pendingCount = 0
            return taken
        }
        var report = Report()
        for (source, lines) in batches.sorted(by: {
            ($0.key.bucket, $0.key.document) < ($1.key.bucket, $1.key.document)
        }) {
            guard let destination = AccessLogDestination(document: source.document) else { continue }
            do {
                let key = try freshKey(destination, source: source.bucket)
                try write(lines, to: destination.targetBucket, key: key)
                report.objects.append(.init(bucket: destination.targetBucket, key: key, lines: lines.count))
            } catch {
                logger.warning(
                    "access log of \(source.bucket): \(lines.count) lines not written to \(destination.targetBucket): \(error)"
                )
            }
        }
        return report
    }

    /// The next name in the target that no object has: the counter restarts with the process, and a server
    /// restarted within the second must not overwrite the log written before.
    private func freshKey(_ destination: AccessLogDestination, source: String) throws -> String {
        let now = clock.nowMicroseconds()
        while true {
            let unique = lock.withLock {
                written += 1
                return written
            }
            let key = destination.objectKey(source: source, micros: now, unique: unique)
            if try objects.objectACL(bucket: destination.targetBucket, key: key) == nil || unique % 10_000 == 0 {
                return key
            }
        }
    }

    private func write(_ lines: [String], to bucket: String, key: String) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            bytes += line.utf8
            bytes.append(UInt8(ascii: "\n"))
        }
        let address = ObjectAddress(bucket: try BucketName(validating: bucket), key: try ObjectKey(validating: key))
        let options = ObjectStore.PutOptions(
            metadata: ObjectMetadata(contentType: "text/plain", headers: []), expected: ExpectedDigests(),
            acl: .default, storageClass: nil, forbidOverwrite: false)
        _ = try objects.putObject(address, body: InMemoryBytes(bytes: bytes), options: options)
    }

    /// Flushes every `interval` seconds (0: never on a timer) and whenever the buffer grows past `wakeAt`, on a
    /// thread of its own until `stop()`; false if the thread could not start.
    func start(every interval: Int) -> Bool {
        DetachedThread.start(512 << 10) { [self] in
            while true {
                timer.lock()
                if interval > 0 {
                    let deadline = Date(timeIntervalSinceNow: TimeInterval(interval))
                    while !stopped, !wakeRequested, timer.wait(until: deadline) {}
                } else {
                    // `wait(until: .distantFuture)` overflows in Foundation on Linux: wait for a signal instead.
                    while !stopped, !wakeRequested { timer.wait() }
                }
                let done = stopped
                wakeRequested = false
                timer.unlock()
                if done { return }
                flush()
            }
        } == 0
    }

    func stop() {
        timer.lock()
        stopped = true
        timer.broadcast()
        timer.unlock()
    }
}
