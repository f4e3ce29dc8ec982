import Foundation

/// The web console's JSON API under `/_localoss/console/api/`, and its page. It acts on storage through the same
/// typed store calls the OSS handlers use, so what it shows and does is what an SDK sees: an upload from the page
/// is a real multipart upload, a part streams from the socket into a blob like any UploadPart. Object keys travel
/// in the `key` query parameter (they contain `/`). Like the rest of the control plane it is never journaled.
struct ConsoleEndpoints {
    static let pathSegment = "console"

    let objects: ObjectStore
    let multipart: MultipartStore

    var routes: [ControlRoute] {
        ConsoleAssets.routes + bucketRoutes + objectRoutes + uploadRoutes
    }

    private var bucketRoutes: [ControlRoute] {
        [
            ControlRoute("GET", "console/api/buckets") { [self] _ in
                try Self.refusals {
                    let buckets = try objects.listBuckets(prefix: nil, marker: nil, limit: 1000)
                    return ControlReply(
                        json: ConsoleBucketList(
                            buckets: try buckets.map {
                                ConsoleBucket($0, try objects.bucketStatistics(BucketName(validating: $0.name)))
                            }))
                }
            },
            ControlRoute("GET", "console/api/buckets/{bucket}") { [self] request in
                try Self.refusals {
                    let name = try BucketName(validating: request.parameters["bucket"] ?? "")
                    let record = try objects.bucket(name)
                    return ControlReply(
                        json: ConsoleBucketDetail(
                            bucket: ConsoleBucket(record, try objects.bucketStatistics(name)),
                            configurations: try objects.configurations.documents(of: name.value),
                            tags: try objects.bucketTags(name).map { ConsoleTag(key: $0.key, value: $0.value) },
                            encryption: try objects.bucketEncryption(name).map {
                                [$0.algorithm.rawValue, $0.keyID].compactMap { $0 }.joined(separator: " ")
                            }, archiveDirectRead: try objects.archiveDirectRead(name)))
                }
            },
            ControlRoute("POST", "console/api/buckets/{bucket}") { [self] request in
                struct Creation: Decodable {
                    var acl: String?
                    var storageClass: String?
                }
                let creation = try request.decode(Creation.self)
                return try Self.refusals {
                    let name = try BucketName(validating: request.parameters["bucket"] ?? "")
                    if try objects.existingBucket(name.value) != nil {
                        throw ControlError(409, "BucketAlreadyExists", "bucket \(name) exists")
                    }
                    try objects.createBucket(
                        name, acl: try creation.acl.map { try CannedACL(header: $0, allowDefault: false) },
                        storageClass: try creation.storageClass.map(Self.storageClass), redundancy: nil)
                    return ControlReply(status: 201, json: ConsoleBucket(try objects.bucket(name), BucketStatistics()))
                }
            },
            ControlRoute("DELETE", "console/api/buckets/{bucket}") { [self] request in
                try Self.refusals {
                    try objects.deleteBucket(try BucketName(validating: request.parameters["bucket"] ?? ""))
                    return .noContent
                }
            },
        ]
    }

    private var objectRoutes: [ControlRoute] {
        [
            // `prefix`, `delimiter` (default `/`; empty for a flat search), `marker`, `max` (default 100).
            ControlRoute("GET", "console/api/buckets/{bucket}/objects") { [self] request in
                try Self.refusals {
                    let name = try BucketName(validating: request.parameters["bucket"] ?? "")
                    let delimiter = request.query["delimiter"] ?? "/"
                    let max = min(max(Int(request.query["max"] ?? "") ?? 100, 1), 1000)
                    let page = try objects.listObjects(
                        name, prefix: request.query["prefix"] ?? "", delimiter: delimiter.isEmpty ? nil : delimiter,
                        after: request.query.nonEmpty("marker"), maxKeys: max)
                    return ControlReply(json: ConsoleObjectPage(page))
                }
            },
            ControlRoute("GET", "console/api/buckets/{bucket}/object") { [self] request in
                try Self.refusals {
                    let address = try Self.address(request)
                    let record = try objects.object(address)
                    let bucket = try objects.bucket(address.bucket)
                    var versions: [ConsoleVersion]?
                    if bucket.versioning != nil {
                        let page = try objects.listVersions(
                            address.bucket, prefix: address.key.value, delimiter: nil, keyMarker: nil,
                            versionIDMarker: nil, maxKeys: 1000)
                        versions = page.rows.filter { $0.key == address.key.value }.map(ConsoleVersion.init)
                    }
                    return ControlReply(
                        json: ConsoleObjectDetail(
                            record, tags: try objects.objectTags(address).1,
                            restore: try objects.restoreState(of: record), versions: versions))
                }
            },
            ControlRoute("DELETE", "console/api/buckets/{bucket}/object") { [self] request in
                try Self.refusals {
                    _ = try objects.deleteObject(try Self.address(request))
                    return .noContent
                }
            },
            ControlRoute("GET", "console/api/buckets/{bucket}/download") { [self] request in
                try Self.refusals {
                    let address = try Self.address(request)
                    let (record, reader) = try objects.openObject(address) { _ in .all }
                    var headers = HTTPHeaders()
                    headers.set("Content-Type", record.metadata.contentType)
                    headers.set("Content-Disposition", Self.attachment(address.key.value))
                    headers.set("ETag", record.etag)
                    headers.set("x-oss-hash-crc64ecma", String(record.crc64))
                    headers.set("Cache-Control", "no-store")
                    return ControlReply(HTTPResponse(status: 200, headers: headers, body: .object(reader)))
                }
            },
            // A small file from the page in one request, streamed like PutObject.
            ControlRoute("PUT", "console/api/buckets/{bucket}/object", streamsBody: true) { [self] request in
                try Self.refusals {
                    let address = try Self.address(request)
                    guard let body = request.stream else { throw ControlError(400, "no body", "send the file") }
                    let record = try objects.putObject(
                        address, body: body,
                        options: ObjectStore.PutOptions(
                            metadata: Self.metadata(request), expected: ExpectedDigests(), acl: .default,
                            storageClass: nil, forbidOverwrite: false))
                    return ControlReply(status: 201, json: ConsoleObjectSummary(record))
                }
            },
        ]
    }

