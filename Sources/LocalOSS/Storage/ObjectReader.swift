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
        /// An inline blob's bytes, copied inside the read snapshot (nothing to open or pin).
        let inline: [UInt8]?
    }

    /// Bytes handed out by `forEachChunk`: a range of an open blob file, or bytes in memory.
    enum Chunk {
        case file(fd: Int32, offset: Int64, length: Int64)
        case memory(UnsafeRawBufferPointer)
    }

    private let blobs: BlobStore
    private let pinned: [String]
    private(set) var pieces: [Piece]

    /// `inline`: the bytes of the extents whose blobs are inline, by blob name.
    init(blobs: BlobStore, extents: [Extent], pinned: [String], inline: [String: [UInt8]] = [:]) {
        self.blobs = blobs
        self.pinned = pinned
        pieces = extents.map { Piece(blob: $0.blob, offset: 0, length: $0.size, inline: inline[$0.blob]) }
    }

    deinit { blobs.unpin(pinned) }

    var length: Int64 { pieces.reduce(0) { $0 + $1.length } }

    /// The whole body when it is one piece held in memory: a small object, sent with its head in one write.
    var bytesInMemory: ArraySlice<UInt8>? {
        guard pieces.count == 1, let bytes = pieces[0].inline else { return pieces.isEmpty ? [] : nil }
        let start = Int(pieces[0].offset)
        return bytes[start..<start + Int(pieces[0].length)]
    }

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
                kept.append(
                    Piece(
                        blob: piece.blob, offset: piece.offset + (start - position), length: stop - start,
                        inline: piece.inline))
            }
            position = pieceEnd
        }
        pieces = kept
    }

    /// Hands each piece's bytes to `body` in order, opening a file blob only for its turn.
    func forEachChunk(_ body: (Chunk) throws -> Void) throws {
        for piece in pieces {
            if let bytes = piece.inline {
                try bytes.withUnsafeBytes { all in
                    let start = Int(piece.offset)
                    try body(.memory(UnsafeRawBufferPointer(rebasing: all[start..<start + Int(piece.length)])))
                }
                continue
            }
            let fd = try blobs.openForReading(piece.blob)
            defer { close(fd) }
            try body(.file(fd: fd, offset: piece.offset, length: piece.length))
        }
    }
}
