/// Read-only answers computed rather than stored: GetBucketStat from the catalog, GetBucketPolicyStatus from the
/// stored policy, DescribeRegions from OSS's region table.
struct BucketInformationHandler {
    let objects: ObjectStore
    let region: Region

    /// `GET ?stat`. Every element OSS documents is written (the parsers ignore the ones they lack); the cold
    /// classes report billed bytes (64 KB minimum per object) and real bytes apart.
    func stat(_ bucket: BucketName) throws -> HTTPResponse {
        _ = try objects.bucket(bucket)
        let figures = try objects.bucketStatistics(bucket)
        let liveChannels = try objects.namedConfigurations.count(LiveChannelHandler.family, bucket: bucket.value)
        let standard = figures[.standard]
        let document = XMLDocumentWriter.document("BucketStat") { xml in
            xml.element("Storage", figures.bytes)
            xml.element("ObjectCount", figures.objects)
            xml.element("MultipartUploadCount", figures.uploads)
            xml.element("LiveChannelCount", liveChannels)
            xml.element("MultipartPartCount", figures.parts)
            xml.element("MultipartPartStorage", figures.partBytes)
            xml.element("DeleteMarkerCount", figures.deleteMarkers)
            xml.element("LastModifiedTime", figures.lastModified)
            xml.element("StandardStorage", standard.bytes)
            xml.element("StandardObjectCount", standard.objects)
            let cold: [(String, StorageClass)] = [
                ("InfrequentAccess", .ia), ("Archive", .archive), ("ColdArchive", .coldArchive),
                ("DeepColdArchive", .deepColdArchive),
            ]
            for (name, storageClass) in cold {
                let figures = figures[storageClass]
                xml.element(name + "Storage", figures.billedBytes)
                xml.element(name + "RealStorage", figures.bytes)
                xml.element(name + "ObjectCount", figures.objects)
            }
        }
        return .xml(document)
    }

    /// `GET ?policyStatus`: whether the stored policy makes the bucket public; no policy is not public.
    func policyStatus(_ bucket: BucketName) throws -> HTTPResponse {
        _ = try objects.bucket(bucket)
        let policy = try objects.configurations.document(PolicyConfiguration.kind.subresource, bucket: bucket.value)
        return .xml(PolicyConfiguration.statusDocument(policy: policy))
    }

    /// OSS's public regions, as DescribeRegions lists them (OSS "Regions and endpoints"); the server's own region
    /// is added when it is not one of them.
    static let publicRegions = [
        "cn-hangzhou", "cn-shanghai", "cn-nanjing", "cn-fuzhou", "cn-wuhan-lr", "cn-qingdao", "cn-beijing",
        "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-shenzhen", "cn-heyuan", "cn-guangzhou", "cn-chengdu",
        "cn-hongkong", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-3", "ap-southeast-5",
        "ap-southeast-6", "ap-southeast-7", "us-east-1", "us-west-1", "eu-west-1", "eu-central-1", "me-east-1",
        "me-central-1",
    ]

    /// `GET /?regions[=<oss-region>]`: every region, or the one named (`oss-cn-chengdu`); another name is
    /// `NoSuchRegion`.
    func describeRegions(_ requested: String?) throws -> HTTPResponse {
        var regions = Self.publicRegions.map { Region(id: $0) }
        if !regions.contains(region) { regions.insert(region, at: 0) }
        if let requested, !requested.isEmpty {
            regions = regions.filter { $0.location == requested }
            guard !regions.isEmpty else {
                throw OSSError(.noSuchRegion, "The specified region does not exist.", details: [("Region", requested)])
            }
        }
        let document = XMLDocumentWriter.document("RegionInfoList") { xml in
            for region in regions {
                xml.open("RegionInfo")
                xml.element("Region", region.location)
                xml.element("InternetEndpoint", region.extranetEndpoint)
                xml.element("InternalEndpoint", region.intranetEndpoint)
                xml.element("AccelerateEndpoint", "oss-accelerate.aliyuncs.com")
                xml.close("RegionInfo")
            }
        }
        return .xml(document)
    }
}
