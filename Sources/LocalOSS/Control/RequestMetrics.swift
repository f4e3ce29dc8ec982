import Foundation

/// Counters of answered OSS requests, kept as plain arrays under one lock so that recording a request costs a
/// dictionary lookup and a few increments; all formatting happens when `/_localoss/metrics` is scraped. Operations
/// are counted by name, so a new operation needs nothing here.
///
/// `@unchecked Sendable`: every array is guarded by `lock`.
final class RequestMetrics: @unchecked Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds (`+Inf` is implied).
    static let latencyBounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
    /// Statuses 100...599 each have a counter per operation.
    private static let statusBase = 100
    private static let statusCount = 500

    private let lock = NSLock()
    /// Row of `requests` per operation name, in order of first appearance.
    private var rows: [String: Int] = [:]
    private var names: [String] = []
    /// `statusCount` counters per row.
    private var requests: [UInt64] = []
    private var latencyBuckets: [UInt64]
    private var latencyCount: UInt64 = 0
    private var latencySumNanos: UInt64 = 0
    private var bodyBytesIn: UInt64 = 0
    private var bodyBytesOut: UInt64 = 0
    private let latencyBoundsNanos: [UInt64]

    init() {
        latencyBuckets = Array(repeating: 0, count: Self.latencyBounds.count)
        latencyBoundsNanos = Self.latencyBounds.map { UInt64($0 * 1e9) }
    }

    /// `operation`: OSS's name of it (`PutObject`), or `Unknown` for a request the router refused.
    func record(operation: String, status: Int, durationNanos: UInt64, bytesIn: UInt64, bytesOut: UInt64) {
        let statusIndex = min(max(status - Self.statusBase, 0), Self.statusCount - 1)
        let bucket = latencyBoundsNanos.firstIndex { durationNanos <= $0 }
        lock.lock()
        let row: Int
        if let known = rows[operation] {
            row = known
        } else {
            row = names.count
            rows[operation] = row
            names.append(operation)
            requests.append(contentsOf: repeatElement(0, count: Self.statusCount))
        }
        requests[row * Self.statusCount + statusIndex] &+= 1
        if let bucket { latencyBuckets[bucket] &+= 1 }
        latencyCount &+= 1
        latencySumNanos &+= durationNanos
        bodyBytesIn &+= bytesIn
        bodyBytesOut &+= bytesOut
        lock.unlock()
    }

    struct Snapshot {
        /// (operation, status, count), for counters that are not zero.
        var requests: [(String, Int, UInt64)]
        /// Per bucket, not cumulative.
        var latencyBuckets: [UInt64]
        var latencyCount: UInt64
        var latencySumSeconds: Double
        var bodyBytesIn: UInt64
        var bodyBytesOut: UInt64
    }

    func snapshot() -> Snapshot {
        let (names, requests, buckets, count, sum, bytesIn, bytesOut) = lock.withLock {
            (self.names, self.requests, latencyBuckets, latencyCount, latencySumNanos, bodyBytesIn, bodyBytesOut)
        }
        var found: [(String, Int, UInt64)] = []
        for (index, value) in requests.enumerated() where value > 0 {
            found.append(
                (names[index / Self.statusCount], Self.statusBase + index % Self.statusCount, value))
        }
        return Snapshot(
            requests: found, latencyBuckets: buckets, latencyCount: count, latencySumSeconds: Double(sum) / 1e9,
            bodyBytesIn: bytesIn, bodyBytesOut: bytesOut)
    }
}

/// Gauges read when the metrics are scraped.
struct ScrapeGauges {
    var openConnections: Int
    var storage: StorageStatistics?
}

/// The Prometheus text exposition format (version 0.0.4) of the server's metrics.
enum MetricsExposition {
    static let contentType = "text/plain; version=0.0.4"

    static func render(_ metrics: RequestMetrics.Snapshot, _ gauges: ScrapeGauges) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("localoss_requests_total", "counter", "OSS requests answered, by operation and HTTP status.")
        for (operation, status, count) in metrics.requests {
            out += "localoss_requests_total{operation=\"\(operation)\",status=\"\(status)\"} \(count)\n"
        }
        family(
            "localoss_request_duration_seconds", "histogram",
            "Time from a request's head to its reply being ready (a GET's body streams afterwards).")
        var cumulative: UInt64 = 0
        for (bound, count) in zip(RequestMetrics.latencyBounds, metrics.latencyBuckets) {
            cumulative += count
            out += "localoss_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "localoss_request_duration_seconds_bucket{le=\"+Inf\"} \(metrics.latencyCount)\n"
        out += "localoss_request_duration_seconds_sum \(metrics.latencySumSeconds)\n"
        out += "localoss_request_duration_seconds_count \(metrics.latencyCount)\n"
        family("localoss_request_body_bytes_total", "counter", "Request body bytes received by OSS requests.")
        out += "localoss_request_body_bytes_total \(metrics.bodyBytesIn)\n"
        family("localoss_response_body_bytes_total", "counter", "Response body bytes sent for OSS requests.")
        out += "localoss_response_body_bytes_total \(metrics.bodyBytesOut)\n"
        family("localoss_open_connections", "gauge", "Client connections open now.")
        out += "localoss_open_connections \(gauges.openConnections)\n"
        if let storage = gauges.storage {
            family(
                "localoss_uploads_in_progress", "gauge", "Multipart uploads initiated and not yet completed or aborted."
            )
            out += "localoss_uploads_in_progress \(storage.uploads)\n"
            family("localoss_parts", "gauge", "Parts stored for uploads in progress.")
            out += "localoss_parts \(storage.parts)\n"
            family("localoss_objects", "gauge", "Objects stored.")
            out += "localoss_objects \(storage.objects)\n"
            family("localoss_blob_bytes", "gauge", "Bytes of the blob files that objects and parts use (shared once).")
            out += "localoss_blob_bytes \(storage.blobBytes)\n"
        }
        return out
    }
}

/// A fixed index per operation name, so counting a request needs no string work.
