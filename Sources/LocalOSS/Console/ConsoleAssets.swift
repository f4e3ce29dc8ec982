import Foundation

/// The console's page, style sheet and script: plain HTML, CSS and JavaScript compiled into the binary as string
/// literals, so the server finds them wherever it runs (build folder, Docker image) and needs no network.
enum ConsoleAssets {
    struct Asset {
        var path: String
        var contentType: String
        var text: String
    }

    static let assets = [
        Asset(path: "console", contentType: "text/html; charset=utf-8", text: html),
        Asset(path: "console/console.css", contentType: "text/css; charset=utf-8", text: css),
        Asset(path: "console/console.js", contentType: "text/javascript; charset=utf-8", text: script),
    ]

    static let cookieName = "localoss_console"

    /// The admin token for the console's own requests: sent only to `/_localoss/console`, never to another site's
    /// requests (`SameSite=Strict`), never readable by scripts.
    static func cookie(_ token: String) -> String {
        let value = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "\(cookieName)=\(value); Path=/_localoss/console; HttpOnly; SameSite=Strict"
    }

    /// The token in a `Cookie` header, if it holds the console's cookie.
    static func cookieToken(_ header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            guard trimmed.hasPrefix(cookieName + "=") else { continue }
            return String(trimmed.dropFirst(cookieName.count + 1)).removingPercentEncoding
        }
        return nil
    }

    static var routes: [ControlRoute] {
        assets.map { asset in
            let bytes = Array(asset.text.utf8)
            return ControlRoute("GET", asset.path) { request in
                var headers = HTTPHeaders()
                // The control plane has already checked it: the page's later requests carry it as a cookie.
                if let token = request.query["token"] { headers.set("Set-Cookie", cookie(token)) }
                headers.set("Content-Type", asset.contentType)
                // Revalidated on every load: the page changes with the binary, and it is small.
                headers.set("Cache-Control", "no-cache")
                headers.set("X-Content-Type-Options", "nosniff")
                return ControlReply(HTTPResponse(status: 200, headers: headers, body: .bytes(bytes)))
            }
        }
    }
}
