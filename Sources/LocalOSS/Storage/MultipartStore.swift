/// In-progress multipart uploads and their parts, and completion into objects. Parts are immutable blobs; a part
/// row is written only after its blob is complete and verified, and completion moves no bytes.
struct MultipartStore: Sendable {
    /// OSS's minimum size of every part but the last listed one (100 KiB).
    static let defaultMinimumPartSize: Int64 = 102_400

    let metadata: MetadataStore
    let blobs: BlobStore
    let objects: ObjectStore
    /// CompleteMultipartUpload's EntityTooSmall limit; `--min-part-size` lowers it for fast tests with tiny parts.
    var minimumPartSize = MultipartStore.defaultMinimumPartSize
    /// Initiation and part Last-Modified times.
    var clock = ServerClock.system
    var uploadIDs = UploadIDGenerator()

    struct InitiateOptions {
        var metadata: ObjectMetadata
        /// nil: the bucket's storage class.
        var storageClass: StorageClass?
        var acl: CannedACL
        var forbidOverwrite: Bool
        /// `?sequential`: the completed object gets the Content-MD5 of its whole content.
        var sequential = false
        /// `x-oss-tagging`, validated at Initiate and given to the object at Complete.
        var tags: [Tag] = []
    }

    func initiate(_ address: ObjectAddress, options: InitiateOptions) throws -> UploadRecord {
        try metadata.write { catalog in
            let bucket = try catalog.requireBucket(address.bucket.value)
            let upload = UploadRecord(
                uploadID: uploadIDs.next(), bucket: address.bucket.value, key: address.key.value,
                initiated: clock.now(),
                metadata: try options.metadata.withBucketDefault { try catalog.bucketEncryption(bucket.name) },
                storageClass: options.storageClass ?? bucket.storageClass, acl: options.acl,
                forbidOverwrite: options.forbidOverwrite, sequential: options.sequential)
            try catalog.insertUpload(upload)
            if !options.tags.isEmpty { try catalog.setUploadTags(uploadID: upload.uploadID, options.tags) }
            return upload
        }
    }

    func uploadPart(
        _ address: ObjectAddress, uploadID: String, part: PartNumber, body: some ByteSource, expected: ExpectedDigests
    ) throws -> PartRecord {
        try uploadPartOfUpload(address, uploadID: uploadID, part: part, body: body, expected: expected).part
    }

    /// UploadPart, also giving the upload it belongs to (its reply echoes the upload's server-side encryption).
    func uploadPartOfUpload(
        _ address: ObjectAddress, uploadID: String, part: PartNumber, body: some ByteSource, expected: ExpectedDigests
    ) throws -> (part: PartRecord, upload: UploadRecord) {
        let notFoundEC = "0042-00000104"
        let upload = try metadata.read { try requireUpload($0, address, uploadID, ec: notFoundEC) }
        let (staged, summary) = try BodyIngest(blobs: blobs).ingest(body, expected: expected)
        return (try store(staged, summary, address: address, uploadID: uploadID, part: part, ec: notFoundEC), upload)
    }

    /// Copies a byte range of an existing object into a part. `check` sees the source first (copy conditions).
    func uploadPartCopy(
        _ address: ObjectAddress, uploadID: String, part: PartNumber, source: CopySource,
        range: (ObjectRecord) throws -> (offset: Int64, length: Int64)?, check: (ObjectRecord) throws -> Void
    ) throws -> PartRecord {
        let notFoundEC = "0042-00000311"
        let (_, reader) = try objects.pinnedRead { catalog in
            _ = try requireUpload(catalog, address, uploadID, ec: notFoundEC)
            let object = try catalog.copySource(source)
            if object.type == .appendable {
                throw OSSError(.objectNotAppendable, "An appendable object can not be the source of UploadPartCopy.")
            }
            if object.type == .symlink {
                throw OSSError(
                    .invalidArgument, "A symlink can not be the source of UploadPartCopy.", ec: "0042-00000308")
            }
            try check(object)
            try objects.requireReadable(object, catalog)
            let selection: ByteSelection =
                try range(object).map { .range(offset: $0.offset, length: $0.length) } ?? .all
            return ((), selection, object.extentOwner)
        }
        let (staged, summary) = try BodyIngest(blobs: blobs).ingest(copying: reader)
        return try store(staged, summary, address: address, uploadID: uploadID, part: part, ec: notFoundEC)
    }

    /// Bytes first, then one transaction that still finds the upload; the replaced part's blob goes after commit.
    private func store(
        _ staged: BlobStore.StagedBlob, _ summary: BodySummary, address: ObjectAddress, uploadID: String,
        part: PartNumber, ec: String
    ) throws -> PartRecord {
        let blob = try blobs.commit(staged)
        let record = PartRecord(
            number: part.value, blob: blob, size: Int64(summary.length), md5: summary.md5, crc64: summary.crc64,
            lastModified: clock.now())
        do {
            let replaced = try metadata.write { catalog in
                _ = try requireUpload(catalog, address, uploadID, ec: ec)
                return try catalog.unreferenced([try catalog.replacePart(record, uploadID: uploadID)].compactMap { $0 })
            }
            FaultInjection.reach(.partCommitted)
            blobs.remove(replaced)
        } catch {
            blobs.remove([blob])
            throw error
        }
        return record
    }

