/// Small objects keep their bytes in the metadata database instead of a file: a 4 KiB PUT then costs one row in
/// the transaction that commits the object, not a file create, write, rename and (on overwrite) unlink — ext4's
/// inode work was most of a small PUT's time. An inline blob is named like a file blob and shared by copies the
/// same way (extents and parts name it); its row is deleted in the transaction that drops the last reference.
///
/// Only PutObject writes them (bodies with a declared length up to `maxSize`), so an object has at most one inline
/// extent, and a reader copies its bytes inside its read snapshot instead of pinning a file.
enum InlineBlob {
    /// 64 KiB: at most this much of a request is held in memory, per worker; larger bodies stream to files.
    static let maxSize = 64 * 1024

    /// File blobs are 32 lowercase hex digits; an inline name starts with a letter hex never uses.
    static func newName() -> String { "i" + Encoding.lowerHex(RandomBytes.make(16)) }

    static func isInline(_ name: String) -> Bool { name.utf8.first == UInt8(ascii: "i") }
}
