/// Live channels (`/<channel>?live`, `/?live`, `?vod`): the REST surface only. Nothing ingests RTMP, so a channel is
/// idle, has no history and records nothing a VOD playlist could be made of.
struct LiveChannelHandler {
    static let family = "live"

    let objects: ObjectStore

    private var store: NamedConfigurationStore { objects.namedConfigurations }

    func handle(_ request: LiveChannelRequest, _ address: ObjectAddress, _ context: RequestContext) throws
        -> HTTPResponse
    {
        let bucket = address.bucket.value
        switch request {
        case .create:
            let body = try context.smallBody(limit: 64 * 1024)
            _ = try objects.bucket(address.bucket)
            let channel = address.key.value
            guard !channel.contains("/") else {
                throw OSSError.invalidArgument(
                    "A live channel name may not contain '/'.", name: "channel", value: channel)
            }
            let configuration = try LiveChannelConfiguration.accept(body)
            try store.set(Self.family, channel, document: configuration.document, bucket: bucket)
            return .xml(LiveChannelConfiguration.createdDocument(urls(channel, configuration, bucket, context)))
        case .setStatus(let status):
            try LiveChannelConfiguration.check(status, in: LiveChannelConfiguration.statuses, name: "status")
            var configuration = try require(address)
            configuration.status = status
            try store.set(Self.family, address.key.value, document: configuration.document, bucket: bucket)
            return HTTPResponse(status: 200)
        case .info: return .xml(try require(address).document)
        case .stat: return .xml(try require(address).statDocument)
        case .history:
            _ = try require(address)
            return .xml(LiveChannelConfiguration.emptyHistory)
        case .delete:
            guard try store.delete(Self.family, address.key.value, bucket: bucket) else {
                throw LiveChannelConfiguration.notFound()
            }
            return HTTPResponse(status: 204)
        case .postVodPlaylist:
            // `/<channel>/<playlist>.m3u8?vod`.
            let key = address.key.value
            guard let slash = key.lastIndex(of: "/"), key.hasSuffix(".m3u8") else {
                throw OSSError.invalidArgument(
                    "The playlist must be named <channel>/<name>.m3u8.", name: "PlaylistName", value: key)
            }
            _ = try require(address, channel: String(key[..<slash]))
            try noRecordings(context)
        case .getVodPlaylist:
            _ = try require(address)
            try noRecordings(context)
        }
    }

    /// ListLiveChannel: names in byte order after `marker`, `NextMarker` the last one returned when truncated.
    func list(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let maxKeys = try context.limit("max-keys", defaultValue: 100, maximum: 1000)
        let prefix = context.query["prefix"] ?? ""
        let marker = context.query["marker"] ?? ""
        var page = try store.list(
            Self.family, bucket: bucket.value, prefix: prefix, after: marker.isEmpty ? nil : marker, limit: maxKeys + 1)
        let truncated = page.count > maxKeys
        if truncated { page.removeLast() }
        var xml = XMLWriter()
        xml.open("ListLiveChannelResult")
        xml.element("Prefix", prefix)
        xml.element("Marker", marker)
        xml.element("MaxKeys", maxKeys)
        xml.element("IsTruncated", truncated)
        xml.element("NextMarker", truncated ? page.last?.name ?? "" : "")
        for row in page {
            guard let configuration = LiveChannelConfiguration(document: row.document) else { continue }
            xml.open("LiveChannel")
            xml.element("Name", row.name)
            xml.element("Description", configuration.description)
            xml.element("Status", configuration.status)
            xml.element("LastModified", HTTPDate.iso8601(row.modified))
            urls(row.name, configuration, bucket.value, context).write(&xml)
            xml.close("LiveChannel")
        }
        xml.close("ListLiveChannelResult")
        return .xml(xml.finish())
    }

    private func urls(
        _ channel: String, _ configuration: LiveChannelConfiguration, _ bucket: String, _ context: RequestContext
    ) -> LiveChannelConfiguration.URLs {
        LiveChannelConfiguration.URLs(
            channel: channel, playlist: configuration.playlistName, bucket: bucket, requestHost: context.host)
    }

    private func require(_ address: ObjectAddress, channel: String? = nil) throws -> LiveChannelConfiguration {
        guard
            let stored = try store.configuration(
                Self.family, channel ?? address.key.value, bucket: address.bucket.value),
            let configuration = LiveChannelConfiguration(document: stored.document)
        else { throw LiveChannelConfiguration.notFound() }
        return configuration
    }

    /// A VOD playlist is made of the `.ts` files recorded between `startTime` and `endTime` (Unix seconds, end
    /// after start, at most a day apart). None are ever recorded here, which OSS answers with InvalidArgument.
    private func noRecordings(_ context: RequestContext) throws -> Never {
        let start = context.query["startTime"] ?? ""
        let end = context.query["endTime"] ?? ""
        guard let from = Int64(start), let to = Int64(end), from < to, to - from <= 86_400 else {
            throw OSSError.invalidArgument(
                "startTime and endTime must be Unix times, endTime after startTime and at most a day later.",
                name: "startTime", value: start)
        }
        throw OSSError.invalidArgument("No ts file found in specified time span.", name: "startTime", value: start)
    }
}
