/// Read-only answers computed rather than stored: GetBucketStat from the catalog, GetBucketPolicyStatus from the
/// stored policy, DescribeRegions from the region the server plays.
struct BucketInformationHandler {
    let objects: ObjectStore
    let region: Region

    /// `GET ?stat`. Every element OSS documents is written (the parsers ignore the ones they lack); the cold
    /// classes report billed bytes (64 KB minimum per object) and real bytes apart.
    func stat(_ bucket: BucketName) throws -> HTTPResponse {
        _ = try objects.bucket(bucket)
        let figures = try objects.bucketStatistics(bucket)
        let standard = figures[.standard]
        let document = XMLDocumentWriter.document("BucketStat") { xml in
            xml.element("Storage", figures.bytes)
            xml.element("ObjectCount", figures.objects)
            xml.element("MultipartUploadCount", figures.uploads)
            xml.element("LiveChannelCount", 0)
            xml.element("MultipartPartCount", figures.parts)
            xml.element("MultipartPartStorage", figures.partBytes)
            xml.element("DeleteMarkerCount", 0)
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

    /// `GET /?regions[=<id>]`: the one region this server plays; another id is `NoSuchRegion`.
    func describeRegions(_ requested: String?) throws -> HTTPResponse {
        if let requested, !requested.isEmpty, requested != region.location, requested != region.id {
            throw OSSError(.noSuchRegion, "The specified region does not exist.", details: [("Region", requested)])
        }
        let document = XMLDocumentWriter.document("RegionInfoList") { xml in
            xml.open("RegionInfo")
            xml.element("Region", region.location)
            xml.element("InternetEndpoint", region.extranetEndpoint)
            xml.element("InternalEndpoint", region.intranetEndpoint)
            xml.element("AccelerateEndpoint", "oss-accelerate.aliyuncs.com")
            xml.close("RegionInfo")
        }
        return .xml(document)
    }
}
