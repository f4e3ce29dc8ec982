import Foundation

/// `GET /_localoss/clock` and `POST /_localoss/clock`: read, offset, set, advance and freeze the server's clock.
struct ClockEndpoints {
    let clock: ServerClock
    /// Run after every change, before the reply: what the clock drives (lifecycle rules) catches up first, so a
    /// test that advances the clock sees the effect when the call returns.
    var afterChange: @Sendable () -> Void = {}

    var routes: [ControlRoute] {
        [
            ControlRoute("GET", "clock") { [clock] _ in ControlReply(json: ClockState(clock.state)) },
            ControlRoute("POST", "clock") { [clock, afterChange] request in
                let change = try ClockChange.decode(request)
                change.apply(to: clock)
                afterChange()
                return ControlReply(json: ClockState(clock.state))
            },
        ]
    }
}

struct ClockState: Encodable {
    var now: String
    var offsetSeconds: Double
    var frozen: Bool

    init(_ state: ServerClock.State) {
        now = ControlTime.format(micros: state.nowMicroseconds)
        offsetSeconds = Double(state.offsetMicroseconds) / 1_000_000
        frozen = state.frozen
    }
}

/// A `POST /_localoss/clock` body. Any combination; applied as offset, then set, then advance, with freezing
/// before them and thawing after, so `{"set": T, "freeze": true}` stops the clock exactly at T and
/// `{"freeze": false}` lets it run on from where it stood.
struct ClockChange: Decodable {
    var advanceSeconds: Double?
    var offsetSeconds: Double?
    var set: String?
    var freeze: Bool?

    static let fields: Set<String> = ["advanceSeconds", "offsetSeconds", "set", "freeze"]

    static func decode(_ request: ControlRequest) throws(ControlError) -> ClockChange {
        // A misspelt field would otherwise be ignored and the test would go on with the wrong time.
        if !request.body.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        {
            let unknown = Set(object.keys).subtracting(fields)
            if !unknown.isEmpty {
                throw ControlError(
                    400, "unknown field",
                    "\(unknown.sorted().joined(separator: ", ")): the clock takes \(fields.sorted().joined(separator: ", "))"
                )
            }
        }
        let change = try request.decode(ClockChange.self)
        if change.advanceSeconds == nil, change.offsetSeconds == nil, change.set == nil, change.freeze == nil {
            throw ControlError(400, "nothing to change", "send advanceSeconds, offsetSeconds, set or freeze")
        }
        if let set = change.set, ControlTime.parse(set) == nil {
            throw ControlError(400, "invalid set", "set=\(set) is not an ISO 8601 time such as 2030-01-02T03:04:05Z")
        }
        for (name, value) in [("advanceSeconds", change.advanceSeconds), ("offsetSeconds", change.offsetSeconds)] {
            if let value, !value.isFinite || abs(value) > 1e11 {
                throw ControlError(400, "invalid \(name)", "\(name) must be a finite number of seconds")
            }
        }
        return change
    }

    func apply(to clock: ServerClock) {
        // Freezing comes first and thawing last: a frozen clock takes the new time exactly, where a running one
        // would already have moved on by the time it stopped.
        if freeze == true { clock.freeze(true) }
        if let offsetSeconds { clock.setOffset(micros: Self.micros(offsetSeconds)) }
        if let set, let instant = ControlTime.parse(set) { clock.set(micros: instant) }
        if let advanceSeconds { clock.advance(micros: Self.micros(advanceSeconds)) }
        if freeze == false { clock.freeze(false) }
    }

    private static func micros(_ seconds: Double) -> Int64 { Int64((seconds * 1_000_000).rounded()) }
}
