import Foundation
import Testing

@testable import LocalOSS

/// Metrics, journal and clock through a real server: concurrent OSS requests while the control plane is read and the
/// clock is moved (run under ThreadSanitizer by the suite), and the clock reaching what the server writes.
@Suite(.serialized) struct ControlObserveTests {
    @Test func concurrentRequestsAreAllCountedAndJournaled() throws {
        let server = try TestServer()
        defer { server.removeData() }
        #expect(try server.client().request("PUT", "/observed").status == 200)
        let writers = 4
        let putsEach = 25
        let failures = Counter()
        let done = DispatchGroup()
        let port = server.port
        for writer in 0..<writers {
            DispatchQueue.global().async(group: done) {
                do {
                    let client = try TestHTTPClient(port: port)
                    for index in 0..<putsEach {
                        let status = try client.request("PUT", "/observed/w\(writer)/k\(index)", text: "x").status
                        if status != 200 { failures.add() }
                    }
                } catch { failures.add() }
            }
        }
        // Read the control plane and move the clock while the writers run.
        let reader = try server.client()
        for _ in 0..<10 {
            #expect(try reader.request("GET", "/_localoss/metrics").status == 200)
            #expect(try reader.request("GET", "/_localoss/requests?operation=PutObject&limit=5").status == 200)
            #expect(try reader.request("POST", "/_localoss/clock", text: #"{"advanceSeconds": 1}"#).status == 200)
        }
        done.wait()
        #expect(failures.value == 0)
        let count = try reader.request("GET", "/_localoss/requests/count?operation=PutObject&keyPrefix=w")
        #expect(count.text == #"{"count":\#(writers * putsEach)}"#)
        let metrics = try reader.request("GET", "/_localoss/metrics").text
        #expect(
            metrics.contains("localoss_requests_total{operation=\"PutObject\",status=\"200\"} \(writers * putsEach)\n"))
        #expect(metrics.contains("localoss_objects \(writers * putsEach)\n"))
        #expect(metrics.contains("localoss_request_body_bytes_total \(writers * putsEach)\n"))
    }

    @Test func aFrozenClockIsWhatDatesAndLastModifiedShow() throws {
        let server = try TestServer()
        defer { server.removeData() }
        let client = try server.client()
        let frozen = try client.request(
            "POST", "/_localoss/clock", text: #"{"set": "2031-02-03T04:05:06Z", "freeze": true}"#)
        let state = try JSONSerialization.jsonObject(with: Data(frozen.body)) as? [String: Any]
        #expect(state?["frozen"] as? Bool == true)
        #expect(state?["now"] as? String == "2031-02-03T04:05:06.000Z")
        #expect(try client.request("PUT", "/dated").status == 200)
        let put = try client.request("PUT", "/dated/k", text: "v")
        #expect(put.header("Date") == "Mon, 03 Feb 2031 04:05:06 GMT")
        let head = try client.request("HEAD", "/dated/k")
        #expect(head.header("Last-Modified") == "Mon, 03 Feb 2031 04:05:06 GMT")
        let list = try client.request("GET", "/")
        #expect(list.text.contains("<CreationDate>2031-02-03T04:05:06.000Z</CreationDate>"))
        let upload = try client.initiate("dated", "m")
        #expect(upload.hasPrefix(String(format: "%016llX", UInt64(1_927_857_906) * 1_000_000)))
        let uploads = try client.request("GET", "/dated?uploads")
        #expect(uploads.text.contains("<Initiated>2031-02-03T04:05:06.000Z</Initiated>"))
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
