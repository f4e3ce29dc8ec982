import Foundation
import Logging
import Testing

@testable import LocalOSS

/// The connection edges without a client library: lingering close on socket pairs, the body deadline's arithmetic,
/// the data directory lock, and a server that cannot start threads.
@Suite struct ConnectionEdgeTests {
    private func socketPair() -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        return (ends[0], ends[1])
    }

    private func withScratch<T>(_ body: (UnsafeMutableRawBufferPointer) -> T) -> T {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { scratch.deallocate() }
        return body(scratch)
    }

    @Test func lingeringCloseReadsUntilThePeerCloses() throws {
        let (server, client) = socketPair()
        defer { close(server) }
        let bytes = [UInt8](repeating: 7, count: 100_000)
        let writer = Thread {
            bytes.withUnsafeBytes { _ = send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(client)
        }
        writer.start()
        let outcome = withScratch { LingeringClose().perform(on: server, scratch: $0) }
        #expect(outcome.ending == .peerClosed)
        #expect(outcome.discarded == 100_000)
    }

    @Test func lingeringCloseEndsWhenThePeerGoesQuiet() {
        let (server, client) = socketPair()
        defer {
            close(server)
            close(client)
        }
        var linger = LingeringClose()
        linger.maxIdle = 100
        let outcome = withScratch { linger.perform(on: server, scratch: $0) }
        #expect(outcome.ending == .idle)
        #expect(outcome.milliseconds >= 90 && outcome.milliseconds < 2000)
        // The peer saw the end of the reply: writing was shut down.
        var byte: UInt8 = 0
        #expect(recv(client, &byte, 1, Int32(MSG_DONTWAIT)) == 0)
    }

    @Test func lingeringCloseStopsAtItsSizeLimit() {
        let (server, client) = socketPair()
        defer {
            close(server)
            close(client)
        }
        let bytes = [UInt8](repeating: 1, count: 10_000)
        bytes.withUnsafeBytes { _ = send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var linger = LingeringClose()
        linger.maxBytes = 5000
        let outcome = withScratch { linger.perform(on: server, scratch: $0) }
        #expect(outcome.ending == .tooLarge)
        #expect(outcome.discarded == 5000)
    }

    @Test func bodyDeadlineGrowsWithEachMebibyteReceived() {
        let deadline = BodyDeadline(grace: 300, startedAt: 1_000)
        #expect(deadline.deadline(afterReceiving: 0) == 301_000)
        #expect(deadline.deadline(afterReceiving: (1 << 20) - 1) == 301_000)
        #expect(deadline.deadline(afterReceiving: 5 << 30) == 301_000 + 5120 * 1000)
        #expect(deadline.deadline(afterReceiving: .max) > 301_000)
    }

    @Test func secondServerOnOneDataDirectoryIsRefusedUntilTheFirstStops() throws {
        let first = try TestServer()
        defer { first.removeData() }
        var configuration = Configuration()
        configuration.port = 0
        configuration.dataDirectory = first.dataDirectory
        #expect {
            _ = try Server(configuration: configuration)
        } throws: { error in
            guard case ServerError.dataDirectoryInUse = error else { return false }
            return true
        }
        first.stop()
        let second = try Server(configuration: configuration)
        try second.start()
        second.stop()
    }

    @Test func connectionWithoutAThreadIsAnswered503() throws {
        let server = try TestServer(logLevel: .critical) { $0.startThread = { _, _ in EAGAIN } }
        defer {
            server.stop()
            server.removeData()
        }
        let client = try TestHTTPClient(port: server.port)
        let response = try client.request("GET", "/")
        #expect(response.status == 503)
        #expect(response.errorCode == "ServiceUnavailable")
        #expect(response.header("Connection") == "close")
    }
}
