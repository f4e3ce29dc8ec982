import ArgumentParser
import Dispatch
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

    @Flag(help: "fsync files and directories before committing metadata (env LOCALOSS_DURABLE=1).")
    var durable: Bool = env("LOCALOSS_DURABLE") == "1"

    @Option(help: "trace, debug, info, notice, warning, error or critical (env LOCALOSS_LOG_LEVEL).")
    var logLevel: String = env("LOCALOSS_LOG_LEVEL") ?? "info"

    func run() throws {
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
        let server = try Server(configuration: configuration, logger: Logger(label: "localoss"))
        try server.start()
        let shownHost = host.contains(":") ? "[\(host)]" : host
        // Written unbuffered: scripts and tests read the endpoint from the first line while the server runs.
        let banner = """
            LocalOSS listening on http://\(shownHost):\(server.port)
              access key id:     \(accessKeyId)
              access key secret: \(accessKeySecret)
              data directory:    \(dataDir)

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        let stopped = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stopped.signal() }
            source.resume()
            sources.append(source)
        }
        stopped.wait()
        server.stop()
        Logger(label: "localoss").notice("stopped")
    }
}

private func env(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
