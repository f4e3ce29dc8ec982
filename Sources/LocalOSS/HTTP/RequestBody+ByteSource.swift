/// Storage reads a request body through `ByteSource`, so it never sees HTTP types.
extension RequestBody: ByteSource {
    func digested(md5: [UInt8]) { digestedMD5 = md5 }
}
