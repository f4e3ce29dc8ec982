/// What the client declared about a body: Content-MD5, and the SHA-256 a V4 signature covers.
struct ExpectedDigests {
    var md5: [UInt8]?
    var sha256: [UInt8]?
}

/// Streams a request body into a staged blob, hashing it on the way (one pass), and checks it against what the
/// client declared. On any failure the staged file is gone and nothing else has changed.
struct BodyIngest {
    /// OSS's largest single write (PutObject, UploadPart): 5 GiB.
    static let maxSize: UInt64 = 5 * 1024 * 1024 * 1024

    let blobs: BlobStore

    func ingest(_ body: some ByteSource, expected: ExpectedDigests) throws -> (BlobStore.StagedBlob, BodySummary) {
        if let declared = body.declaredLength, declared > Self.maxSize { throw Self.tooLarge }
        let digests = BodyDigests(includeSHA256: expected.sha256 != nil)
        let staged = try blobs.stage { write in
            try body.forEachChunkOverlapped(
                { chunk in
                    digests.update(chunk)
                    if digests.length > Self.maxSize { throw Self.tooLarge }
                },
                { chunk in try write(chunk) })
        }
        let summary = digests.finish()
        body.digested(md5: summary.md5)
        if let md5 = expected.md5, md5 != summary.md5 {
            blobs.discard(staged)
            throw OSSError.invalidDigest
        }
        if let sha256 = expected.sha256, sha256 != summary.sha256 {
            blobs.discard(staged)
            throw OSSError.payloadHashMismatch
        }
        return (staged, summary)
    }

    /// A body whose declared length is at most `InlineBlob.maxSize`, read into memory and hashed: the bytes of an
    /// inline blob. Nil (nothing read) for a larger or chunked body, which goes to a file.
    func ingestSmall(_ body: some ByteSource, expected: ExpectedDigests) throws -> ([UInt8], BodySummary)? {
        guard let declared = body.declaredLength, declared <= UInt64(InlineBlob.maxSize) else { return nil }
        guard blobs.acceptsNewBytes else { throw OSSError.insufficientStorage }
        let digests = BodyDigests(includeSHA256: expected.sha256 != nil)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(declared))
        try body.forEachChunkOverlapped(
            { chunk in digests.update(chunk) }, { chunk in bytes.append(contentsOf: chunk) })
        let summary = digests.finish()
        body.digested(md5: summary.md5)
        if let md5 = expected.md5, md5 != summary.md5 { throw OSSError.invalidDigest }
        if let sha256 = expected.sha256, sha256 != summary.sha256 { throw OSSError.payloadHashMismatch }
        return (bytes, summary)
    }

    /// Copies an object's bytes (cut to a range) into a staged blob, hashing them.
    func ingest(copying source: ObjectReader) throws -> (BlobStore.StagedBlob, BodySummary) {
        let digests = BodyDigests()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        let staged = try blobs.stage { write in
            try source.forEachChunk { chunk in
                guard case .file(let fd, let start, let length) = chunk else {
                    if case .memory(let bytes) = chunk {
                        digests.update(bytes)
                        try write(bytes)
                    }
                    return
                }
                var offset = start
                let end = start + length
                while offset < end {
                    let wanted = Int(min(Int64(buffer.count), end - offset))
                    let count = pread(fd, buffer.baseAddress, wanted, off_t(offset))
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { throw POSIXFailure("pread") }
                    let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                    digests.update(chunk)
                    try write(chunk)
                    offset += Int64(count)
                }
            }
        }
        return (staged, digests.finish())
    }

    private static let tooLarge = OSSError(
        .entityTooLarge, "Your proposed upload exceeds the maximum allowed object size.")
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
