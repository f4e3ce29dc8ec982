import Testing

@testable import LocalOSS

/// The validators of the configurations a bucket holds many of (inventory, live channels, access points) and of
/// user-defined log fields: the exact documents they write and the errors they refuse with (protocol notes,
/// bucket-configuration-and-access.md §4.18, §4.20, §1, §4.5).
@Suite struct NamedConfigurationCodecTests {
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    static func inventory(
        id: String = "r1", frequency: String = "Daily", filter: String = "", destination: String? = nil
    ) -> [UInt8] {
        let target =
            destination
            ?? "<Format>CSV</Format><AccountId>1</AccountId><RoleArn>acs:ram::1:role/R</RoleArn>"
            + "<Bucket>acs:oss:::dest</Bucket>"
        return Array(
            ("<InventoryConfiguration><IncludedObjectVersions>All</IncludedObjectVersions><Id>\(id)</Id>"
                + "<IsEnabled>True</IsEnabled><Filter>\(filter)</Filter><Schedule><Frequency>\(frequency)</Frequency>"
                + "</Schedule><Destination><OSSBucketDestination>\(target)</OSSBucketDestination></Destination>"
                + "</InventoryConfiguration>").utf8)
    }

    static func refusal(_ body: () throws(OSSError) -> Void) -> OSSErrorCode? {
        do {
            try body()
            return nil
        } catch { return error.code }
    }

    // MARK: inventory

