import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Listens on a TCP socket and serves its connections with a bounded pool of workers: sockets waiting for input
/// (new, idle between requests, or with half a head) are parked in one `ParkingLoop` at no thread each, and a socket
/// with input is served by a worker until it would have to wait again. `start()` returns once the socket is bound;
/// `stop()` closes the listener and every connection.
public final class Server: @unchecked Sendable {
    public let configuration: Configuration
    public private(set) var port = 0
    /// "https" when the server was given a TLS certificate and key, else "http".
    public var scheme: String { tls == nil ? "http" : "https" }
    private let logger: Logger
    private let service: Service
    private let metadata: MetadataStore
    private let blobs: BlobStore
    private let connections = ConnectionRegistry()
    /// Applies the buckets' lifecycle rules every `--lifecycle-interval` seconds once started.
    private let lifecycle: LifecycleSweeper
    /// Writes buffered access-log lines every `--access-log-interval` seconds once started.
    private let accessLog: AccessLog
    private var listener: Int32 = -1
    private let bodyBuffers: BodyBufferPool
    private let tls: TLSContext?
    private var loop: ParkingLoop?
    private var workers: WorkerPool<Connection>?
    /// Held from before the first file is opened until `stop()`; nil once stopped.
    private var directoryLock: DataDirectoryLock?
    private var refuser: ConnectionRefuser?
    /// When a worker that could not be started was last logged (monotonic milliseconds); the loop's thread only.
    private var lastWorkerShortageLog: Int64?
    /// How worker threads are started; tests replace it to simulate a process out of threads.
    var startThread: DetachedThread.Starter = DetachedThread.start

    /// Locks the data directory (failing with `ServerError.dataDirectoryInUse` if another server holds it) and
    /// opens the stores. Nothing is deleted before `start()` has bound the port.
    public init(configuration: Configuration, logger: Logger = Logger(label: "localoss")) throws {
        self.configuration = configuration
        self.logger = logger
        bodyBuffers = BodyBufferPool(halfSize: configuration.bodyChunkSize, maxSpare: 4)
        switch (configuration.tlsCertificateFile, configuration.tlsKeyFile) {
        case (nil, nil):
            tls = nil
        case (let certificate?, let key?):
            do {
                tls = try TLSContext(certificateFile: certificate, keyFile: key)
            } catch {
                throw ServerError.tlsUnusable(error.description)
            }
        default:
            throw ServerError.tlsUnusable("a certificate and a private key are needed together")
        }
        directoryLock = try DataDirectoryLock(directory: configuration.dataDirectory)
        signal(SIGPIPE, SIG_IGN)
        Self.raiseFileDescriptorLimit()
        blobs = try BlobStore(root: configuration.dataDirectory, durable: configuration.durable)
        metadata = try MetadataStore(
            path: configuration.dataDirectory + "/metadata.sqlite", durable: configuration.durable)
        let clock = ServerClock()
        let identifiers = configuration.deterministicSeed.map { Identifiers(seed: $0) } ?? Identifiers()
        var objectStore = ObjectStore(metadata: metadata, blobs: blobs, clock: clock)
        objectStore.restoreDelay = configuration.restoreDelaySeconds
        objectStore.versionIDs = VersionIDGenerator(
            nowMilliseconds: { clock.nowMicroseconds() / 1000 }, random: identifiers.versions)
        let objects = objectStore
        var multipart = MultipartStore(metadata: metadata, blobs: blobs, objects: objects)
        multipart.clock = clock
        multipart.minimumPartSize = configuration.minimumPartSize
        multipart.uploadIDs = UploadIDGenerator(
            nowMicroseconds: { clock.nowMicroseconds() }, random: identifiers.uploads,
            after: try metadata.read { try $0.latestUploadID() })
        let region = Region(id: configuration.region)
        var authenticator = Authenticator(
            credentials: configuration.credentials, enabled: configuration.authenticationEnabled,
            maxSkew: Int64(configuration.maxClockSkew))
        authenticator.region = region
        authenticator.now = { clock.now() }
        let router = Router(baseDomains: configuration.baseDomains)
        var faults: [FaultRule] = []
        // An empty value (LOCALOSS_FAULTS= in a CI template) means no rules.
        for (index, text) in configuration.faultRules.enumerated() where !text.allSatisfy(\.isWhitespace) {
            do {
                faults += try FaultRule.parseList(Array(text.utf8))
            } catch {
                throw ServerError.invalidFaultRule("rule \(index + 1) (\(text)): \(error.description)")
            }
        }
        let observer = RequestObserver(clock: clock, journal: RequestJournal(capacity: configuration.journalSize))
        let lifecycle = LifecycleSweeper(objects: objects, multipart: multipart, clock: clock, logger: logger)
        self.lifecycle = lifecycle
        let accessLog = AccessLog(objects: objects, clock: clock, logger: logger)
        self.accessLog = accessLog
        let testDouble = TestDouble(
            dataDirectory: configuration.dataDirectory, clock: clock, observer: observer,
            gauges: { [connections] in
                ScrapeGauges(openConnections: connections.count, storage: try? objects.statistics())
            }, faults: faults, lifecycle: lifecycle, accessLog: accessLog,
            state: try StateStore(metadata: metadata, blobs: blobs, clock: clock))
        let controlPlane = ControlPlane(
            routes: testDouble.routes + ConsoleEndpoints(objects: objects, multipart: multipart).routes,
            access: ControlAccess(token: configuration.adminToken, listenHost: configuration.host), router: router)
        service = Service(
            router: router, authenticator: authenticator, objects: objects, multipart: multipart, region: region,
            scheme: tls == nil ? "http" : "https", logger: logger, controlPlane: controlPlane, observer: observer,
            identifiers: identifiers,
            dates: DateCache(clock: clock), faults: testDouble.faults, accessLog: accessLog)
    }

