/// The kinds of object OSS distinguishes (`x-oss-object-type`).
enum ObjectType: String, Sendable {
    case normal = "Normal"
    case multipart = "Multipart"
    case appendable = "Appendable"
    /// PutSymlink: no bytes of its own; reads follow `ObjectRecord.symlinkTarget` within the bucket.
    case symlink = "Symlink"
}

/// Headers stored with an object and returned on GET/HEAD: Content-Type, the standard representation headers
/// and `x-oss-meta-*`, captured at PutObject or InitiateMultipartUpload, plus the applied server-side encryption
/// (`x-oss-server-side-*`, see `ServerSideEncryption`).
struct ObjectMetadata: Sendable, Equatable {
    static let storedHeaderNames: Set<String> = [
        "cache-control", "content-disposition", "content-encoding", "content-language", "expires",
    ]

    var contentType: String
    /// Lower-cased names, in arrival order.
    var headers: [[String]]

    /// `x-oss-meta-client-side-encryption-*`: the envelope the SDKs' encryption clients need to decrypt the bytes
    /// (oss2 CryptoBucket, alibabacloud-oss-v2 EncryptionClient).
    static let clientSideEncryptionPrefix = "x-oss-meta-client-side-encryption-"

    /// The value of a stored header, by lower-cased name.
    func value(of name: String) -> String? { headers.first { $0.count == 2 && $0[0] == name }?[1] }

    var clientSideEncryptionHeaders: [[String]] {
        headers.filter { $0.count == 2 && $0[0].hasPrefix(Self.clientSideEncryptionPrefix) }
    }
}

/// CopyObject with `x-oss-metadata-directive: REPLACE`: the request's metadata, except what only the source can
/// know. The copied bytes are still encrypted under the source's envelope, so its client-side-encryption headers
/// stay; a request without Content-Type keeps the source's.
struct MetadataReplacement: Sendable {
    var metadata: ObjectMetadata
    var hasContentType: Bool

    func applied(to source: ObjectMetadata) -> ObjectMetadata {
        var result = metadata
        if !hasContentType { result.contentType = source.contentType }
        let envelope = source.clientSideEncryptionHeaders
        if !envelope.isEmpty {
            result.headers =
                result.headers.filter { !($0.first ?? "").hasPrefix(ObjectMetadata.clientSideEncryptionPrefix) }
                + envelope
        }
        return result
    }
}

struct BucketRecord: Sendable {
    let name: String
    let created: Int64
    var acl: CannedACL
    let storageClass: StorageClass
    let redundancy: String
    /// nil until versioning is first enabled; a bucket never returns to nil.
    var versioning: VersioningState? = nil
}

/// PutBucketVersioning's two states (`<Status>`).
enum VersioningState: String, Sendable {
    case enabled = "Enabled"
    case suspended = "Suspended"
}

struct ObjectRecord: Sendable {
    var id: Int64 = 0
    let bucket: String
    let key: String
    let type: ObjectType
    let size: Int64
    /// The ETag with its quotes, e.g. `"5D41402ABC4B2A76B9719D911017C592"` or `"…-3"`.
    let etag: String
    let crc64: UInt64
    /// Base64 MD5 of the bytes, known for single-request writes only.
    let contentMD5: String?
    let lastModified: Int64
    var metadata: ObjectMetadata
    let storageClass: StorageClass
    var acl: CannedACL
    /// The number of tags (`x-oss-tagging-count`); filled by the lookups that answer GET and HEAD.
    var tagCount = 0
    /// The target key of a symlink; filled with `tagCount`.
    var symlinkTarget: String?
    /// nil: the `null` version (every object of a bucket that never enabled versioning).
    var versionID: String? = nil
    /// Orders the versions of one key, newest greatest.
    var versionSeq: Int64 = 0
    /// Stored in `object_versions` (a noncurrent version): its extents are in `version_extents`.
    var isNoncurrent = false

    /// `x-oss-version-id`: "null" for the null version.
    var versionName: String { versionID ?? VersionID.null }
    var extentOwner: ExtentOwner { ExtentOwner(id: id, noncurrent: isNoncurrent) }
}

/// Whose extents to read: a current object's (`extents`) or a noncurrent version's (`version_extents`).
struct ExtentOwner: Sendable {
    let id: Int64
    let noncurrent: Bool
}

/// A delete marker: a version without data that makes its key read as absent while it is current.
struct DeleteMarkerRecord: Sendable {
    let id: Int64
    let bucket: String
    let key: String
    let versionID: String?
    let versionSeq: Int64
    let lastModified: Int64

    var versionName: String { versionID ?? VersionID.null }
}

/// One entry of ListObjectVersions: an object version or a delete marker.
struct VersionSummary: Sendable, ListingRow {
    /// The version's row id (its restore and tags are keyed by it).
    let id: Int64
    let key: String
    let versionID: String?
    let versionSeq: Int64
    let isDeleteMarker: Bool
    let lastModified: Int64
    let etag: String
    let type: ObjectType
    let size: Int64
    let storageClass: StorageClass

    var listingKey: String { key }
    /// The listing position within the key: the sequence number, as text (parsed back by the catalog).
    var listingID: String? { String(versionSeq) }
    var versionName: String { versionID ?? VersionID.null }
}

/// A piece of an object's bytes: a whole immutable blob file. Completed uploads have one extent per part.
struct Extent: Sendable {
    let blob: String
    let size: Int64
}

struct UploadRecord: Sendable {
    let uploadID: String
    let bucket: String
    let key: String
    let initiated: Int64
    var metadata: ObjectMetadata
    let storageClass: StorageClass
    let acl: CannedACL
    let forbidOverwrite: Bool
    /// Started with `?sequential`: Complete computes the Content-MD5 of the whole object.
    let sequential: Bool
}

struct PartRecord: Sendable {
    let number: Int
    let blob: String
    let size: Int64
    let md5: [UInt8]
    let crc64: UInt64
    let lastModified: Int64

    var etag: String { "\"\(Encoding.upperHex(md5))\"" }
}

/// An object as a listing shows it.
struct ObjectSummary: Sendable, ListingRow {
    let key: String
    let lastModified: Int64
    let etag: String
    let type: ObjectType
    let size: Int64
    let storageClass: StorageClass

    var listingKey: String { key }
    var listingID: String? { nil }
}

/// An in-progress upload as ListMultipartUploads shows it.
struct UploadSummary: Sendable, ListingRow {
    let key: String
    let uploadID: String
    let initiated: Int64
    let storageClass: StorageClass

    var listingKey: String { key }
    var listingID: String? { uploadID }
}

/// One of the configurations a bucket holds many of (an inventory configuration, a live channel, an access point):
/// its document as the protocol layer wrote it, under its family and name.
struct NamedConfiguration: Sendable, Equatable {
    let bucket: String
    let family: String
    let name: String
    let document: String
    /// Server-clock seconds of the last write.
    let modified: Int64
}
