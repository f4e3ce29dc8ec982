import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--seed-dir DIR`: a folder tree loaded at start. Each first-level folder is a bucket, each file below it an object
/// keyed by its path relative to the bucket folder (`/`-separated). A bucket or object of the same name is
/// overwritten; a bucket name OSS would refuse, a file at the top level or a key OSS would refuse is skipped with a
/// warning. Files stream through the same ingest as a PutObject: none is read whole into memory.
struct SeedDirectory {
    let objects: ObjectStore

    struct Summary {
        var buckets = 0
        var objects = 0
        var bytes: Int64 = 0
        var warnings: [String] = []
    }

    func load(_ root: String) throws -> Summary {
        var summary = Summary()
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw POSIXFailure("seed directory \(root)")
        }
        for entry in try fileManager.contentsOfDirectory(atPath: root).sorted() {
            let path = root + "/" + entry
            guard Self.isDirectory(path) else {
                summary.warnings.append("\(path): not a folder, skipped (only folders become buckets)")
                continue
            }
            let bucket: BucketName
            do {
                bucket = try BucketName(validating: entry)
            } catch {
                summary.warnings.append("\(path): \(entry) is not a valid OSS bucket name, skipped")
                continue
            }
            try objects.createBucket(bucket, acl: nil, storageClass: nil, redundancy: nil)
            summary.buckets += 1
            try loadObjects(of: bucket, from: path, into: &summary)
        }
        return summary
    }

    private func loadObjects(of bucket: BucketName, from folder: String, into summary: inout Summary) throws {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return }
        var relativePaths: [String] = []
        while let relative = walker.nextObject() as? String { relativePaths.append(relative) }
        for relative in relativePaths.sorted() {
            let path = folder + "/" + relative
            var status = stat()
            // stat follows a symbolic link: a linked file is loaded, a linked folder is not walked into.
            guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            let key: ObjectKey
            do {
                key = try ObjectKey(validating: relative)
            } catch {
                summary.warnings.append("\(path): \(relative) is not a valid object key, skipped")
                continue
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                summary.warnings.append("\(path): cannot be opened, skipped")
                continue
            }
            defer { close(fd) }
            let options = ObjectStore.PutOptions(
                metadata: ObjectMetadata(contentType: ContentTypes.guess(for: relative), headers: []),
                expected: ExpectedDigests(), acl: .default, storageClass: nil, forbidOverwrite: false)
            do {
                let record = try objects.putObject(
                    ObjectAddress(bucket: bucket, key: key), body: FileBytes(fd: fd, length: UInt64(status.st_size)),
                    options: options)
                summary.objects += 1
                summary.bytes += record.size
            } catch let refused as OSSError {
                // What a PutObject of it would be refused for (over 5 GiB, changed while read): the rest still loads.
                summary.warnings.append("\(path): \(refused.message), skipped")
            }
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }
}

/// An open file's bytes, read a chunk at a time.
struct FileBytes: ByteSource {
    let fd: Int32
    let length: UInt64
    var chunkSize = 1 << 20

    var declaredLength: UInt64? { length }

    func forEachChunkOverlapped(
        _ first: (UnsafeRawBufferPointer) throws -> Void, _ second: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var remaining = length
        while remaining > 0 {
            let count = try buffer.withUnsafeMutableBytes { raw -> Int in
                while true {
                    let got = read(fd, raw.baseAddress!, Int(min(UInt64(raw.count), remaining)))
                    if got < 0, errno == EINTR { continue }
                    guard got >= 0 else { throw POSIXFailure("read") }
                    return got
                }
            }
            // The file shrank while it was read: the ingest sees fewer bytes than declared and refuses them.
            if count == 0 { break }
            try buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                try first(chunk)
                try second(chunk)
            }
            remaining -= UInt64(count)
        }
    }
}

/// The Content-Type of a seeded file, from its extension: the common web types, else a byte stream.
enum ContentTypes {
    static let byExtension: [String: String] = [
        "html": "text/html", "htm": "text/html", "css": "text/css", "js": "application/javascript",
        "json": "application/json", "txt": "text/plain", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml", "pdf": "application/pdf",
        "xml": "application/xml", "zip": "application/zip", "mp4": "video/mp4",
    ]

    static func guess(for path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "application/octet-stream" }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}
