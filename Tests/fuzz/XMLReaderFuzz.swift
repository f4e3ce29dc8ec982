// libFuzzer entry point for the XML reader and the Complete body parser: any bytes must parse or be MalformedXML.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? XMLDocument.parse(bytes)
    _ = try? CompleteMultipartUploadBody.parse(bytes)
    return 0
}
