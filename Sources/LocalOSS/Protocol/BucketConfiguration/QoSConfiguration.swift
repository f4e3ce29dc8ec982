/// Bandwidth and request-rate limits (`?qosInfo`) and the storage capacity (`?qos`). Stored only: nothing is
/// throttled and no write is refused for capacity.
enum QoSConfiguration {
    /// The elements of a QoS document, in OSS's order. Bandwidths are Gbps, rates requests per second; -1 is
    /// "no limit of its own".
    static let fields = [
        "TotalUploadBandwidth", "IntranetUploadBandwidth", "ExtranetUploadBandwidth", "TotalDownloadBandwidth",
        "IntranetDownloadBandwidth", "ExtranetDownloadBandwidth", "TotalQps", "IntranetQps", "ExtranetQps",
    ]

    /// The emulated account's own limits (GetUserQoSInfo): 10 Gbps each way, requests unlimited. oss2's suite
    /// needs positive bandwidth totals and a rate that is positive or -1.
    static let userLimits: [String: Int] = [
        "TotalUploadBandwidth": 10, "IntranetUploadBandwidth": -1, "ExtranetUploadBandwidth": -1,
        "TotalDownloadBandwidth": 10, "IntranetDownloadBandwidth": -1, "ExtranetDownloadBandwidth": -1,
        "TotalQps": -1, "IntranetQps": -1, "ExtranetQps": -1,
    ]

    static func userDocument(region: Region) -> String {
        XMLDocumentWriter.document("QoSConfiguration") { xml in
            xml.element("Region", region.location)
            for field in fields { xml.element(field, userLimits[field] ?? -1) }
        }
    }

    static func document(_ values: [String: Int]) -> String {
        XMLDocumentWriter.document("QoSConfiguration") { xml in
            for field in fields { xml.element(field, values[field] ?? -1) }
        }
    }

    /// `PUT|GET|DELETE ?qosInfo` (bucket). Elements left out read back as -1; a bucket that never had one
    /// reads as all -1.
    static let bucketKind = BucketConfigurationKind(
        "qosInfo", stem: "BucketQoSInfo", absent: .document(document([:])), accept: accept)

    static func accept(_ body: [UInt8]) throws(OSSError) -> String {
        let root = try XMLDocument.parse(body)
        guard root.name == "QoSConfiguration" else { throw OSSError.malformedXML }
        var values: [String: Int] = [:]
        for field in fields {
            guard let element = root.child(field) else { continue }
            guard let value = Int(element.text), value >= -1 else {
                throw OSSError.invalidArgument(
                    "\(field) must be -1 or a non-negative integer.", name: field,
                    value: element.text)
            }
            values[field] = value
        }
        // A bucket's total may not exceed the account's; its intranet and extranet parts may not exceed the
        // bucket's total (or, with none, the account's).
        for group in ["Upload", "Download"].map({
            ("Total\($0)Bandwidth", ["Intranet\($0)Bandwidth", "Extranet\($0)Bandwidth"])
        })
            + [("TotalQps", ["IntranetQps", "ExtranetQps"])]
        {
            let user = userLimits[group.0] ?? -1
            let total = values[group.0] ?? -1
            if user > 0, total > user {
                throw OSSError.invalidArgument(
                    "\(group.0) exceeds the account's limit.", name: group.0, value: String(total))
            }
            let ceiling = total > 0 ? total : user
            for part in group.1 {
                if let value = values[part], ceiling > 0, value > ceiling {
                    throw OSSError.invalidArgument(
                        "\(part) exceeds \(group.0).", name: part, value: String(value))
                }
            }
        }
        return document(values)
    }

    /// `PUT|GET ?qos`: `<BucketUserQos><StorageCapacity>` in GB, -1 (the default) for unlimited.
    static let capacityKind = BucketConfigurationKind(
        "qos", stem: "BucketStorageCapacity", absent: .document(capacityDocument(-1)), deletable: false,
        accept: { body throws(OSSError) in
            let root = try XMLDocument.parse(body)
            guard root.name == "BucketUserQos", let text = root.child("StorageCapacity")?.text else {
                throw OSSError.malformedXML
            }
            guard let capacity = Int(text), capacity >= -1 else {
                throw OSSError.invalidArgument(
                    "StorageCapacity must be -1 or a non-negative integer.", name: "StorageCapacity", value: text)
            }
            return capacityDocument(capacity)
        })

    static func capacityDocument(_ capacity: Int) -> String {
        XMLDocumentWriter.document("BucketUserQos") { $0.element("StorageCapacity", capacity) }
    }
}
