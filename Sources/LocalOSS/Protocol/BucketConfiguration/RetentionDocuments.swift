/// The XML of bucket retention policies (`?worm`): the bodies of InitiateBucketWorm and ExtendBucketWorm, and
/// GetBucketWorm's `WormConfiguration`.
enum RetentionDocuments {
    /// `<InitiateWormConfiguration|ExtendWormConfiguration><RetentionPeriodInDays>N</…>`: the period, in range.
    static func retentionDays(_ body: [UInt8], root name: String) throws(OSSError) -> Int {
        let root = try XMLDocument.parse(body)
        guard root.name == name, let text = root.child("RetentionPeriodInDays")?.text else {
            throw OSSError.malformedXML
        }
        guard let days = Int(text), RetentionPolicy.days.contains(days) else {
            throw OSSError.invalidArgument(
                "RetentionPeriodInDays must be a whole number of days from \(RetentionPolicy.days.lowerBound) to \(RetentionPolicy.days.upperBound).",
                name: "RetentionPeriodInDays", value: text)
        }
        return days
    }

    /// `WormConfiguration` in OSS's element order; an unlocked policy also tells when it lapses (`ExpirationDate`).
    static func configuration(_ policy: RetentionPolicy) -> String {
        XMLDocumentWriter.document("WormConfiguration") { xml in
            xml.element("WormId", policy.id)
            xml.element("State", policy.state.rawValue)
            xml.element("RetentionPeriodInDays", policy.days)
            xml.element("CreationDate", HTTPDate.isoSeconds(policy.created))
            if let lapsesAt = policy.lapsesAt { xml.element("ExpirationDate", HTTPDate.isoSeconds(lapsesAt)) }
        }
    }
}

/// The XML of data redundancy transitions (`?redundancyTransition`), as OSS's samples order it. A task here is
/// always finished: created, started and ended at once.
enum RedundancyTransitionDocuments {
    /// The one target OSS offers (LRS → ZRS).
    static let target = "ZRS"

    static func created(_ task: RedundancyTransitionRecord) -> String {
        XMLDocumentWriter.document("BucketDataRedundancyTransition") { $0.element("TaskId", task.taskID) }
    }

    static func task(_ task: RedundancyTransitionRecord) -> String {
        XMLDocumentWriter.document("BucketDataRedundancyTransition") { write(task, &$0) }
    }

    /// `ListBucketDataRedundancyTransition`, of a bucket or of the account; `next` is the next page's token.
    static func list(_ tasks: [RedundancyTransitionRecord], next: String?) -> String {
        XMLDocumentWriter.document("ListBucketDataRedundancyTransition") { xml in
            for task in tasks {
                xml.open("BucketDataRedundancyTransition")
                write(task, &xml)
                xml.close("BucketDataRedundancyTransition")
            }
            xml.element("IsTruncated", next != nil)
            if let next { xml.element("NextContinuationToken", next) }
        }
    }

    private static func write(_ task: RedundancyTransitionRecord, _ xml: inout XMLWriter) {
        let time = HTTPDate.iso8601(task.created)
        xml.element("Bucket", task.bucket)
        xml.element("TaskId", task.taskID)
        xml.element("Status", "Finished")
        xml.element("CreateTime", time)
        xml.element("StartTime", time)
        xml.element("ProcessPercentage", 100)
        xml.element("EstimatedRemainingTime", 0)
        xml.element("EndTime", time)
    }
}