    enum PartSelection {
        /// The client's list: part numbers and ETags as sent.
        case listed([(number: Int, etag: String)])
        /// `x-oss-complete-all: yes`: every uploaded part, ascending.
        case all
    }

    func complete(
        _ address: ObjectAddress, uploadID: String, selection: PartSelection, forbidOverwrite: Bool, acl: CannedACL?
    ) throws -> ObjectRecord {
        let precomputed = sequentialDigest(address, uploadID: uploadID, selection: selection)
        let (object, released) = try metadata.write { catalog in
            let upload = try requireUpload(catalog, address, uploadID, ec: "0042-00000002")
            let bucket = try catalog.requireBucket(address.bucket.value)
            let uploaded = try catalog.parts(uploadID: uploadID, after: 0, limit: PartNumber.range.upperBound)
            let chosen = try Self.choose(selection, from: uploaded)
            for part in chosen.dropLast() where part.size < minimumPartSize {
                throw OSSError(
                    .entityTooSmall, "Your proposed upload is smaller than the minimum allowed size.",
                    details: [("PartNumber", String(part.number)), ("MinSizeAllowed", String(minimumPartSize))])
            }
            if upload.forbidOverwrite || forbidOverwrite, bucket.versioning == nil,
                try catalog.object(bucket: upload.bucket, key: upload.key) != nil
            {
                throw ObjectStore.fileAlreadyExists
            }
            try objects.guardExisting(upload.key, in: bucket, .overwrite, catalog)
            var contentMD5: String?
            if upload.sequential {
                // Hashed before the write lock; only if a chosen part was replaced meanwhile is it hashed again here.
                if let precomputed, precomputed.blobs == chosen.map(\.blob) {
                    contentMD5 = precomputed.contentMD5
                } else {
                    contentMD5 = try wholeContentMD5(chosen)
                }
            }
            var object = Self.assemble(
                upload, parts: chosen, acl: acl, contentMD5: contentMD5, lastModified: clock.now())
            let tags = try catalog.uploadTags(uploadID: uploadID)
            var released = try objects.installVersion(
                &object, extents: chosen.map { Extent(blob: $0.blob, size: $0.size) }, bucket: bucket, catalog)
            if !tags.isEmpty { try ObjectStore.attach(tags: tags, to: object, catalog) }
            let kept = Set(chosen.map(\.blob))
            released += try catalog.deleteUpload(uploadID).filter { !kept.contains($0) }
            FaultInjection.reach(.completeBeforeCommit)
            return (object, try catalog.unreferenced(released))
        }
        FaultInjection.reach(.completeCommitted)
        blobs.remove(released)
        return object
    }

    /// For a sequential upload, the Content-MD5 of the parts Complete will choose, read outside any write
    /// transaction; nil when the upload is not sequential or Complete is going to fail anyway.
    private func sequentialDigest(_ address: ObjectAddress, uploadID: String, selection: PartSelection) -> (
        blobs: [String], contentMD5: String
    )? {
        guard
            let chosen = try? metadata.read({ catalog -> [PartRecord]? in
                guard try requireUpload(catalog, address, uploadID, ec: "0042-00000002").sequential else { return nil }
                let uploaded = try catalog.parts(uploadID: uploadID, after: 0, limit: PartNumber.range.upperBound)
                return try Self.choose(selection, from: uploaded)
            }) ?? nil,
            let contentMD5 = try? wholeContentMD5(chosen)
        else { return nil }
        return (chosen.map(\.blob), contentMD5)
    }

