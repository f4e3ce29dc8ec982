import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A server process this driver started: its pid, its stdout pipe (LocalOSS prints its endpoint there), stderr in a
/// log file. Only processes started here are ever signalled.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private var stdoutFD: Int32
    private var pending: [UInt8] = []
    private var exited = false

    private init(pid: pid_t, stdoutFD: Int32) {
        self.pid = pid
        self.stdoutFD = stdoutFD
    }

    /// `posix_spawnp(argv)` with stdin from /dev/null, stdout to a pipe (or the log) and stderr to `logPath`.
    static func spawn(_ argv: [String], environment extra: [String: String], logPath: String, captureStdout: Bool)
        throws -> ChildProcess
    {
        var pipeFDs: [Int32] = [-1, -1]
        if captureStdout {
            guard pipe(&pipeFDs) == 0 else { throw BenchError("pipe: \(String(cString: strerror(errno)))") }
            _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if captureStdout {
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        }
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in extra { environment[name] = value }
        let envStrings = environment.map { "\($0.key)=\($0.value)" }
        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, argv[0], &actions, nil, &cArgv, &cEnv)
        if captureStdout { close(pipeFDs[1]) }
        guard status == 0 else {
            if captureStdout { close(pipeFDs[0]) }
            throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid, stdoutFD: captureStdout ? pipeFDs[0] : -1)
    }

    /// The next stdout line, waiting at most until `deadline` (monotonic seconds).
    func readLine(deadline: Double) throws -> String {
        guard stdoutFD >= 0 else { throw BenchError("stdout not captured") }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = deadline - now()
            guard left > 0 else { throw BenchError("process \(pid) printed no line in time") }
            var poller = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left * 1000 + 1, 1000)))
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { continue }
            let got = read(stdoutFD, &chunk, chunk.count)
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw BenchError("process \(pid) closed stdout (exited?) before printing a line") }
            pending.append(contentsOf: chunk[0..<got])
        }
    }

    /// VmRSS and VmHWM in KiB from /proc/PID/status.
    func memory() -> (rss: Int, hwm: Int)? { Self.memory(of: pid) }

    static func memory(of pid: pid_t) -> (rss: Int, hwm: Int)? {
        let fd = open("/proc/\(pid)/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let got = read(fd, &bytes, bytes.count)
        guard got > 0 else { return nil }
        var rss = -1
        var hwm = -1
        for line in String(decoding: bytes[0..<got], as: UTF8.self).split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            if fields[0] == "VmRSS:" { rss = Int(fields[1]) ?? -1 }
            if fields[0] == "VmHWM:" { hwm = Int(fields[1]) ?? -1 }
        }
        return rss >= 0 && hwm >= 0 ? (rss, hwm) : nil
    }

    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exited = true
            return false
        }
        return true
    }

    /// SIGTERM, up to `grace` seconds to exit, then SIGKILL; reaps the child.
    func terminate(grace: Double = 10) {
        if stdoutFD >= 0 {
            close(stdoutFD)
            stdoutFD = -1
        }
        guard !exited else { return }
        kill(pid, SIGTERM)
        let deadline = now() + grace
        var status: Int32 = 0
        while now() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                return
            }
            usleep(5_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        exited = true
    }
}

/// Samples a process's VmRSS every few milliseconds on a thread of its own, between `start()` and `stop()`.
final class RSSSampler: @unchecked Sendable {
    private let pid: pid_t
    private let state = Locked((running: false, maxRSS: 0, samples: 0))
    private let finished = DispatchSemaphore(value: 0)
    private(set) var baseline = 0

    init(pid: pid_t) { self.pid = pid }

    func start() {
        baseline = ChildProcess.memory(of: pid)?.rss ?? 0
        state.with { $0 = (true, baseline, 0) }
        let thread = Thread { [self] in
            // Bounded: stops on stop() or after an hour at most.
            let deadline = now() + 3600
            while state.get.running, now() < deadline {
                if let memory = ChildProcess.memory(of: pid) {
                    state.with {
                        $0.maxRSS = max($0.maxRSS, memory.rss)
                        $0.samples += 1
                    }
                }
                usleep(5_000)
            }
            finished.signal()
        }
        thread.start()
    }

    /// (baseline KiB, max sampled KiB, VmHWM KiB after).
    func stop() -> (baseline: Int, max: Int, hwm: Int) {
        state.with { $0.running = false }
        finished.wait()
        let last = ChildProcess.memory(of: pid)
        let maxRSS = max(state.get.maxRSS, last?.rss ?? 0)
        return (baseline, maxRSS, last?.hwm ?? 0)
    }
}

/// A fresh directory under $TMPDIR (or /tmp).
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    let root = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array("\(root)/\(prefix).XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(String(cString: strerror(errno)))") }
    return String(cString: made)
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}
