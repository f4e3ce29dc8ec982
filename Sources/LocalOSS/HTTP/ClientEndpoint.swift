/// The other end of a connection, as far as a request's authorization cares.
struct ClientEndpoint: Sendable {
    /// The peer's address as text; nil when unknown (a socket pair in tests).
    var address: String?
    /// The connection speaks TLS (`acs:SecureTransport`).
    var secure = false
}
