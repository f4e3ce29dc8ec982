/// `PUT|GET|DELETE /?inventory&inventoryId=<id>` and `GET /?inventory` (list): a bucket's inventory report
/// configurations, validated and written back in OSS's element order. Stored only: no report is ever produced.
enum InventoryConfiguration {
    /// Inventory configurations a bucket may hold (OSS's documented limit).
    static let maxPerBucket = 1000
    /// Configurations in one page of the listing (OSS pages by 100; oss2's suite puts 120 and reads 100 + 20).
    static let pageSize = 100
    static let frequencies = ["Daily", "Weekly", "Monthly", "Once"]
    static let includedVersions = ["All", "Current"]
    static let formats = ["CSV"]
    static let optionalFields = [
        "Size", "LastModifiedDate", "ETag", "StorageClass", "IsMultipartUploaded", "EncryptionStatus",
        "TransitionTime", "ObjectAcl", "TaggingCount", "ObjectType", "Crc64",
    ]
    static let storageClasses = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"]
    /// Bounds of `LastModifyBeginTimeStamp` / `LastModifyEndTimeStamp` (2010-01-01 to 9999-12-31, pyv2's model).
    static let timestamps: ClosedRange<Int64> = 1_262_275_200...253_402_271_999

    static let notFound = OSSError(.noSuchInventory, "The inventory configuration you specified does not exist.")

