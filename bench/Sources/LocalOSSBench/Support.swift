import CISAL
import COpenSSL
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Monotonic seconds.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Progress and notes go to stderr; the table goes to stdout.
func log(_ message: String) {
    FileHandle.standardError.write(Data("[bench] \(message)\n".utf8))
}

/// A value shared between threads, guarded by a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func with<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var get: Value { with { $0 } }
}

/// Runs `body(0..<count)` on `count` threads of their own (blocking sockets need one each) and waits for all.
func onThreads(_ count: Int, stackSize: Int = 512 << 10, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        let thread = Thread {
            body(index)
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
    }
    for _ in 0..<count { done.wait() }
}

/// Deterministic pseudo-random bytes that every upload slices from; lives for the whole run.
final class Payload: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let size: Int

    init(size: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
        self.size = size
        base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        var state = seed
        let words = base.bindMemory(to: UInt64.self, capacity: size / 8)
        for index in 0..<(size / 8) {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            words[index] = state &* 0x2545_F491_4F6C_DD1D
        }
    }

    func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && offset + length <= size)
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }
}

enum Digest {
    static func md5(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_Digest(bytes.baseAddress, bytes.count, &output, &length, EVP_md5(), nil)
        return Array(output.prefix(Int(length)))
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { md5($0) } }

    /// CRC-64/XZ as OSS's `x-oss-hash-crc64ecma`; chain by passing the previous value.
    static func crc64(_ bytes: UnsafeRawBufferPointer, _ crc: UInt64 = 0) -> UInt64 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return crc64_ecma_refl(crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var out = ""
        for byte in bytes {
            out.unicodeScalars.append(digits[Int(byte >> 4)])
            out.unicodeScalars.append(digits[Int(byte & 15)])
        }
        return out
    }

    /// S3/OSS multipart ETag: MD5 of the concatenated binary part MD5s, then `-N` (compared case-insensitively).
    static func multipartETag(_ partMD5s: [[UInt8]]) -> String {
        hex(md5(partMD5s.flatMap { $0 })) + "-\(partMD5s.count)"
    }

    /// Single-core MD5 rate in MiB/s the way `openssl speed -evp md5 -bytes 16384` measures it: one EVP digest per
    /// 16 KiB block, one context reused, for `seconds`.
    static func md5Rate(seconds: Double) -> Double {
        let blockSize = 16384
        let block = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { block.deallocate() }
        memset(block, 0x5A, blockSize)
        guard let context = EVP_MD_CTX_new() else { return 0 }
        defer { EVP_MD_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        var blocks = 0
        let begin = now()
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<64 {
                EVP_DigestInit_ex(context, EVP_md5(), nil)
                EVP_DigestUpdate(context, block, blockSize)
                EVP_DigestFinal_ex(context, &output, &length)
            }
            blocks += 64
            elapsed = now() - begin
        }
        return Double(blocks * blockSize) / elapsed / 1_048_576
    }
}

/// `"ABC"` → `abc`, for case-insensitive ETag comparison.
func normalizeETag(_ etag: String) -> String {
    var text = Substring(etag)
    if text.hasPrefix("W/") { text = text.dropFirst(2) }
    while text.first == "\"" { text = text.dropFirst() }
    while text.last == "\"" { text = text.dropLast() }
    return text.lowercased()
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// The value below which `fraction` of `values` fall (nearest rank).
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    guard value.isFinite else { return "n/a" }
    return String(format: "%.\(digits)f", value)
}
