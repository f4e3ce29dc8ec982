/// An access point of a bucket: `CreateAccessPointConfiguration` validated, and the documents OSS answers with.
/// The stored document is the `GetAccessPointResult` written at creation (everything in it is fixed then); the
/// listing and CreateAccessPoint's reply are read back from it. Requests through an access point's alias or
/// endpoint are not served: it is a stored configuration.
struct AccessPointConfiguration: Equatable {
    let name: String
    let bucket: String
    /// `internet` or `vpc`.
    let networkOrigin: String
    let vpcID: String?
    let arn: String
    let alias: String
    let created: Int64
    /// Always `enable` here: OSS's `creating` state passes at once.
    let status: String
    let publicEndpoint: String
    let internalEndpoint: String

    static let maxPerBucket = 1000

    static func notFound() -> OSSError { OSSError(.noSuchAccessPoint, "Accesspoint not found") }

    /// Validates the body of `PUT /?accessPoint`.
    static func accept(
        _ body: [UInt8], bucket: String, account: String, region: Region, created: Int64
    ) throws(OSSError) -> AccessPointConfiguration {
        let root = try XMLDocument.parse(body)
        guard root.name == "CreateAccessPointConfiguration", let name = root.child("AccessPointName")?.text,
            let origin = root.child("NetworkOrigin")?.text
        else { throw OSSError.malformedXML }
        guard isValidName(name) else {
            throw OSSError.invalidArgument(
                "An access point name is 3 to 19 lowercase letters, digits and hyphens, with no hyphen at either end.",
                name: "AccessPointName", value: name)
        }
        guard origin == "internet" || origin == "vpc" else {
            throw OSSError.invalidArgument(
                "NetworkOrigin must be internet or vpc.", name: "NetworkOrigin", value: origin)
        }
        let vpcID = root.child("VpcConfiguration")?.child("VpcId")?.text
        if origin == "vpc", vpcID?.isEmpty ?? true {
            throw OSSError.invalidArgument(
                "A vpc access point needs VpcConfiguration/VpcId.", name: "VpcId", value: vpcID ?? "")
        }
        let digest = Encoding.lowerHex(EVPDigest.hash(.md5, Array("\(account)/\(bucket)/\(name)/\(created)".utf8)))
        let host = "\(name)-\(account).\(region.location)"
        return AccessPointConfiguration(
            name: name, bucket: bucket, networkOrigin: origin, vpcID: origin == "vpc" ? vpcID : nil,
            arn: "acs:oss:\(region.id):\(account):accesspoint/\(name)", alias: "\(name)-\(digest)-ossalias",
            created: created, status: "enable", publicEndpoint: "\(host).oss-accesspoint.aliyuncs.com",
            internalEndpoint: "\(host)-internal.oss-accesspoint.aliyuncs.com")
    }

    /// 3–19 characters of lowercase letters, digits and `-`, not starting or ending with `-` (OSS's rule).
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (3...19).contains(bytes.count) && bytes.first != 0x2D && bytes.last != 0x2D
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// What is stored and what GetAccessPoint answers (without the access point's Block Public Access, which the
    /// handler adds).
    func document(account: String, publicAccessBlock: Bool? = nil) -> String {
        XMLDocumentWriter.document("GetAccessPointResult") { xml in
            xml.element("AccessPointName", name)
            xml.element("Bucket", bucket)
            xml.element("AccountId", account)
            xml.element("NetworkOrigin", networkOrigin)
            writeVPC(&xml)
            xml.element("AccessPointArn", arn)
            xml.element("CreationDate", String(created))
            xml.element("Alias", alias)
            xml.element("Status", status)
            xml.open("Endpoints")
            xml.element("PublicEndpoint", publicEndpoint)
            xml.element("InternalEndpoint", internalEndpoint)
            xml.close("Endpoints")
            if let publicAccessBlock {
                xml.open("PublicAccessBlockConfiguration")
                xml.element("BlockPublicAccess", publicAccessBlock)
                xml.close("PublicAccessBlockConfiguration")
            }
        }
    }

    /// Reads back a stored `document`.
    init?(document: String) {
        guard let root = try? XMLDocument.parse(Array(document.utf8)), root.name == "GetAccessPointResult",
            let name = root.child("AccessPointName")?.text, let bucket = root.child("Bucket")?.text,
            let origin = root.child("NetworkOrigin")?.text, let arn = root.child("AccessPointArn")?.text,
            let created = root.child("CreationDate").flatMap({ Int64($0.text) }),
            let alias = root.child("Alias")?.text, let status = root.child("Status")?.text,
            let endpoints = root.child("Endpoints")
        else { return nil }
        self.init(
            name: name, bucket: bucket, networkOrigin: origin,
            vpcID: root.child("VpcConfiguration")?.child("VpcId")?.text, arn: arn, alias: alias, created: created,
            status: status, publicEndpoint: endpoints.child("PublicEndpoint")?.text ?? "",
            internalEndpoint: endpoints.child("InternalEndpoint")?.text ?? "")
    }

    init(
        name: String, bucket: String, networkOrigin: String, vpcID: String?, arn: String, alias: String,
        created: Int64, status: String, publicEndpoint: String, internalEndpoint: String
    ) {
        self.name = name
        self.bucket = bucket
        self.networkOrigin = networkOrigin
        self.vpcID = vpcID
        self.arn = arn
        self.alias = alias
        self.created = created
        self.status = status
        self.publicEndpoint = publicEndpoint
        self.internalEndpoint = internalEndpoint
    }

    static func createdDocument(_ point: AccessPointConfiguration) -> String {
        XMLDocumentWriter.document("CreateAccessPointResult") { xml in
            xml.element("AccessPointArn", point.arn)
            xml.element("Alias", point.alias)
        }
    }

    /// `<ListAccessPointsResult>`; `next`: the token of the following page (the last name returned).
    static func listDocument(
        _ points: [AccessPointConfiguration], account: String, maxKeys: Int, next: String?
    ) -> String {
        XMLDocumentWriter.document("ListAccessPointsResult") { xml in
            xml.element("IsTruncated", next != nil)
            if let next { xml.element("NextContinuationToken", next) }
            xml.element("AccountId", account)
            xml.element("MaxKeys", maxKeys)
            xml.open("AccessPoints")
            for point in points {
                xml.open("AccessPoint")
                xml.element("Bucket", point.bucket)
                xml.element("AccessPointName", point.name)
                xml.element("Alias", point.alias)
                xml.element("NetworkOrigin", point.networkOrigin)
                point.writeVPC(&xml)
                xml.element("Status", point.status)
                xml.close("AccessPoint")
            }
            xml.close("AccessPoints")
        }
    }

    private func writeVPC(_ xml: inout XMLWriter) {
        guard let vpcID else { return }
        xml.open("VpcConfiguration")
        xml.element("VpcId", vpcID)
        xml.close("VpcConfiguration")
    }
}

/// `PUT|GET|DELETE ?accessPointPolicy` (access point named in `x-oss-access-point-name`): a JSON policy kept byte
/// for byte, checked as a bucket policy is.
enum AccessPointPolicy {
    static let kind = BucketConfigurationKind(
        "accessPointPolicy", stem: "AccessPointPolicy",
        absent: .error(OSSError(.noSuchAccessPointPolicy, "The access point policy does not exist.")),
        contentType: "application/json", accept: PolicyConfiguration.accept)
}
