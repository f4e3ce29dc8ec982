/// The JSON shapes of the console's API. Times are ISO 8601 on the server clock, like the rest of the control
/// plane; ETags keep their quotes; CRC64 is the decimal text `x-oss-hash-crc64ecma` carries.
enum ConsoleTime {
    static func format(seconds: Int64) -> String { ControlTime.format(micros: seconds * 1_000_000) }
}

struct ConsoleBucketList: Encodable {
    var buckets: [ConsoleBucket]
}

struct ConsoleBucket: Encodable {
    var name: String
    var created: String
    var acl: String
    var storageClass: String
    var redundancy: String
    /// `Enabled`, `Suspended`, or nil for a bucket that never enabled versioning.
    var versioning: String?
    var objects: Int64
    var bytes: Int64
    var uploads: Int64
    var parts: Int64

    init(_ record: BucketRecord, _ figures: BucketStatistics) {
        name = record.name
        created = ConsoleTime.format(seconds: record.created)
        acl = record.acl.rawValue
        storageClass = record.storageClass.rawValue
        redundancy = record.redundancy
        versioning = record.versioning?.rawValue
        objects = figures.objects
        bytes = figures.bytes
        uploads = figures.uploads
        parts = figures.parts
    }
}

struct ConsoleTag: Encodable {
    var key: String
    var value: String
}

struct ConsoleBucketDetail: Encodable {
    var bucket: ConsoleBucket
    /// Stored configuration documents by sub-resource name (`cors`, `lifecycle`, …), as XML.
    var configurations: [String: String]
    var tags: [ConsoleTag]
    /// The default server-side encryption (`AES256`, `KMS`, `SM4`, a KMS key id after a space); nil: none.
    var encryption: String?
    var archiveDirectRead: Bool
}

struct ConsoleObjectSummary: Encodable {
    var key: String
    var size: Int64
    var etag: String
    var lastModified: String
    var storageClass: String
    var type: String

    init(_ summary: ObjectSummary) {
        key = summary.key
        size = summary.size
        etag = summary.etag
        lastModified = ConsoleTime.format(seconds: summary.lastModified)
        storageClass = summary.storageClass.rawValue
        type = summary.type.rawValue
    }

    init(_ record: ObjectRecord) {
        key = record.key
        size = record.size
        etag = record.etag
        lastModified = ConsoleTime.format(seconds: record.lastModified)
        storageClass = record.storageClass.rawValue
        type = record.type.rawValue
    }
}

/// One page of a folder: the sub-folders (common prefixes) and objects, and where the next page starts.
struct ConsoleObjectPage: Encodable {
    var prefixes: [String]
    var objects: [ConsoleObjectSummary]
    var isTruncated: Bool
    var nextMarker: String?

    init(_ page: ListingPage<ObjectSummary>) {
        prefixes = page.commonPrefixes
        objects = page.rows.map(ConsoleObjectSummary.init)
        isTruncated = page.isTruncated
        nextMarker = page.isTruncated ? page.entries.last?.key : nil
    }
}

struct ConsoleVersion: Encodable {
    var versionId: String
    var isDeleteMarker: Bool
    var size: Int64
    var etag: String
    var lastModified: String

    init(_ summary: VersionSummary) {
        versionId = summary.versionName
        isDeleteMarker = summary.isDeleteMarker
        size = summary.size
        etag = summary.etag
        lastModified = ConsoleTime.format(seconds: summary.lastModified)
    }
}

struct ConsoleObjectDetail: Encodable {
    var key: String
    var size: Int64
    var etag: String
    var crc64: String
    var contentType: String
    var lastModified: String
    var storageClass: String
    var type: String
    var acl: String
    var versionId: String?
    /// Stored headers: `x-oss-meta-*` user metadata and the standard ones (Cache-Control, …), as name/value pairs.
    var metadata: [[String]]
    var tags: [ConsoleTag]
    /// `x-oss-restore` as OSS would send it; nil when the object is not being or has not been restored.
    var restore: String?
    var symlinkTarget: String?
    /// Every version of the key, newest first, when the bucket has versioning.
    var versions: [ConsoleVersion]?

    init(_ record: ObjectRecord, tags: [Tag], restore: RestoreState, versions: [ConsoleVersion]?) {
        key = record.key
        size = record.size
        etag = record.etag
        crc64 = String(record.crc64)
        contentType = record.metadata.contentType
        lastModified = ConsoleTime.format(seconds: record.lastModified)
        storageClass = record.storageClass.rawValue
        type = record.type.rawValue
        acl = record.acl.rawValue
        versionId = record.versionID
        metadata = record.metadata.headers
        self.tags = tags.map { ConsoleTag(key: $0.key, value: $0.value) }
        self.restore = restore.headerValue
        symlinkTarget = record.symlinkTarget
        self.versions = versions
    }
}

struct ConsoleUploadList: Encodable {
    var uploads: [ConsoleUpload]
}

struct ConsoleUpload: Encodable {
    var key: String
    var uploadId: String
    var initiated: String
    var storageClass: String
    var parts: [ConsolePart]

    init(_ summary: UploadSummary, parts: [PartRecord]) {
        key = summary.key
        uploadId = summary.uploadID
        initiated = ConsoleTime.format(seconds: summary.initiated)
        storageClass = summary.storageClass.rawValue
        self.parts = parts.map(ConsolePart.init)
    }
}

struct ConsolePart: Encodable {
    var number: Int
    var size: Int64
    var etag: String
    var crc64: String
    var lastModified: String

    init(_ part: PartRecord) {
        number = part.number
        size = part.size
        etag = part.etag
        crc64 = String(part.crc64)
        lastModified = ConsoleTime.format(seconds: part.lastModified)
    }
}
