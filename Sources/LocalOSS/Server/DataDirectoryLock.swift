import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on `<data>/.lock`, held while a server uses the directory. Two servers on one directory
/// would each sweep the other's unfinished files as garbage; the second one must stop before it touches anything.
/// The kernel drops the lock when the process ends, however it ends, so a crash never leaves a stale lock.
final class DataDirectoryLock: Sendable {
    static let fileName = ".lock"

    private let fd: Int32

    init(directory: String) throws(ServerError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .dataDirectoryUnusable("\(directory): \(error.localizedDescription)")
        }
        let path = directory + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .dataDirectoryUnusable("\(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let failure = errno
            close(fd)
            if failure == EWOULDBLOCK { throw .dataDirectoryInUse(directory) }
            throw .dataDirectoryUnusable("\(path): \(String(cString: strerror(failure)))")
        }
        self.fd = fd
    }

    /// Closing the descriptor releases the lock.
    deinit { close(fd) }
}
