import Foundation
import Testing

@testable import LocalOSS

/// The pieces under the connection state machine: the worker pool's bound and its checked thread starts, the body
/// buffer pool, and request heads read without waiting (over a socket pair).
@Suite struct ConnectionLayerTests {
    /// Counts jobs done, and holds them while `gate` is closed.
    private final class Jobs: @unchecked Sendable {
        let lock = NSCondition()
        var done: [Int] = []
        var inProgress = 0
        var peak = 0
        var open = true

        func run(_ job: Int) {
            lock.withLock {
                inProgress += 1
                peak = max(peak, inProgress)
                lock.broadcast()
                while !open { lock.wait() }
                inProgress -= 1
                done.append(job)
                lock.broadcast()
            }
        }

        func waitFor(_ count: Int, seconds: Double = 10) -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            return lock.withLock {
                while done.count < count { if !lock.wait(until: deadline) { return false } }
                return true
            }
        }

        func waitInProgress(_ count: Int, seconds: Double = 10) -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            return lock.withLock {
                while inProgress < count { if !lock.wait(until: deadline) { return false } }
                return true
            }
        }

        func release() {
            lock.withLock {
                open = true; lock.broadcast()
            }
        }
    }

    @Test func thePoolNeverRunsMoreWorkersThanItsBound() {
        let jobs = Jobs()
        jobs.open = false
        let pool = WorkerPool<Int>(maxWorkers: 3, startThread: DetachedThread.start) { jobs.run($0) }
        for job in 0..<10 { #expect(pool.submit(job) == .queued) }
        #expect(jobs.waitInProgress(3))
        #expect(pool.threadCount == 3)
        jobs.release()
        #expect(jobs.waitFor(10))
        #expect(jobs.peak == 3)
        #expect(Set(jobs.done) == Set(0..<10))
        pool.stop()
    }

    @Test func aJobIsRefusedWhenNoWorkerRunsAndNoneCanStart() {
        let pool = WorkerPool<Int>(maxWorkers: 4, startThread: { _, _ in EAGAIN }) { _ in }
        #expect(pool.submit(1) == .refused(EAGAIN))
        #expect(pool.threadCount == 0)
        pool.stop()
    }

    @Test func aJobWaitsForARunningWorkerWhenNoFurtherOneCanStart() {
        let jobs = Jobs()
        jobs.open = false
        let starts = Counter()
        // The first start succeeds, every later one fails as under a pids limit.
        let pool = WorkerPool<Int>(
            maxWorkers: 4,
            startThread: { size, body in starts.next() == 0 ? DetachedThread.start(size, body) : EAGAIN }
        ) { jobs.run($0) }
        #expect(pool.submit(1) == .queued)
        #expect(jobs.waitInProgress(1))
        #expect(pool.submit(2) == .queuedWithoutNewWorker(EAGAIN))
        jobs.release()
        #expect(jobs.waitFor(2))
        #expect(jobs.done == [1, 2])
        pool.stop()
    }

    @Test func idleWorkersEndButOneRemains() {
        let jobs = Jobs()
        jobs.open = false
        let pool = WorkerPool<Int>(maxWorkers: 4, idleSeconds: 0.2, startThread: DetachedThread.start) {
            jobs.run($0)
        }
        for job in 0..<4 { _ = pool.submit(job) }
        #expect(jobs.waitInProgress(4))
        jobs.release()
        #expect(jobs.waitFor(4))
        let deadline = Date(timeIntervalSinceNow: 10)
        while pool.threadCount > 1, Date() < deadline { usleep(50_000) }
        #expect(pool.threadCount == 1)
        #expect(pool.submit(9) == .queued)
        #expect(jobs.waitFor(5))
        pool.stop()
    }

    @Test func bodyBuffersAreReusedAndOnlyAFewKept() {
        let pool = BodyBufferPool(halfSize: 4096, maxSpare: 2)
        let first = pool.borrow()
        #expect(first.count == 8192)
        pool.giveBack(first)
        let again = pool.borrow()
        #expect(again.baseAddress == first.baseAddress)
        let borrowed = [again, pool.borrow(), pool.borrow(), pool.borrow()]
        for buffer in borrowed { pool.giveBack(buffer) }
        #expect(pool.spareCount == 2)
        let (low, high) = pool.halves(of: again)
        #expect(low.count == 4096 && high.count == 4096)
        #expect(high.baseAddress == again.baseAddress! + 4096)
    }

    private func socketPair() -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        return (ends[0], ends[1])
    }

    private func send(_ fd: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    @Test func aHeadIsReadWithoutWaitingAcrossSeveralArrivals() throws {
        let (server, client) = socketPair()
        defer {
            close(server)
            close(client)
        }
        let stream = SocketStream(fd: server, bufferSize: 70_000, idleTimeout: 60)
        #expect(try stream.readHeadIfArrived(limits: .init()) == nil)
        #expect(!stream.hasBufferedBytes)
        send(client, "GET /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r")
        #expect(try stream.readHeadIfArrived(limits: .init()) == nil)
        #expect(stream.hasBufferedBytes)
        // The CRLFCRLF straddles two arrivals; a second, pipelined head follows the first.
        send(client, "\n\r\nHEAD /bucket/other HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let first = try #require(try stream.readHeadIfArrived(limits: .init()))
        #expect(first.method == "GET")
        #expect(stream.hasBufferedBytes)
        let second = try #require(try stream.readHeadIfArrived(limits: .init()))
        #expect(second.method == "HEAD")
        #expect(try stream.readHeadIfArrived(limits: .init()) == nil)
        stream.releaseBufferIfEmpty()
        send(client, "GET / HTTP/1.1\r\n\r\n")
        #expect(try stream.readHeadIfArrived(limits: .init())?.method == "GET")
    }

    @Test func aPeerThatClosedIsReportedAsClosed() {
        let (server, client) = socketPair()
        defer { close(server) }
        let stream = SocketStream(fd: server, bufferSize: 70_000, idleTimeout: 60)
        close(client)
        #expect(throws: SocketStream.Failure.closed) { try stream.readHeadIfArrived(limits: .init()) }
    }

    @Test func aFailedCallIsNamedWithItsErrno() {
        let failure = SocketCallFailure("epoll_ctl(MOD)", code: EBADF)
        #expect(failure.description.hasPrefix("epoll_ctl(MOD): "))
        #expect(failure.description.hasSuffix("(errno \(EBADF))"))
        #expect(throws: SocketCallFailure.self) { try SocketCalls.setNonBlocking(-1) }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}
