import Foundation
import Testing

@testable import LocalOSS

/// The server clock against a fake system clock, so every expectation is exact.
@Suite struct ServerClockTests {
    /// A system clock the test moves by hand.
    final class FakeSystem: @unchecked Sendable {
        private let lock = NSLock()
        private var micros: Int64
        init(_ micros: Int64) { self.micros = micros }
        var now: Int64 { lock.withLock { micros } }
        func pass(_ delta: Int64) { lock.withLock { micros += delta } }
    }

    static let start: Int64 = 1_700_000_000_000_000  // 2023-11-14T22:13:20Z

    func make() -> (ServerClock, FakeSystem) {
        let system = FakeSystem(Self.start)
        return (ServerClock(system: { system.now }), system)
    }

    @Test func followsTheSystemClockUntouched() {
        let (clock, system) = make()
        #expect(clock.nowMicroseconds() == Self.start)
        system.pass(2_500_000)
        #expect(clock.nowMicroseconds() == Self.start + 2_500_000)
        #expect(clock.now() == 1_700_000_002)
        #expect(
            clock.state
                == ServerClock.State(nowMicroseconds: Self.start + 2_500_000, offsetMicroseconds: 0, frozen: false))
    }

    @Test func advanceAddsToTheOffsetAndKeepsRunning() {
        let (clock, system) = make()
        clock.advance(micros: 3_600_000_000)
        #expect(clock.nowMicroseconds() == Self.start + 3_600_000_000)
        system.pass(1_000_000)
        #expect(clock.nowMicroseconds() == Self.start + 3_601_000_000)
        clock.advance(micros: -7_200_000_000)
        #expect(clock.state.offsetMicroseconds == -3_600_000_000)
    }

    @Test func offsetReplacesTheOffset() {
        let (clock, _) = make()
        clock.advance(micros: 10_000_000)
        clock.setOffset(micros: -5_000_000)
        #expect(clock.nowMicroseconds() == Self.start - 5_000_000)
        #expect(clock.state.offsetMicroseconds == -5_000_000)
    }

    @Test func setJumpsToAnInstantAndRunsOnFromIt() {
        let (clock, system) = make()
        let target: Int64 = 1_893_456_000_000_000  // 2030-01-01T00:00:00Z
        clock.set(micros: target)
        #expect(clock.nowMicroseconds() == target)
        system.pass(750_000)
        #expect(clock.nowMicroseconds() == target + 750_000)
        #expect(clock.state.offsetMicroseconds == target - Self.start)
    }

    @Test func freezeStopsTimeAndThawRunsOnFromTheFrozenInstant() {
        let (clock, system) = make()
        clock.freeze(true)
        system.pass(60_000_000)
        #expect(clock.nowMicroseconds() == Self.start)
        #expect(clock.state.frozen)
        #expect(clock.state.offsetMicroseconds == -60_000_000)
        clock.advance(micros: 5_000_000)
        #expect(clock.nowMicroseconds() == Self.start + 5_000_000)
        clock.set(micros: Self.start + 100)
        #expect(clock.nowMicroseconds() == Self.start + 100)
        clock.freeze(false)
        #expect(!clock.state.frozen)
        #expect(clock.nowMicroseconds() == Self.start + 100)
        system.pass(1_000)
        #expect(clock.nowMicroseconds() == Self.start + 1_100)
    }

    @Test func freezingTwiceKeepsTheFirstInstant() {
        let (clock, system) = make()
        clock.freeze(true)
        system.pass(9_000_000)
        clock.freeze(true)
        #expect(clock.nowMicroseconds() == Self.start)
    }

    @Test func secondsRoundDownBefore1970Too() {
        let clock = ServerClock(system: { -1 })
        #expect(clock.now() == -1)
    }

    @Test func aChangeRequestAppliesOffsetSetAdvanceThenFreeze() throws {
        let (clock, system) = make()
        let change = ClockChange(advanceSeconds: 1.5, offsetSeconds: nil, set: "2030-01-01T00:00:00Z", freeze: true)
        change.apply(to: clock)
        system.pass(10_000_000)
        #expect(clock.state.frozen)
        #expect(ControlTime.format(micros: clock.nowMicroseconds()) == "2030-01-01T00:00:01.500Z")
    }

    @Test func controlTimesHaveMillisecondsAndParseBack() {
        #expect(ControlTime.format(micros: Self.start + 42_999) == "2023-11-14T22:13:20.042Z")
        #expect(ControlTime.format(micros: 0) == "1970-01-01T00:00:00.000Z")
        #expect(ControlTime.parse("2023-11-14T22:13:20.042Z") == Self.start + 42_000)
        #expect(ControlTime.parse("2023-11-14T22:13:20Z") == Self.start)
        #expect(ControlTime.parse("2023-11-15T00:13:20+02:00") == Self.start)
        #expect(ControlTime.parse("yesterday") == nil)
    }

    @Test func uploadIDsStayOrderedWhenTheClockGoesBackOrStops() {
        let (clock, _) = make()
        let generator = UploadIDGenerator(
            nowMicroseconds: { clock.nowMicroseconds() }, random: SplitMixSequence(seed: 7))
        let first = generator.next()
        clock.advance(micros: -86_400_000_000)
        let second = generator.next()
        clock.freeze(true)
        let third = generator.next()
        let fourth = generator.next()
        #expect([first, second, third, fourth].allSatisfy { $0.utf8.count == 32 })
        #expect(first < second && second < third && third < fourth)
        #expect(first.hasPrefix(String(format: "%016llX", UInt64(Self.start))))
    }

    @Test func uploadIDsFollowTheGreatestInProgressAfterARestart() {
        let earlier: @Sendable () -> Int64 = { Self.start - 1_000_000 }
        let latest = "0006BA2D4473D340" + "0123456789ABCDEF"
        let generator = UploadIDGenerator(nowMicroseconds: earlier, random: SplitMixSequence(seed: 1), after: latest)
        let next = generator.next()
        #expect(next > latest)
        #expect(next.hasPrefix("0006BA2D4473D341"))
    }

    @Test func seededIdentifiersRepeatAndDifferentSeedsDiffer() {
        let a = Identifiers(seed: "golden")
        let b = Identifiers(seed: "golden")
        let c = Identifiers(seed: "other")
        let run = { (ids: Identifiers) in (0..<5).map { _ in ids.requestID() } }
        let first = run(a)
        #expect(first == run(b))
        #expect(first != run(c))
        #expect(Set(first).count == 5)
        #expect(first.allSatisfy { $0.utf8.count == 24 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
        let frozen: @Sendable () -> Int64 = { Self.start }
        let uploadsA = UploadIDGenerator(nowMicroseconds: frozen, random: Identifiers(seed: "golden").uploads)
        let uploadsB = UploadIDGenerator(nowMicroseconds: frozen, random: Identifiers(seed: "golden").uploads)
        #expect((0..<3).map { _ in uploadsA.next() } == (0..<3).map { _ in uploadsB.next() })
    }
}