    private var uploadRoutes: [ControlRoute] {
        [
            ControlRoute("GET", "console/api/buckets/{bucket}/uploads") { [self] request in
                try Self.refusals {
                    let name = try BucketName(validating: request.parameters["bucket"] ?? "")
                    let page = try multipart.listUploads(
                        name, prefix: request.query["prefix"] ?? "", delimiter: nil, keyMarker: nil,
                        uploadIDMarker: nil, maxUploads: 1000)
                    let uploads = try page.rows.map { summary in
                        let address = ObjectAddress(bucket: name, key: try ObjectKey(validating: summary.key))
                        let (_, parts, _) = try multipart.listParts(
                            address, uploadID: summary.uploadID, after: 0, maxParts: PartNumber.range.upperBound)
                        return ConsoleUpload(summary, parts: parts)
                    }
                    return ControlReply(json: ConsoleUploadList(uploads: uploads))
                }
            },
            ControlRoute("POST", "console/api/buckets/{bucket}/uploads") { [self] request in
                try Self.refusals {
                    let upload = try multipart.initiate(
                        try Self.address(request),
                        options: MultipartStore.InitiateOptions(
                            metadata: Self.metadata(request), storageClass: nil, acl: .default,
                            forbidOverwrite: false))
                    return ControlReply(status: 201, json: ["uploadId": upload.uploadID, "key": upload.key])
                }
            },
            ControlRoute("PUT", "console/api/buckets/{bucket}/uploads/{upload}/parts/{part}", streamsBody: true) {
                [self] request in
                try Self.refusals {
                    guard let body = request.stream else { throw ControlError(400, "no body", "send the part") }
                    let part = try multipart.uploadPart(
                        try Self.address(request), uploadID: request.parameters["upload"] ?? "",
                        part: try PartNumber(validating: request.parameters["part"] ?? ""), body: body,
                        expected: ExpectedDigests())
                    return ControlReply(json: ConsolePart(part))
                }
            },
            // Every uploaded part, in order (`x-oss-complete-all: yes`).
            ControlRoute("POST", "console/api/buckets/{bucket}/uploads/{upload}/complete") { [self] request in
                try Self.refusals {
                    let record = try multipart.complete(
                        try Self.address(request), uploadID: request.parameters["upload"] ?? "", selection: .all,
                        forbidOverwrite: false, acl: nil)
                    return ControlReply(json: ConsoleObjectSummary(record))
                }
            },
            ControlRoute("DELETE", "console/api/buckets/{bucket}/uploads/{upload}") { [self] request in
                try Self.refusals {
                    try multipart.abort(try Self.address(request), uploadID: request.parameters["upload"] ?? "")
                    return .noContent
                }
            },
        ]
    }

    private static func address(_ request: ControlRequest) throws(OSSError) -> ObjectAddress {
        ObjectAddress(
            bucket: try BucketName(validating: request.parameters["bucket"] ?? ""),
            key: try ObjectKey(validating: request.query["key"] ?? ""))
    }

    /// The Content-Type the page sends with a file (the browser's guess), else OSS's default.
    private static func metadata(_ request: ControlRequest) -> ObjectMetadata {
        let type = request.query.nonEmpty("contentType") ?? "application/octet-stream"
        return ObjectMetadata(contentType: type, headers: [])
    }

    private static func storageClass(_ text: String) throws -> StorageClass {
        guard let storageClass = StorageClass(rawValue: text) else {
            throw ControlError(400, "InvalidStorageClass", "\(text) is not a storage class")
        }
        return storageClass
    }

    /// `attachment` with the key's last segment as the file name, in RFC 5987 form so any UTF-8 survives.
    private static func attachment(_ key: String) -> String {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "download"
        return "attachment; filename*=UTF-8''\(encoded)"
    }

    /// What the stores refuse, as the console's JSON errors: the OSS error code and message, with its status.
    private static func refusals(_ body: () throws -> ControlReply) throws -> ControlReply {
        do {
            return try body()
        } catch let error as OSSError {
            throw ControlError(error.status, error.code.rawValue, error.message)
        }
    }
}
