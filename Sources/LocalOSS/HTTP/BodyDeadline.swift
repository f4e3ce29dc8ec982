/// How long a request body may take in all: `grace` seconds, plus one second for every `minimumRate` bytes received
/// so far. A 5 GiB part over a slow link keeps earning time as long as it moves at the minimum rate, while a client
/// trickling a byte just inside the idle timeout cannot hold a connection (and its thread) for ever.
struct BodyDeadline {
    static let minimumRate: UInt64 = 1 << 20

    let startedAt: Int64
    let graceMilliseconds: Int64

    init(grace seconds: Int, startedAt: Int64 = HTTPDate.monotonicMilliseconds()) {
        self.startedAt = startedAt
        graceMilliseconds = Int64(seconds) * 1000
    }

    /// The monotonic time (milliseconds) by which the next bytes must arrive, once `received` bytes are in.
    func deadline(afterReceiving received: UInt64) -> Int64 {
        let earned = Int64(min(received / Self.minimumRate, UInt64(Int32.max))) * 1000
        return startedAt + graceMilliseconds + earned
    }
}
