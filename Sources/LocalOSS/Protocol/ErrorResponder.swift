/// Renders an `OSSError` as OSS does: XML body, `x-oss-ec`, and for bodiless replies (HEAD) `x-oss-err`.
enum ErrorResponder {
    static func response(for error: OSSError, requestID: String, host: String, isHead: Bool) -> HTTPResponse {
        let ec = error.ec ?? error.code.ec
        var xml = XMLWriter()
        xml.open("Error")
        xml.element("Code", error.wireCode)
        xml.element("Message", error.message)
        xml.element("RequestId", requestID)
        xml.element("HostId", host)
        for (name, value) in error.details { xml.element(name, value) }
        xml.element("EC", ec)
        xml.element("RecommendDoc", "https://api.aliyun.com/troubleshoot?q=\(ec)")
        xml.close("Error")
        let document = xml.finish()
        var headers = HTTPHeaders()
        headers.add("x-oss-ec", ec)
        for (name, value) in error.headers { headers.add(name, value) }
        if isHead {
            headers.add("x-oss-err", Encoding.base64(Array(document.utf8)))
        }
        return .xml(document, status: error.status, headers: headers)
    }
}
