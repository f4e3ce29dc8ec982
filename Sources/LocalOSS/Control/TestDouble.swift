import Foundation

/// What the server keeps for tests to steer and inspect it, shared by the request pipeline (which consults and
/// feeds it) and the control plane (which exposes it). One per server.
final class TestDouble: Sendable {
    let version = LocalOSSVersion.current
    let dataDirectory: String
    /// Monotonic milliseconds at start, for `uptimeSeconds`.
    let startedAt = HTTPDate.monotonicMilliseconds()
    /// The server's one wall clock (`/_localoss/clock`).
    let clock: ServerClock
    /// Fault rules, consulted by `Service` for every OSS request (`--fault`, `/_localoss/faults`).
    let faults: FaultRules
    /// Metrics and journal of OSS requests (`/_localoss/metrics`, `/_localoss/requests`).
    let observer: RequestObserver
    /// Read at scrape time: open connections and what the store holds.
    let gauges: @Sendable () -> ScrapeGauges
    /// Applies lifecycle rules on the clock (`/_localoss/lifecycle/run`, and after every clock change).
    let lifecycle: LifecycleSweeper?
    /// Reset, snapshots and restore of the stored state (`/_localoss/reset`, `/_localoss/snapshots`).
    let state: StateStore?
    /// Writes buffered access-log lines (`/_localoss/logging/flush`, and after every clock change).
    let accessLog: AccessLog?

    init(
        dataDirectory: String, clock: ServerClock = ServerClock(),
        observer: RequestObserver? = nil,
        gauges: @escaping @Sendable () -> ScrapeGauges = { ScrapeGauges(openConnections: 0) },
        faults: [FaultRule] = [], lifecycle: LifecycleSweeper? = nil, accessLog: AccessLog? = nil,
        state: StateStore? = nil
    ) {
        self.state = state
        self.accessLog = accessLog
        self.dataDirectory = dataDirectory
        self.clock = clock
        self.observer = observer ?? RequestObserver(clock: clock, journal: RequestJournal())
        self.gauges = gauges
        self.faults = FaultRules(faults)
        self.lifecycle = lifecycle
    }

    /// Every endpoint of the control plane. Each capability adds its rows here.
    var routes: [ControlRoute] {
        [
            ControlRoute("GET", "health") { [self] _ in
                ControlReply(
                    json: Health(status: "ok", version: version, dataDir: dataDirectory, uptimeSeconds: uptime))
            }
        ] + ObservationEndpoints(observer: observer, gauges: gauges).routes
            + ClockEndpoints(
                clock: clock,
                afterChange: { [lifecycle, accessLog] in
                    lifecycle?.sweep()
                    accessLog?.flush()
                }
            ).routes
            + faults.routes + lifecycleRoutes + accessLogRoutes + stateRoutes
    }

    /// `POST /_localoss/lifecycle/run`: one sweep now; the reply counts what it changed.
    private var lifecycleRoutes: [ControlRoute] {
        guard let lifecycle else { return [] }
        return [ControlRoute("POST", "lifecycle/run") { _ in ControlReply(json: lifecycle.sweep()) }]
    }

    /// Reset and snapshots; a reset or restore drops the access-log lines of the state it replaced.
    private var stateRoutes: [ControlRoute] {
        guard let state else { return [] }
        return StateEndpoints(state: state, afterChange: { [accessLog] bucket in accessLog?.discard(source: bucket) })
            .routes
    }

    /// `POST /_localoss/logging/flush`: writes every buffered access-log line now; the reply lists the objects.
    private var accessLogRoutes: [ControlRoute] {
        guard let accessLog else { return [] }
        return [ControlRoute("POST", "logging/flush") { _ in ControlReply(json: accessLog.flush()) }]
    }

    var uptime: Double { Double(HTTPDate.monotonicMilliseconds() - startedAt) / 1000 }

    struct Health: Encodable {
        var status: String
        var version: String
        var dataDir: String
        var uptimeSeconds: Double
    }
}

public enum LocalOSSVersion {
    public static let current = "0.4.0"
}
