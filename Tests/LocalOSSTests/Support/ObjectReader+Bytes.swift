@testable import LocalOSS

#if canImport(Glibc)
    import Glibc
#endif

extension ObjectReader {
    /// Every byte the reader hands out, files and memory alike: what a client would receive.
    func allBytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try forEachChunk { chunk in
            switch chunk {
            case .file(let fd, let offset, let length):
                var buffer = [UInt8](repeating: 0, count: Int(length))
                _ = pread(fd, &buffer, Int(length), off_t(offset))
                bytes += buffer
            case .memory(let memory): bytes += memory
            }
        }
        return bytes
    }
}
