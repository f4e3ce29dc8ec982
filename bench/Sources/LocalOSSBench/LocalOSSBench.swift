import Foundation

#if canImport(Glibc)
    import Glibc
#endif

let usage = """
    usage: localoss-bench [--quick] [--localoss PATH] [--data-root DIR] [--keep-data]
                          [--peer URL [--peer-cmd CMD | --peer-pid PID] [--peer-name NAME]] [--peer-only]

    Starts a release build of localoss on a temporary data directory, measures the multipart workload and prints one
    line per figure: name, value, unit, ratio to this machine's single-core MD5 rate, budget and PASS/MISS.
      --quick          small sizes (32 MiB uploads, 5,000 uploads in progress, 64 connections), as CI runs it
      --localoss PATH  the server binary (default: localoss next to this executable)
      --data-root DIR  where the temporary data directory goes (default $TMPDIR or /tmp)
      --keep-data      leave the data directory in place
      --peer URL       run the same workload against another server (path-style S3, unsigned), e.g. moto_server
      --peer-cmd CMD   start the peer with `sh -c "exec CMD"` (so its start-up time and RSS are measured too)
      --peer-pid PID   the running peer's pid, for its RSS
      --peer-name NAME column title for the peer (default: peer)
      --peer-only      skip LocalOSS (for trying the peer alone)
      --only PHASES    comma-separated subset of upload, get, complete, range, list, connections, small, copy
    Exit status: 1 on a correctness failure of LocalOSS (HTTP error, wrong bytes, ETag or CRC), 2 on bad usage;
    never on time.
    """

