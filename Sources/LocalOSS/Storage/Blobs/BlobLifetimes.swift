import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps blob files alive while readers still need them. Reads run on SQLite snapshots without a lock, so a reader
/// may hold extents whose rows a writer has since deleted; the writer's unlink of such a blob waits until the last
/// reader that pinned it lets go. `@unchecked Sendable`: all state is guarded by `lock`.
final class BlobLifetimes: @unchecked Sendable {
    private let lock = NSLock()
    private var pins: [String: Int] = [:]
    /// Released by a writer while pinned: unlinked at the last unpin.
    private var doomed = Set<String>()
    /// Counts removals, so a reader can tell that none happened since it took its snapshot.
    private var removals: UInt64 = 0

    var generation: UInt64 { lock.withLock { removals } }

    /// Pins `names` for a reader whose snapshot was taken after `generation` was read. If a removal happened since,
    /// one of the names may already be gone: `exists` checks them, and on a miss nothing stays pinned (the reader
    /// retries on a fresh snapshot).
    func pin(_ names: [String], since generation: UInt64, exists: (String) -> Bool) -> Bool {
        lock.withLock {
            if removals != generation, names.contains(where: { !exists($0) }) { return false }
            for name in names { pins[name, default: 0] += 1 }
            return true
        }
    }

    /// Lets go of `names`; returns those whose removal was waiting for this reader.
    func unpin(_ names: [String]) -> [String] {
        lock.withLock {
            var free: [String] = []
            for name in names {
                guard let count = pins[name] else { continue }
                if count > 1 {
                    pins[name] = count - 1
                } else {
                    pins[name] = nil
                    if doomed.remove(name) != nil { free.append(name) }
                }
            }
            return free
        }
    }

    /// A writer released `names` (no row names them any more); returns those that may be unlinked now.
    func release(_ names: [String]) -> [String] {
        lock.withLock {
            removals &+= 1
            var free: [String] = []
            for name in names {
                if pins[name] != nil { doomed.insert(name) } else { free.append(name) }
            }
            return free
        }
    }
}
