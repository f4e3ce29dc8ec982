import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An executable on PATH (or in /usr/sbin, where Debian puts nginx), or nil.
func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let directories: [String] = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
    for directory in directories {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

/// A loopback TCP port nothing listens on right now (bound to port 0 and released).
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw BenchError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
    return UInt16(bigEndian: address.sin_port)
}

func processorCount() -> Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

/// nginx serving one static file from a temporary directory on a free loopback port, in the foreground
/// (`daemon off`), one worker per processor, no access log: the reference a small GET is measured against.
final class NginxReference {
    let directory: String
    let endpoint: Endpoint
    let path = "/small-4k"
    private let child: ChildProcess

    init(binary: String, file: [UInt8]) throws {
        directory = try makeTemporaryDirectory("localoss-bench-nginx")
        do {
            let port = try freeLoopbackPort()
            endpoint = Endpoint(host: "127.0.0.1", port: port)
            try FileManager.default.createDirectory(atPath: directory + "/root", withIntermediateDirectories: true)
            try Data(file).write(to: URL(fileURLWithPath: directory + "/root" + path))
            // Started as root, nginx's workers run as an unprivileged user: they must be able to read the file.
            chmod(directory, 0o755)
            chmod(directory + "/root", 0o755)
            chmod(directory + "/root" + path, 0o644)
            let config = """
                daemon off;
                worker_processes \(processorCount());
                pid \(directory)/nginx.pid;
                error_log \(directory)/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    keepalive_requests 1000000;
                    client_body_temp_path \(directory)/body;
                    proxy_temp_path \(directory)/proxy;
                    fastcgi_temp_path \(directory)/fastcgi;
                    uwsgi_temp_path \(directory)/uwsgi;
                    scgi_temp_path \(directory)/scgi;
                    default_type application/octet-stream;
                    server {
                        listen 127.0.0.1:\(port);
                        root \(directory)/root;
                    }
                }
                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/nginx.conf"))
            // -e: the error log before the configuration is read (the default one may not be writable).
            child = try ChildProcess.spawn(
                [binary, "-p", directory, "-e", directory + "/error.log", "-c", directory + "/nginx.conf"],
                environment: [:], logPath: directory + "/stderr.log", captureStdout: false)
        } catch {
            removeDirectory(directory)
            throw error
        }
        // Bounded: 10 s for the first answer.
        let deadline = now() + 10
        while true {
            let connection = HTTPConnection(endpoint, timeoutSeconds: 5)
            if let reply = try? connection.request("GET", path), reply.status == 200 {
                guard reply.body == file else {
                    stop()
                    throw BenchError("nginx served other bytes than the file")
                }
                return
            }
            guard child.isRunning, now() < deadline else {
                let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
                let last = log.split(separator: "\n").last.map(String.init) ?? "no error logged"
                stop()
                throw BenchError("nginx did not answer within 10 s: \(last.suffix(200))")
            }
            usleep(20_000)
        }
    }

    func stop() {
        child.terminate(grace: 5)
        removeDirectory(directory)
    }
}

/// One `wrk` run: its request rate, latency and the errors it counted.
struct WrkResult {
    var requestsPerSecond = 0.0
    var requests = 0
    var averageLatency = ""
    var non2xx = 0
    var socketErrors = ""
}

/// Runs `wrk` (threads = processors, `connections`, `seconds`, optional Lua script) against `url`, bounded by a
/// deadline well past its duration.
func runWrk(_ wrk: String, url: String, connections: Int, seconds: Double, script: String? = nil) throws
    -> WrkResult
{
    var argv = [
        wrk, "-t", String(min(processorCount(), connections)), "-c", String(connections), "-d",
        "\(max(1, Int(seconds.rounded())))s", "--timeout", "10s",
    ]
    if let script { argv += ["-s", script] }
    argv.append(url)
    let child = try ChildProcess.spawn(argv, environment: [:], logPath: "/dev/null", captureStdout: true)
    defer { child.terminate(grace: 1) }
    var result = WrkResult()
    var sawRate = false
    let deadline = now() + seconds + 30
    while let line = try? child.readLine(deadline: deadline) {
        let text = line.trimmingCharacters(in: .whitespaces)
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        if text.hasPrefix("Requests/sec:"), fields.count >= 2, let rate = Double(fields[1]) {
            result.requestsPerSecond = rate
            sawRate = true
        } else if text.hasPrefix("Latency"), fields.count >= 2 {
            result.averageLatency = String(fields[1])
        } else if text.contains("requests in"), let count = Int(fields.first ?? "") {
            result.requests = count
        } else if text.hasPrefix("Non-2xx or 3xx responses:"), let count = Int(fields.last ?? "") {
            result.non2xx = count
        } else if text.hasPrefix("Socket errors:") {
            result.socketErrors = String(text.dropFirst("Socket errors:".count)).trimmingCharacters(in: .whitespaces)
        }
    }
    guard sawRate else { throw BenchError("wrk printed no Requests/sec line (\(argv.joined(separator: " ")))") }
    return result
}

/// wrk's Lua script for PUTs of one body to `keys` keys in turn (each connection thread counts on its own).
func wrkPutScript(bodyFile: String, pathPrefix: String, keys: Int) -> String {
    """
    local file = io.open("\(bodyFile)", "rb")
    local body = file:read("*a")
    file:close()
    wrk.method = "PUT"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/octet-stream"
    local counter = 0
    request = function()
        counter = counter + 1
        return wrk.format(nil, string.format("\(pathPrefix)%d", counter % \(keys)))
    end
    """
}
