import Foundation

/// `POST /_localoss/reset[?bucket=B]` and `/_localoss/snapshots[/{name}[/restore]]`: start a test from a known
/// state. The journal, fault rules and the clock are not state: they have their own endpoints.
struct StateEndpoints {
    let state: StateStore
    /// Run after a reset (with its bucket, nil for all) or a restore (nil): what holds requests of the old state
    /// (buffered access-log lines) lets them go.
    var afterChange: @Sendable (_ bucket: String?) -> Void = { _ in }

    var routes: [ControlRoute] {
        [
            ControlRoute("POST", "reset") { [state, afterChange] request in
                let bucket = request.query["bucket"]
                if let bucket, bucket.isEmpty {
                    throw ControlError(400, "invalid bucket", "reset?bucket= needs a bucket name")
                }
                let reply = ControlReply(json: try Self.refusals { try state.reset(bucket: bucket) })
                afterChange(bucket)
                return reply
            },
            ControlRoute("GET", "snapshots") { [state] _ in
                ControlReply(json: SnapshotList(snapshots: try state.snapshots().map(SnapshotReply.init)))
            },
            ControlRoute("POST", "snapshots/{name}") { [state] request in
                let record = try Self.refusals { try state.createSnapshot(request.parameters["name"] ?? "") }
                return ControlReply(status: 201, json: SnapshotReply(record))
            },
            ControlRoute("POST", "snapshots/{name}/restore") { [state, afterChange] request in
                let reply = ControlReply(
                    json: SnapshotReply(try Self.refusals { try state.restore(request.parameters["name"] ?? "") }))
                afterChange(nil)
                return reply
            },
            ControlRoute("DELETE", "snapshots/{name}") { [state] request in
                try Self.refusals { try state.deleteSnapshot(request.parameters["name"] ?? "") }
                return .noContent
            },
        ]
    }

    /// The store's refusals as control-plane errors; anything else (a database failure) propagates.
    private static func refusals<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as StateStore.Failure {
            switch failure {
            case .noSuchBucket(let name):
                throw ControlError(404, "no such bucket", "bucket \(name) does not exist")
            case .noSuchSnapshot(let name):
                throw ControlError(404, "no such snapshot", "snapshot \(name) does not exist")
            case .snapshotExists(let name):
                throw ControlError(
                    409, "snapshot exists", "snapshot \(name) exists: delete it first or pick another name")
            case .invalidSnapshotName(let name):
                throw ControlError(
                    400, "invalid snapshot name", "\(name): 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'")
            }
        }
    }
}

struct SnapshotList: Encodable {
    var snapshots: [SnapshotReply]
}

struct SnapshotReply: Encodable {
    var name: String
    var created: String
    var buckets: Int64
    var objects: Int64
    var uploads: Int64

    init(_ record: SnapshotRecord) {
        name = record.name
        created = ControlTime.format(micros: record.created)
        buckets = record.counts.buckets
        objects = record.counts.objects
        uploads = record.counts.uploads
    }
}
