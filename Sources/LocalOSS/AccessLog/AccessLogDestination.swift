/// Where a bucket's access log goes, as its stored `BucketLoggingStatus` says (protocol notes §4.5); nil for a
/// bucket that does not log (the stored document has no `LoggingEnabled`).
struct AccessLogDestination: Equatable {
    var targetBucket: String
    var targetPrefix: String

    init(targetBucket: String, targetPrefix: String) {
        self.targetBucket = targetBucket
        self.targetPrefix = targetPrefix
    }

    init?(document: String) {
        guard let root = try? XMLDocument.parse(Array(document.utf8)), let enabled = root.child("LoggingEnabled"),
            let target = enabled.child("TargetBucket")?.text, !target.isEmpty
        else { return nil }
        targetBucket = target
        targetPrefix = enabled.child("TargetPrefix")?.text ?? ""
    }

    /// `<TargetPrefix><SourceBucket>YYYY-mm-DD-HH-MM-SS-<unique>`, the time in UTC, `unique` four digits
    /// (OSS: `MyLog-oss-example2017-09-10-04-00-00-0000`).
    func objectKey(source: String, micros: Int64, unique: Int) -> String {
        let stamp = AccessLogLine.stamp(micros: micros)
        let digits = String(unique % 10_000)
        return targetPrefix + source + stamp + "-" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
