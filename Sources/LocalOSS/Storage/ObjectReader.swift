#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which bytes of an object a read wants, decided once its record is known.
enum ByteSelection {
    /// None: a condition failed (304, 412) or only the record was needed.
    case nothing
    case all
    case range(offset: Int64, length: Int64)
}

/// An object's bytes, read lazily: a list of extents cut to the requested range, each blob opened only when its
/// bytes are streamed and closed right after. Made from a read snapshot with its blobs pinned, so a concurrent
/// delete or overwrite cannot unlink them before this reader is done; an object of 10,000 parts or appends needs
/// one descriptor at a time, and a 1-byte range opens one file.
final class ObjectReader: @unchecked Sendable {
    struct Piece {
        let blob: String
        let offset: Int64
        let length: Int64
    }

    private let blobs: BlobStore
    private let pinned: [String]
    private(set) var pieces: [Piece]

    init(blobs: BlobStore, extents: [Extent], pinned: [String]) {
        self.blobs = blobs
        self.pinned = pinned
        pieces = extents.map { Piece(blob: $0.blob, offset: 0, length: $0.size) }
    }

    deinit { blobs.unpin(pinned) }

    var length: Int64 { pieces.reduce(0) { $0 + $1.length } }

    /// Keeps only the bytes `offset..<offset+length` of the object (a Range request, a copy-source range).
    func restrict(offset: Int64, length: Int64) {
        var kept: [Piece] = []
        var position: Int64 = 0
        let end = offset + length
        for piece in pieces {
            let pieceEnd = position + piece.length
            let start = max(position, offset)
            let stop = min(pieceEnd, end)
            if start < stop {
                kept.append(Piece(blob: piece.blob, offset: piece.offset + (start - position), length: stop - start))
            }
            position = pieceEnd
        }
        pieces = kept
    }

    /// Opens each piece's blob in turn and hands its descriptor and byte range to `body`.
    func forEachRange(_ body: (_ fd: Int32, _ offset: Int64, _ length: Int64) throws -> Void) throws {
        for piece in pieces {
            let fd = try blobs.openForReading(piece.blob)
            defer { close(fd) }
            try body(fd, piece.offset, piece.length)
        }
    }
}
