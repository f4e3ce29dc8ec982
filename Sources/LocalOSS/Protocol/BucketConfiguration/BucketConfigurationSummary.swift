/// The configuration values GetBucketInfo reports, read from the stored documents (each kind's default when none).
/// Default encryption has its own table (`EncryptionHandler`).
struct BucketConfigurationSummary {
    var accessMonitor = "Disabled"
    var transferAcceleration = "Disabled"
    var logBucket = ""
    var logPrefix = ""
    var resourceGroupID = SwitchConfigurations.defaultResourceGroup
    var blockPublicAccess = false

    /// `stored` answers the stored document of a sub-resource, or nil.
    init(stored: (String) throws -> String?) throws {
        func root(_ kind: BucketConfigurationKind) throws -> XMLElement? {
            guard let document = try stored(kind.subresource) else { return nil }
            return try? XMLDocument.parse(Array(document.utf8))
        }
        if let status = try root(AccessTracking.kind)?.child("Status")?.text {
            accessMonitor = status
        }
        if try root(BucketConfigurationKind.named("transferAcceleration")!)?.child("Enabled")?.boolValue == true {
            transferAcceleration = "Enabled"
        }
        if let enabled = try root(LoggingConfiguration.kind)?.child("LoggingEnabled") {
            logBucket = enabled.child("TargetBucket")?.text ?? ""
            logPrefix = enabled.child("TargetPrefix")?.text ?? ""
        }
        if let group = try root(SwitchConfigurations.resourceGroup)?.child("ResourceGroupId")?.text {
            resourceGroupID = group
        }
        blockPublicAccess =
            try root(SwitchConfigurations.publicAccessBlock)?.child("BlockPublicAccess")?.boolValue ?? false
    }
}