    /// Binds the port, sweeps what a crash left behind, then accepts connections. The port comes first so that a
    /// start that cannot listen changes nothing on disk.
    public func start() throws {
        listener = try Self.bind(host: configuration.host, port: configuration.port)
        do {
            let report = try GarbageCollector(metadata: metadata, blobs: blobs).collect()
            if report.temporaryFiles + report.orphanedBlobs > 0 {
                logger.notice(
                    "start-up sweep removed \(report.temporaryFiles) unfinished and \(report.orphanedBlobs) orphaned files"
                )
            }
            if let seed = configuration.seedDirectory { try loadSeed(seed) }
        } catch {
            close(listener)
            listener = -1
            throw error
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        if configuration.lifecycleInterval > 0, !lifecycle.start(every: configuration.lifecycleInterval) {
            logger.warning("cannot start the lifecycle thread; rules run on /_localoss/lifecycle/run and clock changes")
        }
        if !accessLog.start(every: configuration.accessLogInterval) {
            logger.warning("cannot start the access-log thread; logs are written on /_localoss/logging/flush")
        }
        do {
            let refuser = try ConnectionRefuser(startThread: DetachedThread.start, dates: service.dates)
            self.refuser = refuser
            let workers = WorkerPool<Connection>(maxWorkers: configuration.workers, startThread: startThread) {
                [self] connection in serve(connection)
            }
            self.workers = workers
            let loop = try ParkingLoop(
                listener: listener, onAccept: { [self] fd in admit(fd) },
                onReadable: { [self] connection in dispatch(connection) },
                onClosed: { [connections] connection in connections.remove(connection.fd) })
            self.loop = loop
            try loop.start(with: DetachedThread.start)
        } catch {
            loop = nil
            refuser?.stop()
            refuser = nil
            close(listener)
            listener = -1
            throw error
        }
    }

    /// `--seed-dir`: after the sweep (the seed's blobs are then never taken for orphans), before the first request.
    private func loadSeed(_ directory: String) throws {
        let summary = try SeedDirectory(objects: service.objects).load(directory)
        for warning in summary.warnings { logger.warning("seed: \(warning)") }
        logger.notice(
            "seed: loaded \(summary.objects) objects (\(summary.bytes) bytes) into \(summary.buckets) buckets from \(directory)"
        )
    }

    public func stop() {
        let fd = listener
        guard fd >= 0 else { return }
        listener = -1
        // `loop` and `workers` stay set: workers still finishing a request read them.
        loop?.stop()
        close(fd)
        // Sockets in workers' hands: their reads and writes fail at once, so the workers finish quickly.
        connections.closeAll()
        workers?.stop()
        refuser?.stop()
        refuser = nil
        lifecycle.stop()
        accessLog.stop()
        // What requests logged since the last write is not lost with the process.
        accessLog.flush()
        metadata.checkpoint()
        directoryLock = nil
    }

    /// A new client socket: refused beyond `--max-connections`, otherwise parked until its first request arrives.
    private func admit(_ client: Int32) {
        SocketCalls.configureClient(client, timeout: configuration.idleTimeout)
        let limit = configuration.maxConnections
        guard limit == 0 || connections.count < limit else {
            logger.warning("refused a connection with 503: \(limit) connections are open (--max-connections)")
            refuser?.refuse(client, message: "The server already has \(limit) open connections; try again later.")
            return
        }
        var transport: ByteTransport?
        if let tls {
            guard let session = TLSTransport(context: tls, fd: client) else {
                logger.error("cannot set up TLS for a connection: \(TLSContext.lastError())")
                close(client)
                return
            }
            transport = session
        }
        let connection = Connection(
            fd: client, transport: transport, service: service, bodyBuffers: bodyBuffers,
            configuration: configuration, logger: logger)
        connections.add(client)
        loop?.park(connection, until: connection.initialDeadline)
    }

    /// A parked connection has input: a worker serves it.
    private func dispatch(_ connection: Connection) {
        switch workers?.submit(connection) ?? .refused(ESHUTDOWN) {
        case .queued:
            break
        case .queuedWithoutNewWorker(let status):
            // Under a thread limit this happens on every busy moment: once in 10 s is enough to explain it.
            let now = HTTPDate.monotonicMilliseconds()
            if let last = lastWorkerShortageLog, now - last < 10_000 { return }
            lastWorkerShortageLog = now
            logger.warning(
                "cannot start another worker thread (\(String(cString: strerror(status)))); connections wait for the running ones"
            )
        case .refused(let status):
            connections.remove(connection.fd)
            logger.error(
                "cannot start a thread for a new connection (\(String(cString: strerror(status)))); answered 503")
            refuser?.refuse(connection.fd, message: "The server cannot take another connection now; try again later.")
        }
    }

    /// Runs on a worker: serves what has arrived, then parks the connection again or closes it.
    private func serve(_ connection: Connection) {
        switch connection.serveArrived() {
        case .park(let deadline):
            if let loop {
                loop.park(connection, until: deadline)
                return
            }
        case .close:
            break
        }
        connections.remove(connection.fd)
        close(connection.fd)
    }

    /// Each connection holds a descriptor; the usual soft limit (1024) is far below what keep-alive clients need.
    private static func raiseFileDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    private static func bind(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let info = result else {
            throw ServerError.cannotBind("\(host):\(port): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw ServerError.cannotBind("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 1024) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ServerError.cannotBind("\(host):\(port): \(message)")
        }
        return fd
    }
}

public enum ServerError: Error, CustomStringConvertible {
    case cannotBind(String)
    /// Another LocalOSS process (or server in this process) holds the data directory's lock.
    case dataDirectoryInUse(String)
    case dataDirectoryUnusable(String)
    case cannotStartThread(String)
    case tlsUnusable(String)
    /// A `--fault` (or `LOCALOSS_FAULTS`) rule that cannot be used.
    case invalidFaultRule(String)

    public var description: String {
        switch self {
        case .cannotBind(let detail): "cannot listen on \(detail)"
        case .dataDirectoryInUse(let directory):
            "data directory \(directory) is in use by another LocalOSS server (its \(DataDirectoryLock.fileName) is locked); stop that server or choose another --data-dir"
        case .dataDirectoryUnusable(let detail): "cannot use the data directory: \(detail)"
        case .cannotStartThread(let detail): "cannot start a thread: \(detail)"
        case .tlsUnusable(let detail): "cannot serve TLS: \(detail)"
        case .invalidFaultRule(let detail): "invalid --fault \(detail)"
        }
    }
}

/// Open client sockets, so `stop()` can shut them down. `@unchecked Sendable`: the set is guarded by `lock`.
final class ConnectionRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var open = Set<Int32>()

    var count: Int { lock.withLock { open.count } }

    func add(_ fd: Int32) { lock.withLock { _ = open.insert(fd) } }
    func remove(_ fd: Int32) { lock.withLock { _ = open.remove(fd) } }

    func closeAll() {
        lock.withLock {
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }
}
