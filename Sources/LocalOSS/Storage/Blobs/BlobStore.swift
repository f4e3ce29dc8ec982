import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Immutable byte files. A blob is written under `tmp/`, checked, then renamed into `blobs/`; only then may a
/// metadata row name it. Files are never modified after the rename.
final class BlobStore: Sendable {
    let root: String
    let durable: Bool
    private let lifetimes = BlobLifetimes()
    private let fanOut = FanOutDirectories()
    private let reserve: SpaceReserve
    private var blobsDirectory: String { root + "/blobs" }
    private var temporaryDirectory: String { root + "/tmp" }

    /// A blob being written: bytes on disk under `tmp/`, not yet referenced by anything.
    struct StagedBlob {
        let name: String
        let temporaryPath: String
    }

    init(root: String, durable: Bool) throws {
        self.root = root
        self.durable = durable
        for directory in [root, root + "/blobs", root + "/tmp"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        reserve = SpaceReserve.in(directory: root)
    }

    /// False while the disk is so full that the `SpaceReserve` had to be released: no new bytes are accepted, in
    /// files or inline, so that the space freed for deletes stays free.
    var acceptsNewBytes: Bool { reserve.isHeld }

    /// Writes bytes produced by `produce` (which calls the given writer once per chunk) to a new temporary file.
    /// Refused with `InsufficientStorage` while the disk is so full that the `SpaceReserve` had to be released.
    func stage(_ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> StagedBlob {
        guard reserve.isHeld else { throw OSSError.insufficientStorage }
        let name = Self.newName()
        let path = temporaryDirectory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXFailure.orFullDisk("open \(path)") }
        var closed = false
        defer { if !closed { close(fd) } }
        do {
            try produce { chunk in try Self.writeAll(fd, chunk) }
            if durable, fsync(fd) != 0 { throw POSIXFailure.orFullDisk("fsync") }
            FaultInjection.reach(.blobStaged)
            closed = true
            guard close(fd) == 0 else { throw POSIXFailure.orFullDisk("close") }
        } catch {
            unlink(path)
            throw error
        }
        return StagedBlob(name: name, temporaryPath: path)
    }

    /// Moves a staged blob into place under its final name.
    func commit(_ staged: StagedBlob) throws -> String {
        do {
            try makeFanOutDirectory(for: staged.name)
            var renamed = rename(staged.temporaryPath, path(of: staged.name)) == 0
            if !renamed, errno == ENOENT {
                // The directory was known but has gone (removed from outside): make it again, once.
                fanOut.forget(String(staged.name.prefix(2)))
                try makeFanOutDirectory(for: staged.name)
                renamed = rename(staged.temporaryPath, path(of: staged.name)) == 0
            }
            guard renamed else { throw POSIXFailure.orFullDisk("rename") }
        } catch {
            unlink(staged.temporaryPath)
            throw error
        }
        let directory = blobsDirectory + "/" + staged.name.prefix(2)
        if durable { syncDirectory(directory) }
        FaultInjection.reach(.blobRenamed)
        return staged.name
    }

    func discard(_ staged: StagedBlob) { unlink(staged.temporaryPath) }

    /// Unlinks blobs no row names any more; those a reader still has pinned go when it lets go of them.
    func remove(_ names: [String]) {
        let files = names.filter { !InlineBlob.isInline($0) }  // an inline blob's row goes with its transaction
        guard !files.isEmpty else { return }
        for name in lifetimes.release(files) { unlink(path(of: name)) }
    }

    /// Changes with every `remove`: read before a snapshot and passed to `pin`.
    var removalGeneration: UInt64 { lifetimes.generation }

    /// Pins blobs named by a snapshot taken after `generation` was read; false when one is already gone.
    func pin(_ names: [String], since generation: UInt64) -> Bool {
        lifetimes.pin(names, since: generation) { access(path(of: $0), F_OK) == 0 }
    }

    func unpin(_ names: [String]) {
        for name in lifetimes.unpin(names) { unlink(path(of: name)) }
    }

    func openForReading(_ name: String) throws -> Int32 {
        let fd = open(path(of: name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure("open blob \(name)") }
        return fd
    }

    /// Every committed blob on disk, for the start-up sweep.
    func allNames() -> [String] {
        var names: [String] = []
        let fileManager = FileManager.default
        for directory in (try? fileManager.contentsOfDirectory(atPath: blobsDirectory)) ?? [] {
            for file in (try? fileManager.contentsOfDirectory(atPath: blobsDirectory + "/" + directory)) ?? [] {
                names.append(file)
            }
        }
        return names
    }

    /// Removes everything under `tmp/`: writes that never finished.
    func clearTemporaryFiles() -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? []
        for file in files { unlink(temporaryDirectory + "/" + file) }
        return files.count
    }

    /// `blobs/xx/`, created on first use; in durable mode `blobs/` is synced so the new directory survives power loss.
    /// Each of the 256 directories is made (or found) once per process: a `mkdir` per write failed with EEXIST on
    /// all but the first.
    private func makeFanOutDirectory(for name: String) throws {
        let prefix = String(name.prefix(2))
        guard !fanOut.knows(prefix) else { return }
        let directory = blobsDirectory + "/" + prefix
        if mkdir(directory, 0o755) == 0 {
            if durable { syncDirectory(blobsDirectory) }
        } else if errno != EEXIST {
            throw POSIXFailure.orFullDisk("mkdir \(directory)")
        }
        fanOut.remember(prefix)
    }

    private func path(of name: String) -> String { blobsDirectory + "/" + name.prefix(2) + "/" + name }

    private func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXFailure.orFullDisk("write")
            }
            offset += written
        }
    }

    private static func newName() -> String {
        Encoding.lowerHex(RandomBytes.make(16))
    }
}

/// The `blobs/xx/` directories known to exist. `@unchecked Sendable`: guarded by `lock`.
private final class FanOutDirectories: @unchecked Sendable {
    private let lock = NSLock()
    private var known = Set<String>()

    func knows(_ prefix: String) -> Bool { lock.withLock { known.contains(prefix) } }
    func remember(_ prefix: String) { _ = lock.withLock { known.insert(prefix) } }
    func forget(_ prefix: String) { _ = lock.withLock { known.remove(prefix) } }
}

/// A failed system call, with errno. Internal: clients see `InternalError`.
struct POSIXFailure: Error, CustomStringConvertible {
    let operation: String
    let code: Int32

    init(_ operation: String) {
        self.operation = operation
        code = errno
    }

    var description: String { "\(operation): \(String(cString: strerror(code)))" }

    /// The failure of `operation` (from `errno`), except that a full disk or quota is the client-visible
    /// `InsufficientStorage`: the request failed for want of space, not because of a server fault.
    static func orFullDisk(_ operation: String) -> Error {
        errno == ENOSPC || errno == EDQUOT ? OSSError.insufficientStorage : POSIXFailure(operation)
    }
}

extension OSSError {
    static let insufficientStorage = OSSError(
        .insufficientStorage, "There is not enough free space on the disk of the LocalOSS data directory.")
}
