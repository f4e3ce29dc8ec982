import Foundation
import Testing

@testable import LocalOSS

/// The connection's states and the actions their transitions ask for, without sockets: keep-alive, pipelining,
/// parking deadlines for idle connections and half-arrived heads, and when a reply must end in a lingering close.
@Suite struct ConnectionStateMachineTests {
    private let timeouts = ConnectionStateMachine.Timeouts(idleMilliseconds: 60_000, headMilliseconds: 20_000)

    private func machine(at now: Int64 = 1_000) -> ConnectionStateMachine {
        ConnectionStateMachine(timeouts: timeouts, now: now)
    }

    @Test func aNewConnectionWithNothingSentIsParkedUntilItsIdleTimeout() {
        var machine = machine()
        #expect(machine.readable() == .readHead)
        #expect(machine.headIncomplete(buffered: false, now: 1_500) == .park(until: 61_000))
        #expect(machine.state == .idle(since: 1_000))
    }

    @Test func anIdleConnectionPastItsDeadlineIsClosed() {
        var machine = machine()
        _ = machine.readable()
        #expect(machine.headIncomplete(buffered: false, now: 61_000) == .close)
        #expect(machine.state == .closed)
    }

    @Test func aHalfArrivedHeadIsParkedUntilTheHeadTimeoutFromItsFirstByte() {
        var machine = machine()
        _ = machine.readable()
        #expect(machine.headIncomplete(buffered: true, now: 2_000) == .park(until: 22_000))
        #expect(machine.state == .head(startedAt: 2_000))
        // More bytes trickle in: the deadline does not move.
        #expect(machine.readable() == .readHead)
        #expect(machine.headIncomplete(buffered: true, now: 10_000) == .park(until: 22_000))
        #expect(machine.readable() == .readHead)
        #expect(machine.headIncomplete(buffered: true, now: 22_000) == .close)
    }

    @Test func aKeepAliveRequestReturnsToIdleAndLooksForThePipelinedNextOne() {
        var machine = machine()
        _ = machine.readable()
        #expect(machine.headReceived() == .serve)
        #expect(machine.state == .body)
        #expect(machine.answered(clientKeepsAlive: true, bodyConsumed: true) == .reply(keepAlive: true))
        #expect(machine.state == .responding(keepAlive: true, bodyConsumed: true))
        #expect(machine.replyWritten(pendingInput: true, now: 5_000) == .readHead)
        #expect(machine.state == .idle(since: 5_000))
        // The pipelined head is complete: served at once, without parking.
        #expect(machine.headReceived() == .serve)
        #expect(machine.answered(clientKeepsAlive: true, bodyConsumed: true) == .reply(keepAlive: true))
        #expect(machine.replyWritten(pendingInput: false, now: 6_000) == .readHead)
        // Nothing further: parked for the idle timeout, counted from the last reply.
        #expect(machine.headIncomplete(buffered: false, now: 6_001) == .park(until: 66_000))
    }

    @Test func afterTheFirstReplyTheConnectionIsParkedAtOnce() {
        var machine = ConnectionStateMachine(
            timeouts: .init(idleMilliseconds: 60_000, headMilliseconds: 20_000, nextRequestMilliseconds: 10), now: 0)
        _ = machine.readable()
        _ = machine.headReceived()
        _ = machine.answered(clientKeepsAlive: true, bodyConsumed: true)
        #expect(machine.replyWritten(pendingInput: false, now: 1_000) == .readHead)
        #expect(machine.headIncomplete(buffered: false, now: 1_000) == .park(until: 61_000))
    }

