/// Storage reads a request body through `ByteSource`, so it never sees HTTP types.
extension RequestBody: ByteSource {}
