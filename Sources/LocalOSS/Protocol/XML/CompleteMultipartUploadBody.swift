/// The CompleteMultipartUpload request document.
enum CompleteMultipartUploadBody {
    /// `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…` → (number, etag) list.
    /// Whitespace around a value (`<PartNumber> 1 </PartNumber>`, an ETag on its own indented line) is not part of it.
    static func parse(_ body: [UInt8]) throws(OSSError) -> [(number: Int, etag: String)] {
        let root = try XMLDocument.parse(body)
        guard root.name == "CompleteMultipartUpload" else { throw .malformedXML }
        let parts = root.children("Part")
        guard !parts.isEmpty else { throw .malformedXML }
        var listed: [(number: Int, etag: String)] = []
        for part in parts {
            guard let numberText = part.child("PartNumber")?.text.trimmingXMLWhitespace(),
                let number = Int(numberText), let etag = part.child("ETag")?.text.trimmingXMLWhitespace()
            else { throw .malformedXML }
            listed.append((number: number, etag: String(etag)))
        }
        return listed
    }
}
