/// RestoreObject and CleanRestoredObject: archived objects' restores, whose state the store derives from the server
/// clock.
struct ArchiveHandler {
    let objects: ObjectStore

    /// `POST /K?restore`: 202 when a restore starts, 200 when a restored copy is extended.
    func restoreObject(_ address: ObjectAddress, _ context: RequestContext) throws -> HTTPResponse {
        // Versioning hook: without versions the only version is the current object, which is what a bucket that
        // never enabled versioning addresses under any `versionId`.
        let request = try Self.parse(try context.smallBody(limit: 64 * 1024))
        let plan = try objects.restoreObject(address, request: request)
        var headers = HTTPHeaders()
        // oss2's and pyv2's suites read the tier a cold-class restore runs at from this header.
        if let tier = plan.record.tier { headers.add("x-oss-object-restore-priority", tier) }
        switch plan {
        case .start, .upgrade: return HTTPResponse(status: 202, headers: headers)
        case .extend: return HTTPResponse(status: 200, headers: headers)
        }
    }

    /// `POST /K?cleanRestoredObject`.
    func cleanRestoredObject(_ address: ObjectAddress) throws -> HTTPResponse {
        try objects.cleanRestoredObject(address)
        return HTTPResponse(status: 200)
    }

    /// `PUT /?bucketArchiveDirectRead`: `<ArchiveDirectReadConfiguration><Enabled>true|false</Enabled>
    /// </ArchiveDirectReadConfiguration>`; anything but a boolean is MalformedXML (oss2's suite).
    func putArchiveDirectRead(_ bucket: BucketName, _ context: RequestContext) throws -> HTTPResponse {
        let root = try XMLDocument.parse(try context.smallBody(limit: 64 * 1024))
        guard root.name == "ArchiveDirectReadConfiguration", let text = root.child("Enabled")?.text,
            text == "true" || text == "false"
        else { throw OSSError.malformedXML }
        try objects.setArchiveDirectRead(bucket, text == "true")
        return HTTPResponse(status: 200)
    }

    /// `GET /?bucketArchiveDirectRead`; never configured reads as disabled.
    func getArchiveDirectRead(_ bucket: BucketName) throws -> HTTPResponse {
        var xml = XMLWriter()
        xml.open("ArchiveDirectReadConfiguration")
        xml.element("Enabled", try objects.archiveDirectRead(bucket))
        xml.close("ArchiveDirectReadConfiguration")
        return .xml(xml.finish())
    }

    /// `<RestoreRequest><Days>N</Days><JobParameters><Tier>T</Tier></JobParameters></RestoreRequest>`; an empty body
    /// is a restore with the defaults.
    static func parse(_ body: [UInt8]) throws(OSSError) -> RestoreRequest {
        guard !body.isEmpty else { return RestoreRequest() }
        let root = try XMLDocument.parse(body)
        guard root.name == "RestoreRequest" else { throw OSSError.malformedXML }
        var request = RestoreRequest()
        if let text = root.child("Days")?.text {
            guard let days = Int(text) else {
                throw OSSError.invalidArgument("The Days you specified is invalid.", name: "Days", value: text)
            }
            request.days = days
        }
        if let parameters = root.child("JobParameters") {
            request.hasJobParameters = true
            request.tier = parameters.child("Tier")?.text
        }
        return request
    }
}
