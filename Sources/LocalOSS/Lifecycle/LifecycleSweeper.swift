import Foundation
import Logging

/// Applies the buckets' lifecycle rules on the server clock: expires objects, changes storage classes and aborts
/// incomplete uploads that their rules say are due. OSS runs rules once a day; here a sweep runs every
/// `--lifecycle-interval` seconds, whenever the test double's clock is changed, and on
/// `POST /_localoss/lifecycle/run`, so a test that advances the clock sees the effect in the same call.
///
/// A sweep reads pages of objects and uploads, then changes each due one through the stores' ordinary operations
/// (a deletion is DeleteObject's). `@unchecked Sendable`: sweeps are serialised by `lock`, `stopped` is guarded
/// by `timer`.
final class LifecycleSweeper: @unchecked Sendable {
    struct Report: Encodable, Equatable {
        var expiredObjects = 0
        var transitionedObjects = 0
        var abortedUploads = 0
        /// Noncurrent versions deleted, noncurrent versions moved colder, lone delete markers removed.
        var expiredVersions = 0
        var transitionedVersions = 0
        var removedDeleteMarkers = 0
    }

    static let subresource = "lifecycle"

    let objects: ObjectStore
    private let multipart: MultipartStore
    private let clock: ServerClock
    private let logger: Logger
    /// One sweep at a time: a timer tick and a clock change must not both delete the same object.
    private let lock = NSLock()
    private let timer = NSCondition()
    private var stopped = false

    init(objects: ObjectStore, multipart: MultipartStore, clock: ServerClock, logger: Logger) {
        self.objects = objects
        self.multipart = multipart
        self.clock = clock
        self.logger = logger
    }

    /// Sweeps every `interval` seconds on a thread of its own until `stop()`; false if the thread could not start.
    func start(every interval: Int) -> Bool {
        DetachedThread.start(512 << 10) { [self] in
            while true {
                timer.lock()
                let deadline = Date(timeIntervalSinceNow: TimeInterval(interval))
                while !stopped, timer.wait(until: deadline) {}
                let done = stopped
                timer.unlock()
                if done { return }
                sweep()
            }
        } == 0
    }

    func stop() {
        timer.lock()
        stopped = true
        timer.broadcast()
        timer.unlock()
    }

    /// One pass over every bucket with rules.
    @discardableResult
    func sweep() -> Report {
        lock.lock()
        defer { lock.unlock() }
        var report = Report()
        do {
            var marker: String?
            while true {
                let buckets = try objects.listBuckets(prefix: nil, marker: marker, limit: 1000)
                for bucket in buckets { try sweep(bucket.name, into: &report) }
                guard buckets.count == 1000, let last = buckets.last else { break }
                marker = last.name
            }
        } catch {
            logger.warning("lifecycle sweep stopped: \(error)")
        }
        if report != Report() {
            logger.info(
                "lifecycle: \(report.expiredObjects) objects expired, \(report.transitionedObjects) transitioned, \(report.abortedUploads) uploads aborted, \(report.expiredVersions + report.transitionedVersions + report.removedDeleteMarkers) noncurrent versions and delete markers changed"
            )
        }
        return report
    }

    private func sweep(_ bucketName: String, into report: inout Report) throws {
        guard let document = try objects.configurations.document(Self.subresource, bucket: bucketName) else { return }
        let rules = LifecycleRule.parse(document).filter(\.enabled)
        guard !rules.isEmpty, let bucket = try? BucketName(validating: bucketName) else { return }
        let now = clock.now()
        // Transitions by last access time apply only while the bucket tracks it (PutBucketLifecycle refuses them
        // otherwise, and disabling tracking is refused while they exist).
        let accessTrackingSince = try objects.accessTrackingSince(bucketName)
        for rule in rules where rule.expiration != nil || !rule.transitions.isEmpty {
            try forEachObject(bucket, prefix: rule.prefix) { summary in
                let address = ObjectAddress(bucket: bucket, key: try ObjectKey(validating: summary.key))
                // Tags are read only for the rules that filter on them.
                let tags =
                    rule.tags.isEmpty ? [] : try objects.objectTags(address).1.map { (key: $0.key, value: $0.value) }
                guard rule.covers(key: summary.key, size: summary.size, tags: tags) else { return }
                if let expiration = rule.expiration, expiration.isDue(created: summary.lastModified, now: now) {
                    do {
                        try objects.deleteObject(address)
                        report.expiredObjects += 1
                        return
                    } catch let error as OSSError where error.code == .fileImmutable {
                        // Retained by the bucket's retention policy: expired once the period is over. Transitions
                        // still apply (OSS allows changing a retained object's storage class).
                    }
                }
                // The latest due transition wins: an object past both IA and Archive days goes to Archive.
                var lastAccess: Int64?
                if let accessTrackingSince, rule.transitions.contains(where: \.countsFromAccessTime) {
                    lastAccess = AccessTracking.lastAccess(
                        lastModified: summary.lastModified, enabledAt: accessTrackingSince,
                        recorded: try objects.recordedAccess(address))
                }
                let due = rule.transitions.filter { transition in
                    guard transition.countsFromAccessTime else {
                        return transition.timing.isDue(created: summary.lastModified, now: now)
                    }
                    return lastAccess.map { transition.timing.isDue(created: $0, now: now) } ?? false
                }
                if let target = due.max(by: { Self.coldness($0.storageClass) < Self.coldness($1.storageClass) }),
                    Self.coldness(target.storageClass) > Self.coldness(summary.storageClass)
                {
                    try objects.transition(address, to: target.storageClass, ifLastModified: summary.lastModified)
                    report.transitionedObjects += 1
                }
            }
        }
        if try objects.isVersioned(bucketName) {
            for rule in rules where !rule.versions.isEmpty { try sweepVersions(bucket, rule, now: now, into: &report) }
        }
        for rule in rules {
            guard let abort = rule.abortUploads else { continue }
            try forEachUpload(bucket, prefix: rule.prefix) { upload in
                guard rule.covers(key: upload.key, size: 0), abort.isDue(created: upload.initiated, now: now) else {
                    return
                }
                let address = ObjectAddress(bucket: bucket, key: try ObjectKey(validating: upload.key))
                try? multipart.abort(address, uploadID: upload.uploadID)
                report.abortedUploads += 1
            }
        }
    }

    private func forEachObject(_ bucket: BucketName, prefix: String, _ body: (ObjectSummary) throws -> Void) throws {
        var marker: String?
        while true {
            let page = try objects.listObjects(bucket, prefix: prefix, delimiter: nil, after: marker, maxKeys: 1000)
            for summary in page.rows { try body(summary) }
            guard page.isTruncated, let last = page.rows.last else { return }
            marker = last.key
        }
    }

    private func forEachUpload(_ bucket: BucketName, prefix: String, _ body: (UploadSummary) throws -> Void) throws {
        var keyMarker: String?
        var idMarker: String?
        while true {
            let page = try multipart.listUploads(
                bucket, prefix: prefix, delimiter: nil, keyMarker: keyMarker, uploadIDMarker: idMarker,
                maxUploads: 1000)
            for upload in page.rows { try body(upload) }
            guard page.isTruncated, let last = page.rows.last else { return }
            (keyMarker, idMarker) = (last.key, last.uploadID)
        }
    }

    /// Transitions only go colder.
    static func coldness(_ storageClass: StorageClass) -> Int {
        switch storageClass {
        case .standard: 0
        case .ia: 1
        case .archive: 2
        case .coldArchive: 3
        case .deepColdArchive: 4
        }
    }
}
