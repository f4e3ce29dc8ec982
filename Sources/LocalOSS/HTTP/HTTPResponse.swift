#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a handler answers. Common headers (Date, Server, request id, Content-Length) are added by `ResponseWriter`.
struct HTTPResponse {
    var status: Int
    var headers = HTTPHeaders()
    var body: ResponseBody = .empty

    init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func xml(_ document: String, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/xml")
        return HTTPResponse(status: status, headers: headers, body: .bytes(Array(document.utf8)))
    }
}

enum ResponseBody {
    case empty
    case bytes([UInt8])
    /// Byte ranges of already opened files, sent in order (an object's extents, possibly cut to a Range).
    case files(OpenFileRanges)

    var length: Int64 {
        switch self {
        case .empty: 0
        case .bytes(let bytes): Int64(bytes.count)
        case .files(let ranges): ranges.totalLength
        }
    }
}

/// File descriptors opened while the metadata that names them was read, so a concurrent overwrite that unlinks the
/// files cannot pull them away mid-download. Closes them when released.
final class OpenFileRanges {
    struct Range {
        let fd: Int32
        let offset: Int64
        let length: Int64
    }

    private(set) var ranges: [Range] = []
    private var descriptors: [Int32] = []

    var totalLength: Int64 { ranges.reduce(0) { $0 + $1.length } }

    func adopt(fd: Int32) { descriptors.append(fd) }
    func append(fd: Int32, offset: Int64, length: Int64) {
        ranges.append(Range(fd: fd, offset: offset, length: length))
    }

    /// Keeps only the bytes `offset..<offset+length` of the concatenated ranges (a Range request).
    func restrict(offset: Int64, length: Int64) {
        var kept: [Range] = []
        var position: Int64 = 0
        let end = offset + length
        for range in ranges {
            let rangeEnd = position + range.length
            let start = max(position, offset)
            let stop = min(rangeEnd, end)
            if start < stop {
                kept.append(Range(fd: range.fd, offset: range.offset + (start - position), length: stop - start))
            }
            position = rangeEnd
        }
        ranges = kept
    }

    deinit {
        for fd in descriptors { close(fd) }
    }
}
