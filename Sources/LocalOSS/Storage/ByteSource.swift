/// The bytes of a write, as storage sees them: no sockets, no HTTP. The request body is one (it streams from the
/// socket); tests use bytes in memory.
protocol ByteSource {
    /// The length announced up front (Content-Length), or nil when it is known only at the end (chunked).
    var declaredLength: UInt64? { get }

    /// Hands every chunk, in order, to `first` (digests) and `second` (the file write); the two may overlap with
    /// each other and with reading the next chunk, but each sees every chunk exactly once and in order.
    func forEachChunkOverlapped(
        _ first: (UnsafeRawBufferPointer) throws -> Void, _ second: (UnsafeRawBufferPointer) throws -> Void
    ) throws

    /// Told the MD5 of all the bytes once they have been hashed, so it can be reported without hashing twice.
    func digested(md5: [UInt8])
}

extension ByteSource {
    func digested(md5: [UInt8]) {}
}

/// Bytes already in memory, delivered in chunks of a chosen size.
struct InMemoryBytes: ByteSource {
    let bytes: [UInt8]
    var chunkSize = 1 << 20

    var declaredLength: UInt64? { UInt64(bytes.count) }

    func forEachChunkOverlapped(
        _ first: (UnsafeRawBufferPointer) throws -> Void, _ second: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let chunk = UnsafeRawBufferPointer(rebasing: all[offset..<min(offset + chunkSize, all.count)])
                try first(chunk)
                try second(chunk)
                offset += chunk.count
            }
        }
    }
}