    /// Base64 MD5 of the parts' bytes in order: the object's content, as a single PutObject would report it.
    private func wholeContentMD5(_ parts: [PartRecord]) throws -> String {
        let digest = EVPDigest(.md5)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        for part in parts {
            let fd = try blobs.openForReading(part.blob)
            defer { close(fd) }
            var offset: Int64 = 0
            while offset < part.size {
                let count = pread(
                    fd, buffer.baseAddress, Int(min(Int64(buffer.count), part.size - offset)), off_t(offset))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw POSIXFailure("pread") }
                digest.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                offset += Int64(count)
            }
        }
        return Encoding.base64(digest.finalize())
    }

    func abort(_ address: ObjectAddress, uploadID: String) throws {
        let released = try metadata.write { catalog in
            _ = try requireUpload(catalog, address, uploadID, ec: "0042-00000002")
            return try catalog.unreferenced(try catalog.deleteUpload(uploadID))
        }
        FaultInjection.reach(.abortCommitted)
        blobs.remove(released)
    }

    func listParts(_ address: ObjectAddress, uploadID: String, after marker: Int, maxParts: Int) throws -> (
        UploadRecord, [PartRecord], isTruncated: Bool
    ) {
        try metadata.read { catalog in
            let upload = try requireUpload(catalog, address, uploadID, ec: "0042-00000002")
            var parts = try catalog.parts(uploadID: uploadID, after: marker, limit: maxParts + 1)
            let isTruncated = parts.count > maxParts
            if isTruncated { parts.removeLast() }
            return (upload, parts, isTruncated)
        }
    }

    func listUploads(
        _ bucket: BucketName, prefix: String, delimiter: String?, keyMarker: String?, uploadIDMarker: String?,
        maxUploads: Int
    ) throws -> ListingPage<UploadSummary> {
        try metadata.read { catalog in
            _ = try catalog.requireBucket(bucket.value)
            let start: ListingPosition = keyMarker.map { .after(key: $0, id: uploadIDMarker) } ?? .beginning
            return try ListingWalker.walk(
                prefix: prefix, delimiter: delimiter, start: start, marker: keyMarker, maxEntries: maxUploads
            ) { position, limit in
                try catalog.uploadSummaries(bucket: bucket.value, prefix: prefix, from: position, limit: limit)
            }
        }
    }

    private func requireUpload(_ catalog: Catalog, _ address: ObjectAddress, _ uploadID: String, ec: String) throws
        -> UploadRecord
    {
        _ = try catalog.requireBucket(address.bucket.value)
        guard let upload = try catalog.upload(uploadID, bucket: address.bucket.value, key: address.key.value) else {
            throw OSSError.noSuchUpload(uploadID, ec: ec)
        }
        return upload
    }

    /// Checks the client's part list against the stored parts, in OSS's order of rules.
    static func choose(_ selection: PartSelection, from uploaded: [PartRecord]) throws -> [PartRecord] {
        switch selection {
        case .all:
            guard !uploaded.isEmpty else {
                throw OSSError(.invalidPart, "There is no part uploaded for this upload.")
            }
            return uploaded
        case .listed(let listed):
            for entry in listed where !PartNumber.range.contains(entry.number) {
                throw OSSError(
                    .invalidPart, "Part number must be an integer between 1 and 10000, inclusive.",
                    details: [("PartNumber", String(entry.number))])
            }
            for (previous, next) in zip(listed, listed.dropFirst()) where next.number <= previous.number {
                throw OSSError(
                    .invalidPartOrder,
                    "The list of parts was not in ascending order. The parts list must be specified in order by part number."
                )
            }
            let byNumber = Dictionary(uniqueKeysWithValues: uploaded.map { ($0.number, $0) })
            return try listed.map { entry in
                guard let part = byNumber[entry.number],
                    normalizedETag(entry.etag) == Encoding.upperHex(part.md5)
                else {
                    throw OSSError(
                        .invalidPart,
                        "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
                        details: [("PartNumber", String(entry.number)), ("ETag", entry.etag)])
                }
                return part
            }
        }
    }

    /// Spaces trimmed, one pair of surrounding quotes dropped, upper-cased. On bytes: it runs on every GET and HEAD
    /// (conditions), and the character-wise version cost as much as the metadata query.
    static func normalizedETag(_ etag: String) -> String {
        var bytes = Array(etag.utf8)[...]
        while bytes.first == UInt8(ascii: " ") { bytes = bytes.dropFirst() }
        while bytes.last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
        if bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") {
            bytes = bytes.dropFirst().dropLast()
        }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return String(decoding: bytes, as: UTF8.self).uppercased() }
        return String(
            decoding: bytes.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// The completed object: multipart ETag (MD5 of the binary part MD5s, `-N`) and CRC64 combined from the parts.
    static func assemble(
        _ upload: UploadRecord, parts: [PartRecord], acl: CannedACL?, contentMD5: String? = nil,
        lastModified: Int64 = ServerClock.system.now()
    ) -> ObjectRecord {
        let md5 = EVPDigest(.md5)
        var crc: UInt64 = 0
        var size: Int64 = 0
        var shifts: [Int64: CRC64.Shift] = [:]  // parts mostly share one size
        for part in parts {
            md5.update(part.md5)
            if part.size > 0 {
                let shift = shifts[part.size] ?? CRC64.Shift(length: UInt64(part.size))
                shifts[part.size] = shift
                crc = shift.combine(crc, part.crc64)
            }
            size += part.size
        }
        return ObjectRecord(
            bucket: upload.bucket, key: upload.key, type: .multipart, size: size,
            etag: "\"\(Encoding.upperHex(md5.finalize()))-\(parts.count)\"", crc64: crc, contentMD5: contentMD5,
            lastModified: lastModified, metadata: upload.metadata, storageClass: upload.storageClass,
            acl: acl ?? upload.acl)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
