#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a `SocketStream` moves bytes over its connected socket: in the clear, or through TLS. Blocking calls give up
/// after the socket's SO_RCVTIMEO/SO_SNDTIMEO and throw `timedOut`.
protocol ByteTransport: AnyObject {
    /// Reads up to `destination.count` bytes; 0 at the end of the stream. Without `waiting`, throws `wouldBlock`
    /// rather than wait for bytes that have not arrived.
    func receive(into destination: UnsafeMutableRawBufferPointer, waiting: Bool) throws(SocketStream.Failure) -> Int

    /// Sends some of `bytes` and returns how many went (at least one).
    func send(_ bytes: UnsafeRawBufferPointer) throws(SocketStream.Failure) -> Int

    /// Sends up to `count` bytes of `file` from `offset`, advancing it; returns how many went (0: the file ended).
    func sendFile(_ file: Int32, offset: inout off_t, count: Int) throws(SocketStream.Failure) -> Int

    /// Input already taken off the socket but not yet handed out (TLS records decrypted ahead): waiting for the
    /// socket to become readable would miss it.
    var hasPendingInput: Bool { get }
}

/// Plain TCP: the socket calls themselves.
final class PlainTransport: ByteTransport {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    func receive(into destination: UnsafeMutableRawBufferPointer, waiting: Bool) throws(SocketStream.Failure) -> Int {
        while true {
            let received = recv(fd, destination.baseAddress, destination.count, waiting ? 0 : Int32(MSG_DONTWAIT))
            if received >= 0 { return received }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw waiting ? .timedOut : .wouldBlock }
            if errno == ECONNRESET { throw .closed }
            throw .system(errno)
        }
    }

    func send(_ bytes: UnsafeRawBufferPointer) throws(SocketStream.Failure) -> Int {
        while true {
            let sent = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if sent >= 0 { return sent }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut }
            throw .system(errno)
        }
    }

    func sendFile(_ file: Int32, offset: inout off_t, count: Int) throws(SocketStream.Failure) -> Int {
        while true {
            let sent = sendfile(fd, file, &offset, count)
            if sent >= 0 { return sent }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut }
            throw .system(errno)
        }
    }

    var hasPendingInput: Bool { false }
}