    @Test func inventoryComesBackInOSSOrderWithSortedStorageClasses() throws {
        let body = Self.inventory(filter: "<StorageClass>Standard,IA</StorageClass><Prefix>p/</Prefix>")
        #expect(
            try InventoryConfiguration.accept(body, id: "r1") == Self.declaration
                + "<InventoryConfiguration><Id>r1</Id><IsEnabled>true</IsEnabled><Destination><OSSBucketDestination>"
                + "<Format>CSV</Format><AccountId>1</AccountId><RoleArn>acs:ram::1:role/R</RoleArn>"
                + "<Bucket>acs:oss:::dest</Bucket></OSSBucketDestination></Destination>"
                + "<Schedule><Frequency>Daily</Frequency></Schedule>"
                + "<Filter><Prefix>p/</Prefix><StorageClass>IA,Standard</StorageClass></Filter>"
                + "<IncludedObjectVersions>All</IncludedObjectVersions></InventoryConfiguration>")
    }

    @Test func inventoryRefusals() {
        func code(_ body: [UInt8], id: String = "r1") -> OSSErrorCode? {
            Self.refusal { () throws(OSSError) in _ = try InventoryConfiguration.accept(body, id: id) }
        }
        #expect(code(Self.inventory(), id: "other") == .invalidArgument)
        #expect(code(Self.inventory(frequency: "Hourly")) == .invalidArgument)
        #expect(
            code(Self.inventory(filter: "<LastModifyBeginTimeStamp>100</LastModifyBeginTimeStamp>")) == .invalidArgument
        )
        #expect(
            code(
                Self.inventory(
                    filter: "<LastModifyBeginTimeStamp>1638347592</LastModifyBeginTimeStamp>"
                        + "<LastModifyEndTimeStamp>1637883649</LastModifyEndTimeStamp>")) == .invalidArgument)
        #expect(code(Self.inventory(filter: "<StorageClass>Standard,,</StorageClass>")) == .invalidArgument)
        #expect(code(Self.inventory(destination: "<Format>CSV</Format>")) == .malformedXML)
        #expect(
            code(
                Self.inventory(
                    destination: "<Format>ORC</Format><AccountId>1</AccountId><RoleArn>r</RoleArn>"
                        + "<Bucket>acs:oss:::dest</Bucket>")) == .invalidArgument)
        #expect(
            code(
                Self.inventory(
                    destination: "<Format>CSV</Format><AccountId>1</AccountId><RoleArn>r</RoleArn><Bucket>dest</Bucket>"
                )) == .invalidArgument)
        #expect(
            code(
                Self.inventory(
                    destination: "<Format>CSV</Format><AccountId>1</AccountId><RoleArn>r</RoleArn>"
                        + "<Bucket>acs:oss:::dest</Bucket><Encryption><SSE-OSS/><SSE-KMS><KeyId>k</KeyId></SSE-KMS>"
                        + "</Encryption>")) == .malformedXML)
    }

    // MARK: live channels

    @Test func liveChannelDefaultsAndURLs() throws {
        let channel = try LiveChannelConfiguration.accept(
            Array(
                "<LiveChannelConfiguration><Target><Type>HLS</Type><PlaylistName></PlaylistName></Target></LiveChannelConfiguration>"
                    .utf8))
        #expect(
            channel.document == Self.declaration
                + "<LiveChannelConfiguration><Description></Description><Status>enabled</Status><Target><Type>HLS</Type>"
                + "<FragDuration>5</FragDuration><FragCount>3</FragCount><PlaylistName>playlist.m3u8</PlaylistName>"
                + "</Target></LiveChannelConfiguration>")
        let path = LiveChannelConfiguration.URLs(
            channel: "c", playlist: "playlist.m3u8", bucket: "b", requestHost: "127.0.0.1:9800")
        #expect(path.publish == "rtmp://b.127.0.0.1:9800/live/c")
        #expect(path.play == "http://b.127.0.0.1:9800/c/playlist.m3u8")
        let virtual = LiveChannelConfiguration.URLs(
            channel: "c", playlist: "p.m3u8", bucket: "b", requestHost: "b.localhost:9800")
        #expect(virtual.publish == "rtmp://b.localhost:9800/live/c")
        #expect(LiveChannelConfiguration(document: channel.document)?.playlistName == "playlist.m3u8")
    }

    @Test func liveChannelRefusals() {
        func code(_ target: String, status: String = "enabled") -> OSSErrorCode? {
            Self.refusal { () throws(OSSError) in
                _ = try LiveChannelConfiguration.accept(
                    Array(
                        "<LiveChannelConfiguration><Status>\(status)</Status><Target>\(target)</Target></LiveChannelConfiguration>"
                            .utf8))
            }
        }
        #expect(code("<Type>HLS</Type>") == nil)
        #expect(code("<Type>DASH</Type>") == .invalidArgument)
        #expect(code("<Type>HLS</Type>", status: "on") == .invalidArgument)
        #expect(code("<Type>HLS</Type><FragDuration>101</FragDuration>") == .invalidArgument)
        #expect(code("<Type>HLS</Type><FragCount>x</FragCount>") == .invalidArgument)
        #expect(code("<Type>HLS</Type><PlaylistName>a.m3u</PlaylistName>") == .invalidArgument)
        #expect(
            Self.refusal { () throws(OSSError) in _ = try LiveChannelConfiguration.accept(Array("<Other/>".utf8)) }
                == .malformedXML)
    }

    // MARK: access points

    @Test func accessPointNames() {
        #expect(AccessPointConfiguration.isValidName("ap-01"))
        #expect(!AccessPointConfiguration.isValidName("ap"))
        #expect(!AccessPointConfiguration.isValidName("a-very-long-name-here"))
        #expect(!AccessPointConfiguration.isValidName("-ap1"))
        #expect(!AccessPointConfiguration.isValidName("ap1-"))
        #expect(!AccessPointConfiguration.isValidName("Ap01"))
    }

    @Test func accessPointDocumentsRoundTrip() throws {
        let body = Array(
            ("<CreateAccessPointConfiguration><AccessPointName>ap-1</AccessPointName><NetworkOrigin>vpc</NetworkOrigin>"
                + "<VpcConfiguration><VpcId>vpc-9</VpcId></VpcConfiguration></CreateAccessPointConfiguration>").utf8)
        let point = try AccessPointConfiguration.accept(
            body, bucket: "b", account: "42", region: .default, created: 1_700_000_000)
        #expect(point.arn == "acs:oss:cn-hangzhou:42:accesspoint/ap-1")
        #expect(point.alias.hasPrefix("ap-1-") && point.alias.hasSuffix("-ossalias"))
        #expect(point.vpcID == "vpc-9" && point.status == "enable")
        #expect(AccessPointConfiguration(document: point.document(account: "42")) == point)
        let missingVPC = Array(
            "<CreateAccessPointConfiguration><AccessPointName>ap-1</AccessPointName><NetworkOrigin>vpc</NetworkOrigin></CreateAccessPointConfiguration>"
                .utf8)
        #expect(
            Self.refusal { () throws(OSSError) in
                _ = try AccessPointConfiguration.accept(
                    missingVPC, bucket: "b", account: "42", region: .default, created: 0)
            } == .invalidArgument)
    }

    // MARK: user-defined log fields

    @Test func userDefinedLogFieldsKeepTheirOrder() throws {
        let body =
            "<UserDefinedLogFieldsConfiguration><ParamSet><parameter>p</parameter></ParamSet>"
            + "<HeaderSet><header>b</header><header>a</header></HeaderSet></UserDefinedLogFieldsConfiguration>"
        #expect(
            try UserDefinedLogFields.accept(Array(body.utf8)) == Self.declaration
                + "<UserDefinedLogFieldsConfiguration><HeaderSet><header>b</header><header>a</header></HeaderSet>"
                + "<ParamSet><parameter>p</parameter></ParamSet></UserDefinedLogFieldsConfiguration>")
    }
}