    /// Validates a PUT body for inventory `id`; returns the document GET returns.
    static func accept(_ body: [UInt8], id: String) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "InventoryConfiguration", let sentID = root.child("Id")?.text,
            let enabled = root.child("IsEnabled")?.boolValue,
            let destination = root.child("Destination")?.child("OSSBucketDestination"),
            let frequency = root.child("Schedule")?.child("Frequency")?.text,
            let versions = root.child("IncludedObjectVersions")?.text
        else { throw OSSError.malformedXML }
        guard sentID == id else {
            throw OSSError.invalidArgument(
                "The inventory id in the body must equal inventoryId.", name: "Id", value: sentID)
        }
        guard !id.isEmpty, id.utf8.count <= 64 else {
            throw OSSError.invalidArgument("The inventory id is invalid.", name: "inventoryId", value: id)
        }
        try check(frequency, in: frequencies, name: "Frequency")
        try check(versions, in: includedVersions, name: "IncludedObjectVersions")
        let fields = root.child("OptionalFields")?.children("Field").map(\.text) ?? []
        for field in fields { try check(field, in: optionalFields, name: "Field") }
        let filter = try root.child("Filter").map { element throws(OSSError) in try Filter(element) }
        let target = try Destination(destination)
        return XMLDocumentWriter.document("InventoryConfiguration") { xml in
            xml.element("Id", id)
            xml.element("IsEnabled", enabled)
            target.write(&xml)
            xml.open("Schedule")
            xml.element("Frequency", frequency)
            if let day = root.child("Schedule")?.child("DayOfMonth") { xml.echo(day) }
            if let autoDelete = root.child("Schedule")?.child("AutoDelete") { xml.echo(autoDelete) }
            xml.close("Schedule")
            filter?.write(&xml)
            xml.element("IncludedObjectVersions", versions)
            if root.child("OptionalFields") != nil {
                xml.open("OptionalFields")
                for field in fields { xml.element("Field", field) }
                xml.close("OptionalFields")
            }
            if let incremental = root.child("IncrementalInventory") { xml.echo(incremental) }
        }
    }

    /// `<ListInventoryConfigurationsResult>`: the page's documents, `ContinuationToken` echoed when one was sent,
    /// `NextContinuationToken` (the last id returned) when more follow.
    static func listDocument(_ page: [String], token: String?, next: String?) -> String {
        var xml = XMLWriter()
        xml.open("ListInventoryConfigurationsResult")
        for document in page { xml.embed(document) }
        xml.element("IsTruncated", next != nil)
        if let token { xml.element("ContinuationToken", token) }
        if let next { xml.element("NextContinuationToken", next) }
        xml.close("ListInventoryConfigurationsResult")
        return xml.finish()
    }

    static func check(_ value: String, in allowed: [String], name: String) throws(OSSError) {
        guard allowed.contains(value) else {
            throw OSSError.invalidArgument("\(name) has an invalid value.", name: name, value: value)
        }
    }

    /// `<Destination><OSSBucketDestination>`: format, account, role and bucket (`acs:oss:::<name>`) are required.
    struct Destination {
        let format: String
        let accountID: String
        let roleARN: String
        let bucket: String
        let prefix: String?
        let encryption: XMLElement?

        init(_ element: XMLElement) throws(OSSError) {
            guard let format = element.child("Format")?.text, let accountID = element.child("AccountId")?.text,
                let roleARN = element.child("RoleArn")?.text, let bucket = element.child("Bucket")?.text
            else { throw OSSError.malformedXML }
            try InventoryConfiguration.check(format, in: InventoryConfiguration.formats, name: "Format")
            guard bucket.hasPrefix("acs:oss:::"), (try? BucketName(validating: String(bucket.dropFirst(10)))) != nil
            else {
                throw OSSError.invalidArgument(
                    "The destination bucket must be named acs:oss:::<bucket>.", name: "Bucket", value: bucket)
            }
            if let encryption = element.child("Encryption") {
                let kms = encryption.child("SSE-KMS")
                guard (kms == nil) != (encryption.child("SSE-OSS") == nil), kms == nil || kms?.child("KeyId") != nil
                else { throw OSSError.malformedXML }
            }
            self.format = format
            self.accountID = accountID
            self.roleARN = roleARN
            self.bucket = bucket
            prefix = element.child("Prefix")?.text
            encryption = element.child("Encryption")
        }

        func write(_ xml: inout XMLWriter) {
            xml.open("Destination")
            xml.open("OSSBucketDestination")
            xml.element("Format", format)
            xml.element("AccountId", accountID)
            xml.element("RoleArn", roleARN)
            xml.element("Bucket", bucket)
            if let prefix { xml.element("Prefix", prefix) }
            if let encryption { xml.echo(encryption) }
            xml.close("OSSBucketDestination")
            xml.close("Destination")
        }
    }

    /// `<Filter>`: a prefix, a last-modified window (Unix seconds), a size window (bytes) and storage classes.
    /// OSS returns the classes sorted (`Standard,IA` comes back `IA,Standard`: oss2's suite checks it).
    struct Filter {
        let prefix: String?
        let begin: Int64?
        let end: Int64?
        let lower: Int64?
        let upper: Int64?
        let storageClasses: [String]?

        init(_ element: XMLElement) throws(OSSError) {
            prefix = element.child("Prefix")?.text
            begin = try Self.number(element, "LastModifyBeginTimeStamp", in: InventoryConfiguration.timestamps)
            end = try Self.number(element, "LastModifyEndTimeStamp", in: InventoryConfiguration.timestamps)
            lower = try Self.number(element, "LowerSizeBound", in: 0...Int64.max)
            upper = try Self.number(element, "UpperSizeBound", in: 1...Int64.max)
            if let begin, let end, begin > end {
                throw OSSError.invalidArgument(
                    "LastModifyBeginTimeStamp is after LastModifyEndTimeStamp.", name: "LastModifyBeginTimeStamp",
                    value: String(begin))
            }
            if let lower, let upper, lower >= upper {
                throw OSSError.invalidArgument(
                    "LowerSizeBound must be less than UpperSizeBound.", name: "LowerSizeBound", value: String(lower))
            }
            if let text = element.child("StorageClass")?.text {
                let classes = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard !classes.isEmpty else {
                    throw OSSError.invalidArgument(
                        "StorageClass has an invalid value.", name: "StorageClass", value: text)
                }
                for name in classes {
                    try InventoryConfiguration.check(
                        name, in: InventoryConfiguration.storageClasses, name: "StorageClass")
                }
                storageClasses = Array(Set(classes)).sorted()
            } else {
                storageClasses = nil
            }
        }

        private static func number(_ element: XMLElement, _ name: String, in range: ClosedRange<Int64>)
            throws(OSSError) -> Int64?
        {
            guard let text = element.child(name)?.text else { return nil }
            guard let value = Int64(text), range.contains(value) else {
                throw OSSError.invalidArgument("\(name) has an invalid value.", name: name, value: text)
            }
            return value
        }

        func write(_ xml: inout XMLWriter) {
            xml.open("Filter")
            if let prefix { xml.element("Prefix", prefix) }
            if let begin { xml.element("LastModifyBeginTimeStamp", begin) }
            if let end { xml.element("LastModifyEndTimeStamp", end) }
            if let lower { xml.element("LowerSizeBound", lower) }
            if let upper { xml.element("UpperSizeBound", upper) }
            if let storageClasses { xml.element("StorageClass", storageClasses.joined(separator: ",")) }
            xml.close("Filter")
        }
    }
}
