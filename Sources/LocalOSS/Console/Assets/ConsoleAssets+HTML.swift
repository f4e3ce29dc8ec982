extension ConsoleAssets {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>LocalOSS console</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/_localoss/console/console.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <span class="brand">LocalOSS</span>
          <nav aria-label="Sections">
            <a href="#/buckets" data-section="buckets">Buckets</a>
            <a href="#/uploads" data-section="uploads">Uploads</a>
            <a href="#/requests" data-section="requests">Requests</a>
            <a href="#/control" data-section="control">Control</a>
          </nav>
          <span id="server-info"></span>
        </header>
        <div id="status" role="status" aria-live="polite"></div>
        <main id="main" tabindex="-1"><p>Loading…</p></main>
        <noscript>The console needs JavaScript.</noscript>
        <script src="/_localoss/console/console.js"></script>
        </body>
        </html>
        """#
}
