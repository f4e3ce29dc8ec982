import CLibSSL

#if canImport(Glibc)
    import Glibc
#endif

/// The server's TLS settings: its certificate chain and private key (PEM files), loaded once and shared by every
/// connection. `@unchecked Sendable`: an SSL_CTX is not changed after set-up, and OpenSSL lets threads share it.
final class TLSContext: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    fileprivate let context: OpaquePointer

    init(certificateFile: String, keyFile: String) throws(Failure) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw Self.failure("SSL_CTX_new") }
        self.context = context
        localoss_ssl_ctx_require_tls12(context)
        // Idle keep-alive connections then hold no TLS read and write buffers.
        localoss_ssl_ctx_release_buffers(context)
        guard SSL_CTX_use_certificate_chain_file(context, certificateFile) == 1 else {
            throw Self.failure("cannot load the certificate \(certificateFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1 else {
            throw Self.failure("cannot load the private key \(keyFile)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw Self.failure("the private key \(keyFile) does not match the certificate \(certificateFile)")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// The reason OpenSSL gives for the last failure on this thread (clearing its error queue).
    static func lastError() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [UInt8](repeating: 0, count: 256)
            text.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            }
            reasons.append(String(decoding: text.prefix { $0 != 0 }, as: UTF8.self))
        }
        return reasons.joined(separator: "; ")
    }

    private static func failure(_ what: String) -> Failure {
        let reason = lastError()
        return Failure(description: reason.isEmpty ? what : "\(what): \(reason)")
    }
}

/// TLS over one connected socket. The handshake runs on the first read (the socket had input, so the client's
/// hello is there), blocking up to the socket's receive timeout; reads that must not wait make the socket
/// non-blocking for the call. A body sent from a file is read into memory and encrypted (no sendfile).
final class TLSTransport: ByteTransport {
    private let fd: Int32
    private let ssl: OpaquePointer
    private var handshakeDone = false
    private var fileBuffer: UnsafeMutableRawBufferPointer?

    init?(context: TLSContext, fd: Int32) {
        guard let ssl = SSL_new(context.context) else { return nil }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            return nil
        }
        self.fd = fd
        self.ssl = ssl
    }

    /// No close_notify: by now the socket may be closed, and its number reused.
    deinit {
        SSL_free(ssl)
        fileBuffer?.deallocate()
    }

    func receive(into destination: UnsafeMutableRawBufferPointer, waiting: Bool) throws(SocketStream.Failure) -> Int {
        try handshakeIfNeeded()
        if !waiting, SSL_pending(ssl) == 0 {
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            defer { _ = fcntl(fd, F_SETFL, flags) }
            return try read(into: destination, waiting: false)
        }
        return try read(into: destination, waiting: true)
    }

    func send(_ bytes: UnsafeRawBufferPointer) throws(SocketStream.Failure) -> Int {
        try handshakeIfNeeded()
        guard !bytes.isEmpty else { return 0 }
        let written = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        if written > 0 { return Int(written) }
        throw failure(of: written, waiting: true)
    }

    func sendFile(_ file: Int32, offset: inout off_t, count: Int) throws(SocketStream.Failure) -> Int {
        let buffer = fileBuffer ?? .allocate(byteCount: 64 << 10, alignment: 16)
        fileBuffer = buffer
        let wanted = min(count, buffer.count)
        let read = pread(file, buffer.baseAddress, wanted, offset)
        guard read >= 0 else { throw .system(errno) }
        guard read > 0 else { return 0 }
        var sent = 0
        while sent < read {
            sent += try send(UnsafeRawBufferPointer(rebasing: buffer[sent..<read]))
        }
        offset += off_t(read)
        return read
    }

    var hasPendingInput: Bool { SSL_pending(ssl) > 0 }

    private func read(into destination: UnsafeMutableRawBufferPointer, waiting: Bool) throws(SocketStream.Failure)
        -> Int
    {
        let count = SSL_read(ssl, destination.baseAddress, Int32(clamping: destination.count))
        if count > 0 { return Int(count) }
        if SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN { return 0 }
        throw failure(of: count, waiting: waiting)
    }

    private func handshakeIfNeeded() throws(SocketStream.Failure) {
        guard !handshakeDone else { return }
        let result = SSL_accept(ssl)
        guard result == 1 else {
            _ = TLSContext.lastError()
            throw .closed  // not TLS, or a client that gave up: there is no one to answer
        }
        handshakeDone = true
    }

    /// What a failed SSL_read or SSL_write means for the stream.
    private func failure(of result: Int32, waiting: Bool) -> SocketStream.Failure {
        let code = SSL_get_error(ssl, result)
        let savedErrno = errno
        _ = TLSContext.lastError()
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            // On a blocking socket this is its SO_RCVTIMEO/SO_SNDTIMEO running out.
            return waiting ? .timedOut : .wouldBlock
        case SSL_ERROR_SYSCALL where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK:
            return waiting ? .timedOut : .wouldBlock
        case SSL_ERROR_SYSCALL where result == 0, SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL:
            return savedErrno == ECONNRESET || savedErrno == EPIPE ? .closed : .system(savedErrno)
        default:
            return .closed
        }
    }
}
