import Foundation
import Testing

@testable import LocalOSS

/// What fault rules put on the wire, seen by a raw socket: a reset is an RST (the peer reads ECONNRESET, not an
/// orderly end), a truncated body ends early under its full Content-Length, and a dropped reply still stored its
/// object while a reset request body stored nothing.
@Suite struct FaultWireTests {
    private func addFault(_ server: TestServer, _ rule: String) throws {
        let reply = try server.client().request("POST", "/_localoss/faults", text: rule)
        #expect(reply.status == 201, "\(reply.text)")
    }

    /// Everything the server sends until it closes: the bytes, and the errno if the end was not orderly.
    private func readToEnd(_ client: TestHTTPClient) -> (bytes: [UInt8], error: Int32?) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (bytes, nil) }
            if count < 0 { return (bytes, errno) }
            bytes += chunk[..<count]
        }
    }

    private func setUpBucket(_ server: TestServer) throws {
        #expect(try server.client().request("PUT", "/faulted").status == 200)
    }

    @Test func aDroppedReplyIsAResetAndTheObjectIsStored() throws {
        let server = try TestServer()
        defer { server.removeData() }
        try setUpBucket(server)
        try addFault(server, #"{"match": {"operation": "PutObject"}, "action": {"type": "dropResponseAfterCommit"}}"#)
        let client = try server.client()
        try client.send(Array("PUT /faulted/kept HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello".utf8))
        let (bytes, error) = readToEnd(client)
        #expect(bytes.isEmpty)
        #expect(error == ECONNRESET)
        let stored = try server.client().request("GET", "/faulted/kept")
        #expect(stored.status == 200 && stored.text == "hello")
    }

    @Test func aResetRequestBodyStoresNothing() throws {
        let server = try TestServer()
        defer { server.removeData() }
        try setUpBucket(server)
        try addFault(
            server, #"{"match": {"operation": "PutObject"}, "action": {"type": "resetAfterBodyBytes", "bytes": 4}}"#)
        let client = try server.client()
        // The whole body is sent: the server must still refuse to store it once it has read 4 bytes.
        try client.send(
            Array("PUT /faulted/gone HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n0123456789".utf8))
        let (bytes, error) = readToEnd(client)
        #expect(bytes.isEmpty)
        #expect(error == ECONNRESET)
        let missing = try server.client().request("GET", "/faulted/gone")
        #expect(missing.status == 404 && missing.errorCode == "NoSuchKey")
    }

    @Test func aTruncatedBodyEndsEarlyUnderItsFullLength() throws {
        let server = try TestServer()
        defer { server.removeData() }
        try setUpBucket(server)
        let body = Array(repeating: UInt8(ascii: "z"), count: 200_000)
        #expect(try server.client().request("PUT", "/faulted/long", body: body).status == 200)
        try addFault(server, #"{"match": {"key": "long"}, "action": {"type": "truncateBody", "bytes": 70000}}"#)
        let client = try server.client()
        try client.send(Array("GET /faulted/long HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        let (bytes, error) = readToEnd(client)
        #expect(error == nil)
        let text = String(decoding: bytes, as: UTF8.self)
        let headEnd = try #require(text.range(of: "\r\n\r\n"))
        #expect(text[..<headEnd.lowerBound].contains("Content-Length: 200000"))
        #expect(bytes.count - text.utf8.distance(from: text.startIndex, to: headEnd.upperBound) == 70000)
    }

    @Test func aFaultThatNoLongerMatchesLeavesTheConnectionAlone() throws {
        let server = try TestServer()
        defer { server.removeData() }
        try setUpBucket(server)
        try addFault(
            server,
            #"{"match": {"operation": "GetObject"}, "action": {"type": "corruptBody", "offset": 1}, "times": 1}"#)
        #expect(try server.client().request("PUT", "/faulted/small", text: "abc").status == 200)
        let client = try server.client()
        let corrupted = try client.request("GET", "/faulted/small")
        #expect(corrupted.body == [UInt8(ascii: "a"), UInt8(ascii: "b") ^ 0xFF, UInt8(ascii: "c")])
        // Same connection, kept alive: the rule is used up and the next reply is intact.
        #expect(try client.request("GET", "/faulted/small").text == "abc")
    }
}
