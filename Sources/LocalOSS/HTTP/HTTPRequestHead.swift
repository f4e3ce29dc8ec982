/// The request line and headers of one HTTP/1.1 request.
struct HTTPRequestHead: Sendable {
    var method: String
    /// The request target exactly as sent: path plus optional `?query`.
    var target: String
    var version: String
    var headers: HTTPHeaders

    var rawPath: Substring { target[..<(target.firstIndex(of: "?") ?? target.endIndex)] }

    var rawQuery: Substring? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: mark)...]
    }

    var keepAlive: Bool {
        let connection = headers["Connection"]?.lowercased()
        if version == "HTTP/1.0" { return connection == "keep-alive" }
        return connection != "close"
    }

    var expectsContinue: Bool { headers["Expect"]?.lowercased() == "100-continue" }
}
