import Foundation

/// Last access times of objects in buckets that track them (`AccessTracking`).
extension ObjectStore {
    /// When the bucket's access tracking was enabled; nil while it is off (the lifecycle sweep's question; a request
    /// asks its `BucketConfigurations`).
    func accessTrackingSince(_ bucket: String) throws -> Int64? {
        AccessTracking.enabledAt(try configurations.documents(of: bucket))
    }

    /// The access last recorded for the version, nil when none was.
    func recordedAccess(of object: ObjectRecord) throws -> Int64? {
        try metadata.read { try $0.recordedAccess(objectID: object.id) }
    }

    /// The access last recorded for the current version of a key (the lifecycle sweep's question).
    func recordedAccess(_ address: ObjectAddress) throws -> Int64? {
        try metadata.read { catalog in
            try catalog.objectID(bucket: address.bucket.value, key: address.key.value).flatMap {
                try catalog.recordedAccess(objectID: $0)
            }
        }
    }

    func recordAccess(of object: ObjectRecord, at seconds: Int64) throws {
        try metadata.write { try $0.recordAccess(objectID: object.id, at: seconds) }
    }

    /// Records a read's access without the read waiting for it: OSS updates the time asynchronously too. The write
    /// joins the next group commit from a utility thread; a version deleted meanwhile gets no row.
    func recordAccessLater(of object: ObjectRecord, at seconds: Int64) {
        let metadata = metadata
        let id = object.id
        DispatchQueue.global(qos: .utility).async {
            _ = try? metadata.write { try $0.recordAccess(objectID: id, at: seconds) }
        }
    }

    /// A read of an object a `ReturnToStdWhenVisit` transition moved: back to Standard, without the read waiting
    /// (OSS converts it asynchronously too). Only the version still current, still in the class it was read in.
    func returnToStandardLater(_ object: ObjectRecord) {
        guard !object.isNoncurrent else { return }
        let metadata = metadata
        DispatchQueue.global(qos: .utility).async {
            _ = try? metadata.write { catalog in
                guard let current = try catalog.object(bucket: object.bucket, key: object.key),
                    current.id == object.id, current.storageClass == object.storageClass
                else { return }
                try catalog.setStorageClass(id: object.id, .standard)
            }
        }
    }
}