@main
enum LocalOSSBench {
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        var options = Options()
        do {
            options = try parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n\n\(usage)\n".utf8))
            exit(2)
        }
        exit(run(options))
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var quick = false
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchError("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--quick": quick = true
            case "--localoss": options.localoss = try value()
            case "--data-root": options.dataRoot = try value()
            case "--keep-data": options.keepData = true
            case "--peer": options.peerURL = try value()
            case "--peer-cmd": options.peerCommand = try value()
            case "--peer-pid":
                guard let pid = Int32(try value()) else { throw BenchError("--peer-pid takes a number") }
                options.peerPID = pid
            case "--peer-name": options.peerName = try value()
            case "--peer-only": options.skipLocalOSS = true
            case "--only": options.only = Set(try value().split(separator: ",").map(String.init))
            case "-h", "--help":
                print(usage)
                exit(0)
            default: throw BenchError("unknown argument \(arguments[index])")
            }
            index += 1
        }
        if quick {
            options.applyQuick()
        }
        if options.peerURL == nil, options.peerCommand != nil || options.skipLocalOSS {
            throw BenchError("--peer-cmd and --peer-only need --peer URL")
        }
        if let url = options.peerURL { _ = try Endpoint(url: url) }
        return options
    }

    static func run(_ options: Options) -> Int32 {
        if let root = options.dataRoot { setenv("TMPDIR", root, 1) }
        let mode =
            options.quick
            ? "quick" : "full"
        log(
            "mode \(mode): \(options.uploadMiB) MiB uploads in \(options.partMiB) MiB parts, \(options.uploads) uploads in progress, \(options.connections) connections"
        )

        let loadBefore = loadAverage()
        log(
            "measuring single-core MD5 (EVP, 16 KiB blocks, \(format(options.md5Seconds, 0)) s); load average \(loadBefore)"
        )
        let md5Before = Digest.md5Rate(seconds: options.md5Seconds)
        let speed = options.quick ? nil : opensslSpeed()
        log("MD5 \(format(md5Before)) MiB/s in-process\(speed.map { ", openssl speed \(format($0)) MiB/s" } ?? "")")

        let begin = now()
        let smallBytes = options.smallParts * options.smallPartBytes
        let payloadSize = max(
            options.uploadBytes, (smallBytes + options.partBytes - 1) / options.partBytes * options.partBytes)
        let payload = Payload(size: max(payloadSize, options.connections * options.connectionPartBytes))
        let bigPlan = (0..<options.bigPartCount).map { index -> PartSpec in
            let bytes = payload.slice(index * options.partBytes, options.partBytes)
            return PartSpec(
                offset: index * options.partBytes, length: options.partBytes, md5: Digest.md5(bytes),
                crc: Digest.crc64(bytes))
        }
        let smallPlan = (0..<options.smallParts).map { index -> PartSpec in
            let bytes = payload.slice(index * options.smallPartBytes, options.smallPartBytes)
            return PartSpec(
                offset: index * options.smallPartBytes, length: options.smallPartBytes, md5: Digest.md5(bytes),
                crc: Digest.crc64(bytes))
        }
        log("payload of \(payload.size >> 20) MiB and its digests ready in \(format(now() - begin, 2)) s")

        var local: Results?
        var peer: Results?
        var localFailed = false
        if !options.skipLocalOSS {
            do {
                local = try runLocalOSS(options, payload: payload, bigPlan: bigPlan, smallPlan: smallPlan)
            } catch {
                log("LocalOSS run failed: \(error)")
                localFailed = true
            }
        }
        if let url = options.peerURL {
            do {
                peer = try runPeer(url, options, payload: payload, bigPlan: bigPlan, smallPlan: smallPlan)
            } catch {
                log("\(options.peerName) run failed: \(error)")
            }
        }
        // Measured again after the runs: on a shared machine the highest figure is the closest to one free core's.
        let md5After = Digest.md5Rate(seconds: options.md5Seconds)
        let md5 = max(md5Before, md5After, speed ?? 0)
        var md5Note =
            "max of in-process EVP on one core \(format(md5Before)) before and \(format(md5After)) after the runs"
        if let speed { md5Note += ", openssl speed -evp md5 -bytes 16384 \(format(speed))" }
        md5Note += "; load average before \(loadBefore), after \(loadAverage())"
        Report(options: options, md5: md5, md5Note: md5Note, local: local, peer: peer).print()
        if localFailed || !(local?.failures.isEmpty ?? true) { return 1 }
        return 0
    }

    /// The first three fields of /proc/loadavg: how busy the machine was (other work skews every figure).
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// `openssl speed -evp md5 -bytes 16384 -seconds 2`, in MiB/s, as a cross-check of the in-process figure.
    static func opensslSpeed() -> Double? {
        guard
            let child = try? ChildProcess.spawn(
                ["openssl", "speed", "-evp", "md5", "-bytes", "16384", "-seconds", "2"], environment: [:],
                logPath: "/dev/null", captureStdout: true)
        else { return nil }
        defer { child.terminate(grace: 1) }
        var rate: Double?
        let deadline = now() + 20
        while let line = try? child.readLine(deadline: deadline) {
            let fields = line.split(separator: " ")
            if fields.count >= 2, fields[0].lowercased() == "md5", let last = fields.last, last.hasSuffix("k"),
                let thousands = Double(last.dropLast())
            {
                rate = thousands * 1000 / 1_048_576
            }
        }
        return rate
    }

    /// localoss next to this executable (both live in the same SwiftPM build folder).
    static func localossBinary(_ options: Options) -> String {
        if let path = options.localoss { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let own = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let slash = own.lastIndex(of: "/") { return String(own[..<slash]) + "/localoss" }
        }
        return "localoss"
    }

    /// Spawns localoss on `dataDirectory` and returns it with its endpoint and the ms from spawn to the first answered
    /// request (the banner on stdout gives the port; `GET /` is the request).
    static func startLocalOSS(_ binary: String, dataDirectory: String, extra: [String] = []) throws -> (
        ChildProcess, Endpoint, Double
    ) {
        let begin = now()
        let child = try ChildProcess.spawn(
            [
                binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDirectory, "--log-level",
                "warning",
            ] + extra,
            environment: ["LOCALOSS_AUTH": "off"], logPath: dataDirectory + ".log", captureStdout: true)
        do {
            let banner = try child.readLine(deadline: begin + 60)
            guard let range = banner.firstRange(of: "http://") else {
                throw BenchError("unexpected first line from localoss: \(banner)")
            }
            let endpoint = try Endpoint(url: String(banner[range.lowerBound...]).split(separator: " ")[0].description)
            let connection = HTTPConnection(endpoint, timeoutSeconds: 60)
            let reply = try connection.request("GET", "/")
            let elapsed = (now() - begin) * 1000
            guard reply.status > 0 else { throw BenchError("no answer") }
            return (child, endpoint, elapsed)
        } catch {
            child.terminate()
            throw error
        }
    }

    static func runLocalOSS(_ options: Options, payload: Payload, bigPlan: [PartSpec], smallPlan: [PartSpec]) throws
        -> Results
    {
        let binary = localossBinary(options)
        guard access(binary, X_OK) == 0 else {
            throw BenchError("no localoss binary at \(binary); build it (bench/run.sh does) or pass --localoss")
        }
        log("LocalOSS: \(binary)")
        var startups: [Double] = []
        for _ in 0..<options.startupTrials {
            let directory = try makeTemporaryDirectory("localoss-bench-start")
            defer {
                removeDirectory(directory)
                unlink(directory + ".log")
            }
            let (child, _, elapsed) = try startLocalOSS(binary, dataDirectory: directory)
            child.terminate()
            startups.append(elapsed)
        }
        let dataDirectory = try makeTemporaryDirectory("localoss-bench")
        log("LocalOSS data directory \(dataDirectory)")
        defer {
            if !options.keepData {
                removeDirectory(dataDirectory)
                unlink(dataDirectory + ".log")
            }
        }
        let (child, endpoint, elapsed) = try startLocalOSS(binary, dataDirectory: dataDirectory)
        startups.append(elapsed)
        let suite = Suite(
            name: "localoss", endpoint: endpoint, pid: child.pid, strict: true, options: options, payload: payload,
            bigPlan: bigPlan, smallPlan: smallPlan)
        suite.results.set(
            "startup.first_answer", median(startups),
            note:
                "median of \(startups.count) starts on empty data dirs: \(startups.map { format($0, 1) }.joined(separator: ", ")) ms"
        )
        suite.run()
        if !child.isRunning { suite.results.fail("localoss exited during the run; see \(dataDirectory).log") }
        child.terminate()
        if options.only.isEmpty || options.only.contains("copy") {
            runDurablePhase(binary, options, suite: suite, payload: payload, bigPlan: bigPlan, smallPlan: smallPlan)
        }
        log("LocalOSS: restarting on the populated data directory")
        do {
            let (again, _, populated) = try startLocalOSS(binary, dataDirectory: dataDirectory)
            again.terminate()
            suite.results.set("startup.populated", populated, note: "restart on the data dir the run left")
        } catch {
            suite.results.fail("restart on the populated data directory: \(error)")
        }
        return suite.results
    }

    /// A second server, started with `--durable`, for the phase that measures reads under a durable write.
    static func runDurablePhase(
        _ binary: String, _ options: Options, suite: Suite, payload: Payload, bigPlan: [PartSpec],
        smallPlan: [PartSpec]
    ) {
        do {
            let directory = try makeTemporaryDirectory("localoss-bench-durable")
            log("LocalOSS --durable data directory \(directory)")
            defer {
                if !options.keepData {
                    removeDirectory(directory)
                    unlink(directory + ".log")
                }
            }
            let (child, endpoint, _) = try startLocalOSS(binary, dataDirectory: directory, extra: ["--durable"])
            defer { child.terminate() }
            let durable = Suite(
                name: "localoss --durable", endpoint: endpoint, pid: child.pid, strict: true, options: options,
                payload: payload, bigPlan: bigPlan, smallPlan: smallPlan, results: suite.results)
            durable.runDurable()
            if !child.isRunning { suite.results.fail("localoss --durable exited during the run; see \(directory).log") }
        } catch {
            suite.results.fail("localoss --durable: \(error)")
        }
    }

    static func runPeer(_ url: String, _ options: Options, payload: Payload, bigPlan: [PartSpec], smallPlan: [PartSpec])
        throws -> Results
    {
        let endpoint = try Endpoint(url: url)
        var child: ChildProcess?
        var startup: Double?
        var logPath = ""
        var logDirectory: String?
        var keepLog = options.keepData
        defer {
            if let logDirectory, !keepLog { removeDirectory(logDirectory) }
        }
        defer { child?.terminate() }
        if let command = options.peerCommand {
            logDirectory = try makeTemporaryDirectory("localoss-bench-peer")
            logPath = logDirectory! + "/peer.log"
            log("\(options.peerName): starting `\(command)` (log \(logPath))")
            let begin = now()
            let process = try ChildProcess.spawn(
                ["/bin/sh", "-c", "exec \(command)"], environment: [:], logPath: logPath, captureStdout: false)
            child = process
            // Bounded: 120 s for the peer to answer its first request.
            while startup == nil {
                guard process.isRunning else {
                    keepLog = true
                    throw BenchError("\(options.peerName) exited; see \(logPath)")
                }
                guard now() - begin < 120 else {
                    process.terminate()
                    throw BenchError("\(options.peerName) did not answer within 120 s")
                }
                let connection = HTTPConnection(endpoint, timeoutSeconds: 30)
                do {
                    try connection.connect()
                } catch {
                    usleep(2_000)
                    continue
                }
                _ = try connection.request("GET", "/")
                startup = (now() - begin) * 1000
            }
        }
        let pid = child?.pid ?? options.peerPID
        let suite = Suite(
            name: options.peerName, endpoint: endpoint, pid: pid, strict: false, options: options, payload: payload,
            bigPlan: bigPlan, smallPlan: smallPlan)
        if let startup {
            suite.results.set("startup.first_answer", startup, note: "one start, connect polled every 2 ms")
        }
        suite.run()
        if let child, !child.isRunning {
            keepLog = true
            suite.results.note("\(options.peerName) exited during the run; see \(logPath)")
        }
        return suite.results
    }
}
