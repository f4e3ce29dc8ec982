/// A live channel's `LiveChannelConfiguration`: validated, defaults filled in, written back in OSS's order. Only the
/// REST surface exists; nothing ingests RTMP, so a channel is always idle and never records.
struct LiveChannelConfiguration {
    var description: String
    /// `enabled` or `disabled`.
    var status: String
    var fragDuration: Int
    var fragCount: Int
    var playlistName: String
    /// Snapshot settings, returned as sent.
    var snapshot: XMLElement?

    static let statuses = ["enabled", "disabled"]
    static let defaultPlaylist = "playlist.m3u8"

    static func notFound() -> OSSError { OSSError(.noSuchLiveChannel, "The specified live channel does not exist.") }

    /// The body of `PUT /<channel>?live`. oss2 sends every field (an empty `PlaylistName` when none is given); Go
    /// omits the empty ones.
    static func accept(_ body: [UInt8]) throws(OSSError) -> LiveChannelConfiguration {
        let root = try XMLDocument.parse(body)
        guard root.name == "LiveChannelConfiguration", let target = root.child("Target") else {
            throw OSSError.malformedXML
        }
        let description = root.child("Description")?.text ?? ""
        guard description.utf8.count <= 128 else {
            throw OSSError.invalidArgument(
                "The description is longer than 128 bytes.", name: "Description", value: description)
        }
        let status = root.child("Status")?.text ?? "enabled"
        try check(status, in: statuses, name: "Status")
        try check(target.child("Type")?.text ?? "", in: ["HLS"], name: "Type")
        let duration = try number(target, "FragDuration", defaultValue: 5)
        let count = try number(target, "FragCount", defaultValue: 3)
        var playlist = target.child("PlaylistName")?.text ?? ""
        if playlist.isEmpty { playlist = defaultPlaylist }
        guard playlist.hasSuffix(".m3u8"), (6...128).contains(playlist.utf8.count), !playlist.contains("/") else {
            throw OSSError.invalidArgument(
                "The playlist name must end in .m3u8 and be 6 to 128 characters long.", name: "PlaylistName",
                value: playlist)
        }
        return LiveChannelConfiguration(
            description: description, status: status, fragDuration: duration, fragCount: count,
            playlistName: playlist, snapshot: root.child("Snapshot"))
    }

    /// Reads back a stored `document`.
    init?(document: String) {
        guard let root = try? XMLDocument.parse(Array(document.utf8)), let target = root.child("Target"),
            let status = root.child("Status")?.text,
            let duration = target.child("FragDuration").flatMap({ Int($0.text) }),
            let count = target.child("FragCount").flatMap({ Int($0.text) }),
            let playlist = target.child("PlaylistName")?.text
        else { return nil }
        self.init(
            description: root.child("Description")?.text ?? "", status: status, fragDuration: duration,
            fragCount: count, playlistName: playlist, snapshot: root.child("Snapshot"))
    }

    init(
        description: String, status: String, fragDuration: Int, fragCount: Int, playlistName: String,
        snapshot: XMLElement? = nil
    ) {
        self.description = description
        self.status = status
        self.fragDuration = fragDuration
        self.fragCount = fragCount
        self.playlistName = playlistName
        self.snapshot = snapshot
    }

    /// What is stored and what GetLiveChannelInfo answers.
    var document: String {
        XMLDocumentWriter.document("LiveChannelConfiguration") { xml in
            xml.element("Description", description)
            xml.element("Status", status)
            xml.open("Target")
            xml.element("Type", "HLS")
            xml.element("FragDuration", fragDuration)
            xml.element("FragCount", fragCount)
            xml.element("PlaylistName", playlistName)
            xml.close("Target")
            if let snapshot { xml.echo(snapshot) }
        }
    }

    /// Where a client would push to and play from: `rtmp://<bucket>.<host>/live/<channel>` and
    /// `http://<bucket>.<host>/<channel>/<playlist>`, `host` being the endpoint the request was sent to (both SDK
    /// suites compare them with the endpoint they were given).
    struct URLs: Equatable {
        let publish: String
        let play: String

        init(channel: String, playlist: String, bucket: String, requestHost: String) {
            let host = requestHost.lowercased().hasPrefix(bucket + ".") ? requestHost : "\(bucket).\(requestHost)"
            publish = "rtmp://\(host)/live/\(channel)"
            play = "http://\(host)/\(channel)/\(playlist)"
        }

        func write(_ xml: inout XMLWriter) {
            xml.open("PublishUrls")
            xml.element("Url", publish)
            xml.close("PublishUrls")
            xml.open("PlayUrls")
            xml.element("Url", play)
            xml.close("PlayUrls")
        }
    }

    static func createdDocument(_ urls: URLs) -> String {
        XMLDocumentWriter.document("CreateLiveChannelResult") { urls.write(&$0) }
    }

    /// GetLiveChannelStat of a channel nothing pushes to: `Idle`, or `Disabled` when switched off.
    var statDocument: String {
        XMLDocumentWriter.document("LiveChannelStat") {
            $0.element("Status", status == "disabled" ? "Disabled" : "Idle")
        }
    }

    /// GetLiveChannelHistory: no push ever happened, so no `LiveRecord`.
    static let emptyHistory = XMLDocumentWriter.document("LiveChannelHistory") { _ in }

    static func check(_ value: String, in allowed: [String], name: String) throws(OSSError) {
        guard allowed.contains(value) else {
            throw OSSError.invalidArgument("\(name) has an invalid value.", name: name, value: value)
        }
    }

    /// `FragDuration` and `FragCount`: 1–100.
    private static func number(_ target: XMLElement, _ name: String, defaultValue: Int) throws(OSSError) -> Int {
        guard let text = target.child(name)?.text, !text.isEmpty else { return defaultValue }
        guard let value = Int(text), (1...100).contains(value) else {
            throw OSSError.invalidArgument("\(name) must be 1 to 100.", name: name, value: text)
        }
        return value
    }
}
