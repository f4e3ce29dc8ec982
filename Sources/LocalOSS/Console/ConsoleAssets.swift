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

    static var routes: [ControlRoute] {
        assets.map { asset in
            let bytes = Array(asset.text.utf8)
            return ControlRoute("GET", asset.path) { _ in
                var headers = HTTPHeaders()
                headers.set("Content-Type", asset.contentType)
                // Revalidated on every load: the page changes with the binary, and it is small.
                headers.set("Cache-Control", "no-cache")
                headers.set("X-Content-Type-Options", "nosniff")
                return ControlReply(HTTPResponse(status: 200, headers: headers, body: .bytes(bytes)))
            }
        }
    }
}
