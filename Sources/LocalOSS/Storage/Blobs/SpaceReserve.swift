import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A few MiB of disk held in `<data>/.reserve`, so that a full disk can still be emptied through the API: deleting
/// needs SQLite to append to its write-ahead log, and on a full disk it cannot. When a metadata write hits a full
/// disk the reserve is released and the write retried. While it is released, no new blob is accepted (they
/// would eat the space freed for deletes); it is taken again as soon as there is room for it twice over.
///
/// One reserve per data directory, shared by the blob store and the database: `MetadataStore` opens the database
/// by path alone, so both find it through `in(directory:)`.
/// `@unchecked Sendable`: `held` is guarded by `lock`.
final class SpaceReserve: @unchecked Sendable {
    static let fileName = ".reserve"
    static let size: Int64 = 4 << 20

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: SpaceReserve] = [:]

    /// The reserve of `directory` (created, and taken if there is room, on first use).
    static func `in`(directory: String) -> SpaceReserve {
        let key = URL(fileURLWithPath: directory).standardizedFileURL.path
        return registryLock.withLock {
            if let existing = registry[key] {
                existing.refresh()  // the directory may have been removed and made anew since
                return existing
            }
            let reserve = SpaceReserve(path: key + "/" + fileName)
            registry[key] = reserve
            return reserve
        }
    }

    /// The reserve of the directory holding `file`.
    static func `in`(directoryOf file: String) -> SpaceReserve {
        .in(directory: (file as NSString).deletingLastPathComponent)
    }

    let path: String
    private let lock = NSLock()
    private var held = false

    private init(path: String) {
        self.path = path
        lock.withLock { held = Self.fileIsWhole(path) || allocate() }
    }

    private func refresh() {
        lock.withLock { held = Self.fileIsWhole(path) || allocate() }
    }

    /// False while the reserve is released and could not be taken back: new bytes must not be written.
    var isHeld: Bool {
        lock.withLock {
            if !held { held = allocate() }
            return held
        }
    }

    /// Frees the reserve for a write that must succeed on a full disk. False if it was not held.
    func release() -> Bool {
        lock.withLock {
            guard held else { return false }
            unlink(path)
            held = false
            return true
        }
    }

    /// Allocates the reserve file if the disk has room for it twice over, so taking it never fills the disk.
    private func allocate() -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0,
            Int64(stats.f_bavail) * Int64(stats.f_frsize) >= 2 * Self.size
        else { return false }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard posix_fallocate(fd, 0, off_t(Self.size)) == 0 else {
            unlink(path)
            return false
        }
        return true
    }

    private static func fileIsWhole(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && Int64(status.st_blocks) * 512 >= size
    }
}