    @Test func onAReusedConnectionTheWorkerWaitsBrieflyForTheNextRequestThenParks() {
        var machine = ConnectionStateMachine(
            timeouts: .init(idleMilliseconds: 60_000, headMilliseconds: 20_000, nextRequestMilliseconds: 10), now: 0)
        _ = machine.readable()
        _ = machine.headReceived()
        _ = machine.answered(clientKeepsAlive: true, bodyConsumed: true)
        #expect(machine.replyWritten(pendingInput: true, now: 500) == .readHead)
        _ = machine.headReceived()
        _ = machine.answered(clientKeepsAlive: true, bodyConsumed: true)
        #expect(machine.replyWritten(pendingInput: false, now: 1_000) == .readHead)
        #expect(machine.requestsAnswered == 2)
        #expect(machine.headIncomplete(buffered: false, now: 1_000) == .awaitInput(milliseconds: 10))
        // Nothing came in the brief wait: parked, once.
        #expect(machine.headIncomplete(buffered: false, now: 1_010) == .park(until: 61_000))
        // The next request came in time: served without parking, and the wait is offered again after it.
        #expect(machine.readable() == .readHead)
        #expect(machine.headReceived() == .serve)
        _ = machine.answered(clientKeepsAlive: true, bodyConsumed: true)
        #expect(machine.replyWritten(pendingInput: false, now: 2_000) == .readHead)
        #expect(machine.headIncomplete(buffered: false, now: 2_000) == .awaitInput(milliseconds: 10))
    }

    @Test func aHeadHalfInAfterAReplyIsParkedWithoutTheBriefWait() {
        var machine = ConnectionStateMachine(
            timeouts: .init(idleMilliseconds: 60_000, headMilliseconds: 20_000, nextRequestMilliseconds: 10), now: 0)
        _ = machine.readable()
        _ = machine.headReceived()
        _ = machine.answered(clientKeepsAlive: true, bodyConsumed: true)
        _ = machine.replyWritten(pendingInput: true, now: 1_000)
        #expect(machine.headIncomplete(buffered: true, now: 1_000) == .park(until: 21_000))
    }

    @Test func aBodyLeftUnreadEndsTheConnectionWithALingeringClose() {
        var machine = machine()
        _ = machine.readable()
        _ = machine.headReceived()
        #expect(machine.answered(clientKeepsAlive: true, bodyConsumed: false) == .reply(keepAlive: false))
        #expect(machine.replyWritten(pendingInput: false, now: 2_000) == .lingerThenClose)
        #expect(machine.state == .lingering)
        #expect(machine.lingerFinished() == .close)
        #expect(machine.state == .closed)
    }

    @Test func connectionCloseWithNothingMoreSentClosesAtOnce() {
        var machine = machine()
        _ = machine.readable()
        _ = machine.headReceived()
        #expect(machine.answered(clientKeepsAlive: false, bodyConsumed: true) == .reply(keepAlive: false))
        #expect(machine.replyWritten(pendingInput: false, now: 2_000) == .close)
    }

    @Test func connectionCloseWithRequestsPipelinedAfterItLingers() {
        var machine = machine()
        _ = machine.readable()
        _ = machine.headReceived()
        _ = machine.answered(clientKeepsAlive: false, bodyConsumed: true)
        #expect(machine.replyWritten(pendingInput: true, now: 2_000) == .lingerThenClose)
    }

    @Test func aRejectedHeadIsAnsweredWithCloseThenLingers() {
        var machine = machine()
        _ = machine.readable()
        #expect(machine.requestRejected() == .reply(keepAlive: false))
        #expect(machine.replyWritten(pendingInput: false, now: 2_000) == .lingerThenClose)
    }

    @Test func aRejectedBodyFramingIsAnsweredWithCloseThenLingers() {
        var machine = machine()
        _ = machine.readable()
        _ = machine.headReceived()
        #expect(machine.requestRejected() == .reply(keepAlive: false))
        #expect(machine.replyWritten(pendingInput: true, now: 2_000) == .lingerThenClose)
    }

    @Test func aLostConnectionClosesFromAnyState() {
        var idle = machine()
        #expect(idle.connectionLost() == .close)
        var responding = machine()
        _ = responding.readable()
        _ = responding.headReceived()
        _ = responding.answered(clientKeepsAlive: true, bodyConsumed: true)
        #expect(responding.connectionLost() == .close)
        #expect(responding.state == .closed)
    }

    @Test func eventsOutOfOrderCloseRatherThanContinue() {
        var machine = machine()
        // An answer without a request, a reply never asked for: the connection cannot be trusted any more.
        #expect(machine.answered(clientKeepsAlive: true, bodyConsumed: true) == .close)
        var other = self.machine()
        #expect(other.replyWritten(pendingInput: false, now: 2_000) == .close)
        var closed = self.machine()
        _ = closed.connectionLost()
        #expect(closed.readable() == .close)
    }
}
