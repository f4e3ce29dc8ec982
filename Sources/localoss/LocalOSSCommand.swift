import ArgumentParser
import Foundation
import LocalOSS
import Logging

#if canImport(Glibc)
    import Glibc
#endif

@main
struct LocalOSSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localoss",
        abstract: "A local emulator of Alibaba Cloud OSS.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self)
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the OSS endpoint (the default command).")

    @Option(help: "Address to listen on (env LOCALOSS_HOST).")
    var host: String = env("LOCALOSS_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (env LOCALOSS_PORT).")
    var port: Int = env("LOCALOSS_PORT").flatMap(Int.init) ?? 9800

    @Option(help: "Folder for objects, uploads and metadata (env LOCALOSS_DATA_DIR).")
    var dataDir: String = env("LOCALOSS_DATA_DIR") ?? "./localoss-data"

    @Option(help: "Access key id clients sign with (env LOCALOSS_ACCESS_KEY_ID).")
    var accessKeyId: String = env("LOCALOSS_ACCESS_KEY_ID") ?? Configuration.defaultAccessKeyID

    @Option(help: "Access key secret (env LOCALOSS_ACCESS_KEY_SECRET).")
    var accessKeySecret: String = env("LOCALOSS_ACCESS_KEY_SECRET") ?? Configuration.defaultAccessKeySecret

    @Option(help: "Verify request signatures: on or off (env LOCALOSS_AUTH).")
    var auth: String = env("LOCALOSS_AUTH") ?? "on"

    @Option(
        name: .customLong("credential"),
        help:
            "Another accepted access key pair, ID:SECRET[:ACCOUNT_UID]; repeatable (env LOCALOSS_CREDENTIALS, comma-separated)."
    )
    var credentials: [String] = env("LOCALOSS_CREDENTIALS").map { [$0] } ?? []

    @Option(help: "A file of ID:SECRET[:ACCOUNT_UID] lines to accept as well (env LOCALOSS_CREDENTIALS_FILE).")
    var credentialsFile: String?

    @Option(help: "Seconds a signed request's time may be off the server clock (env LOCALOSS_MAX_SKEW).")
    var maxSkew: Int = env("LOCALOSS_MAX_SKEW").flatMap(Int.init) ?? 900

    @Option(
        name: .customLong("base-domain"),
        help:
            "Host name under which <bucket>.<name> is virtual-hosted addressing; repeatable (env LOCALOSS_BASE_DOMAINS)."
    )
    var baseDomains: [String] = env("LOCALOSS_BASE_DOMAINS")?.split(separator: ",").map(String.init) ?? []

    @Option(
        help:
            "OSS region played: V4 signatures must be scoped to it; buckets report oss-<region> (env LOCALOSS_REGION)."
    )
    var region: String = env("LOCALOSS_REGION") ?? "cn-hangzhou"

    @Option(help: "Seconds an idle or stalled connection is kept (env LOCALOSS_IDLE_TIMEOUT).")
    var idleTimeout: Int = env("LOCALOSS_IDLE_TIMEOUT").flatMap(Int.init) ?? 60

    @Option(help: "Seconds a request head may take to arrive once started (env LOCALOSS_HEADER_TIMEOUT).")
    var headerTimeout: Int = env("LOCALOSS_HEADER_TIMEOUT").flatMap(Int.init) ?? 20

    @Option(
        help:
            "Seconds a request body may take in all, plus one per MiB received: a slower body is cut off with 400 RequestTimeout (env LOCALOSS_BODY_TIMEOUT)."
    )
    var bodyTimeout: Int = env("LOCALOSS_BODY_TIMEOUT").flatMap(Int.init) ?? 300

    @Option(
        help:
            "Most client connections open at once; more are answered 503 ServiceUnavailable and closed. 0: no limit (env LOCALOSS_MAX_CONNECTIONS)."
    )
    var maxConnections: Int = env("LOCALOSS_MAX_CONNECTIONS").flatMap(Int.init) ?? 0

    @Option(
        help:
            "Most worker threads serving requests at once; idle connections take none, each request in progress (a slow upload too) takes one (env LOCALOSS_WORKERS)."
    )
    var workers: Int = env("LOCALOSS_WORKERS").flatMap(Int.init) ?? Configuration().workers

    @Option(help: "PEM certificate (chain) to serve HTTPS with; needs --tls-key (env LOCALOSS_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (env LOCALOSS_TLS_KEY).")
    var tlsKey: String?

    @Option(
        help:
            "Token the control plane (/_localoss/) requires as Authorization: Bearer TOKEN; needed to use it when listening beyond loopback (env LOCALOSS_ADMIN_TOKEN)."
    )
    var adminToken: String?

    @Option(
        help:
            "Requests the journal (/_localoss/requests) keeps, newest last; 0 keeps none (env LOCALOSS_JOURNAL_SIZE)."
    )
    var journalSize: Int = env("LOCALOSS_JOURNAL_SIZE").flatMap(Int.init) ?? Configuration().journalSize

    @Option(
        help:
            "Seed request ids and upload ids from SEED (any text), so two runs of one client against fresh servers give identical replies; freeze the clock too for identical times (env LOCALOSS_DETERMINISTIC)."
    )
    var deterministic: String?

    @Option(
        help:
            "Smallest part but the last that CompleteMultipartUpload accepts, in bytes; lower it for fast tests with tiny parts (env LOCALOSS_MIN_PART_SIZE)."
    )
    var minPartSize: Int64 = env("LOCALOSS_MIN_PART_SIZE").flatMap { Int64($0) } ?? Configuration().minimumPartSize

    @Option(
        help:
            "Seconds a RestoreObject of an Archive, ColdArchive or DeepColdArchive object takes until it is readable, measured on the server clock (env LOCALOSS_RESTORE_DELAY)."
    )
    var restoreDelay: Int64 =
        env("LOCALOSS_RESTORE_DELAY").flatMap { Int64($0) } ?? Configuration().restoreDelaySeconds

    @Option(
        name: .customLong("fault"),
        help:
            "A fault rule in force from the start, as the JSON POST /_localoss/faults takes; repeatable (env LOCALOSS_FAULTS, a JSON array)."
    )
    var faults: [String] = env("LOCALOSS_FAULTS").map { [$0] } ?? []

    @Option(
        help:
            "Seconds between lifecycle sweeps (OSS runs rules daily); 0: only on POST /_localoss/lifecycle/run and clock changes (env LOCALOSS_LIFECYCLE_INTERVAL)."
    )
    var lifecycleInterval: Int =
        env("LOCALOSS_LIFECYCLE_INTERVAL").flatMap(Int.init) ?? Configuration().lifecycleInterval

    @Option(
        help:
            "Seconds between writes of buffered access-log lines into logging target buckets (OSS writes hourly); 0: only on POST /_localoss/logging/flush, clock changes and stop (env LOCALOSS_ACCESS_LOG_INTERVAL)."
    )
    var accessLogInterval: Int =
        env("LOCALOSS_ACCESS_LOG_INTERVAL").flatMap(Int.init) ?? Configuration().accessLogInterval

    @Option(
        help:
            "Load a folder tree at start: first-level folders become buckets, files below them objects keyed by their relative path; same names are overwritten (env LOCALOSS_SEED_DIR)."
    )
    var seedDir: String?

    @Flag(help: "fsync files and directories before committing metadata (env LOCALOSS_DURABLE=1).")
    var durable: Bool = env("LOCALOSS_DURABLE") == "1"

    @Option(help: "trace, debug, info, notice, warning, error or critical (env LOCALOSS_LOG_LEVEL).")
    var logLevel: String = env("LOCALOSS_LOG_LEVEL") ?? "info"

    func run() throws {
        // Optional options take their environment fallback here (ArgumentParser deprecates defaults on them).
        let adminToken = adminToken ?? env("LOCALOSS_ADMIN_TOKEN")
        let deterministic = deterministic ?? env("LOCALOSS_DETERMINISTIC")
        let seedDir = seedDir ?? env("LOCALOSS_SEED_DIR")
        // SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask) and taken with sigwait
        // below: a signal that arrives at any moment, even right after the banner, stays pending until then.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        var configuration = Configuration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDir
        configuration.accessKeyID = accessKeyId
        configuration.accessKeySecret = accessKeySecret
        configuration.durable = durable
        configuration.idleTimeout = idleTimeout
        configuration.headTimeout = headerTimeout
        guard bodyTimeout > 0 else { throw ValidationError("--body-timeout must be a positive number of seconds") }
        configuration.bodyTimeout = bodyTimeout
        guard maxConnections >= 0 else { throw ValidationError("--max-connections must be 0 or more") }
        configuration.maxConnections = maxConnections
        guard workers > 0 else { throw ValidationError("--workers must be 1 or more") }
        configuration.workers = workers
        let tlsCertificate = tlsCert ?? env("LOCALOSS_TLS_CERT")
        let tlsPrivateKey = tlsKey ?? env("LOCALOSS_TLS_KEY")
        guard (tlsCertificate == nil) == (tlsPrivateKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        configuration.tlsCertificateFile = tlsCertificate
        configuration.tlsKeyFile = tlsPrivateKey
        guard auth == "on" || auth == "off" else { throw ValidationError("--auth takes on or off") }
        configuration.authenticationEnabled = auth == "on"
        configuration.maxClockSkew = maxSkew
        configuration.region = region
        configuration.adminToken = adminToken
        guard lifecycleInterval >= 0 else { throw ValidationError("--lifecycle-interval must be 0 or more seconds") }
        configuration.lifecycleInterval = lifecycleInterval
        guard accessLogInterval >= 0 else { throw ValidationError("--access-log-interval must be 0 or more seconds") }
        configuration.accessLogInterval = accessLogInterval
        guard journalSize >= 0 else { throw ValidationError("--journal-size must be 0 or more") }
        configuration.journalSize = journalSize
        if let deterministic, deterministic.isEmpty {
            throw ValidationError("--deterministic needs a seed (any non-empty text)")
        }
        configuration.deterministicSeed = deterministic
        guard minPartSize >= 0 else { throw ValidationError("--min-part-size must be 0 or more bytes") }
        configuration.minimumPartSize = minPartSize
        guard restoreDelay >= 0 else { throw ValidationError("--restore-delay must be 0 or more seconds") }
        configuration.restoreDelaySeconds = restoreDelay
        configuration.faultRules = faults
        configuration.seedDirectory = seedDir.flatMap { $0.isEmpty ? nil : $0 }
        var texts = credentials
        if let credentialsFile = credentialsFile ?? env("LOCALOSS_CREDENTIALS_FILE") {
            texts.append(try String(contentsOfFile: credentialsFile, encoding: .utf8))
        }
        for text in texts {
            let parsed = try Credentials.parse(text)
            for (id, secret) in parsed.secrets {
                configuration.extraCredentials[id] = secret
                configuration.extraAccounts[id] = parsed.accounts[id]
            }
        }
        configuration.baseDomains = ["localhost"] + baseDomains
        if !host.isEmpty, host.first!.isLetter, host != "localhost" { configuration.baseDomains.append(host) }
        let logger = Logger(label: "localoss")
        if FaultInjection.isArmed {
            logger.warning("crash points armed (\(FaultInjection.targetVariable)): this server will SIGKILL itself")
        } else if env(FaultInjection.targetVariable) != nil {
            logger.warning(
                "\(FaultInjection.targetVariable) ignored: crash points also need \(FaultInjection.switchVariable)=1")
        }
        let server = try Server(configuration: configuration, logger: logger)
        try server.start()
        let shownHost = host.contains(":") ? "[\(host)]" : host
        // Only the documented development secret is ever printed: a real one would end up in terminals and CI logs.
        let shownSecret =
            accessKeySecret == Configuration.defaultAccessKeySecret
            ? accessKeySecret : "(not shown: set by --access-key-secret / LOCALOSS_ACCESS_KEY_SECRET)"
        // Written unbuffered: scripts and tests read the endpoint from the first line while the server runs.
        let controlAccess =
            adminToken != nil
            ? "needs Authorization: Bearer <--admin-token>"
            : (ControlPlaneAccessDescription.isLoopback(host) ? "open on loopback" : "closed: no --admin-token")
        let banner = """
            LocalOSS listening on \(server.scheme)://\(shownHost):\(server.port)
              access key id:     \(accessKeyId)
              access key secret: \(shownSecret)
              data directory:    \(dataDir)
              signatures:        \(auth == "on" ? "verified (V1, V2 and V4)" : "not checked (--auth off)")
              ids:               \(deterministic == nil ? "random" : "seeded (--deterministic)")
              control plane:     \(server.scheme)://\(shownHost):\(server.port)/_localoss/ (\(controlAccess))
              web console:       \(server.scheme)://\(shownHost):\(server.port)/_localoss/console/

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        server.stop()
        Logger(label: "localoss").notice("stopped")
    }
}

private func env(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
