// libFuzzer entry point for the HTTP request-head parser: any bytes must parse or fail with a typed error,
// never crash, hang or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let end = HTTPRequestParser.headEnd(in: bytes) {
        if let head = try? HTTPRequestParser.parse(UnsafeRawBufferPointer(rebasing: bytes[..<end])) {
            _ = head.rawPath
            _ = head.rawQuery
            _ = head.keepAlive
            _ = QueryParameters(raw: head.rawQuery)
        }
    } else {
        _ = try? HTTPRequestParser.parse(bytes)
    }
    return 0
}
