/// The part of a sweep that works on versions: noncurrent versions expire or move colder `NoncurrentDays` after
/// they stopped being current, and a delete marker left as its key's only version is removed.
extension LifecycleSweeper {
    func sweepVersions(
        _ bucket: BucketName, _ rule: LifecycleRule, now: Int64, into report: inout Report
    ) throws {
        try forEachKey(bucket, prefix: rule.prefix) { key, versions in
            let address = ObjectAddress(bucket: bucket, key: try ObjectKey(validating: key))
            if rule.versions.removesExpiredDeleteMarkers, versions.count == 1, versions[0].isDeleteMarker,
                rule.covers(key: key, size: 0)
            {
                try objects.deleteObject(address, version: try Self.selector(versions[0]))
                report.removedDeleteMarkers += 1
                return
            }
            // versions[0] is current; each older one became noncurrent when the one before it was written.
            for index in versions.indices.dropFirst() where !versions[index].isDeleteMarker {
                let version = versions[index]
                let since = versions[index - 1].lastModified
                let selector = try Self.selector(version)
                let tags =
                    rule.tags.isEmpty
                    ? [] : try objects.objectTags(address, version: selector).1.map { (key: $0.key, value: $0.value) }
                guard rule.covers(key: key, size: version.size, tags: tags) else { continue }
                if let days = rule.versions.expirationDays,
                    LifecycleRule.Timing.days(days).isDue(created: since, now: now)
                {
                    try objects.deleteObject(address, version: selector)
                    report.expiredVersions += 1
                    continue
                }
                let due = rule.versions.transitions.filter {
                    LifecycleRule.Timing.days($0.days).isDue(created: since, now: now)
                }
                if let target = due.map(\.storageClass).max(by: { Self.coldness($0) < Self.coldness($1) }),
                    Self.coldness(target) > Self.coldness(version.storageClass)
                {
                    try objects.transition(address, version: selector, to: target)
                    report.transitionedVersions += 1
                }
            }
        }
    }

    private static func selector(_ version: VersionSummary) throws -> VersionSelector {
        guard let selector = try VersionSelector.parse(version.versionName) else { return .null }
        return selector
    }

    /// Calls `body` with each key's versions, newest first, once the listing has moved past the key (so that
    /// `body` may delete them). Pages of 1,000 rows; a key's versions may span pages.
    private func forEachKey(
        _ bucket: BucketName, prefix: String, _ body: (String, [VersionSummary]) throws -> Void
    ) throws {
        var group: [VersionSummary] = []
        var keyMarker: String?
        var versionMarker: VersionSelector?
        while true {
            let page = try objects.listVersions(
                bucket, prefix: prefix, delimiter: nil, keyMarker: keyMarker, versionIDMarker: versionMarker,
                maxKeys: 1000)
            for version in page.rows {
                if let first = group.first, first.key != version.key {
                    try body(first.key, group)
                    group = []
                }
                group.append(version)
            }
            guard page.isTruncated, let last = page.rows.last else { break }
            (keyMarker, versionMarker) = (last.key, try Self.selector(last))
        }
        if let first = group.first { try body(first.key, group) }
    }
}
