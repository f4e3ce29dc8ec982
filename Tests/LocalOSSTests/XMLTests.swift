import Testing

@testable import LocalOSS

@Suite struct XMLTests {
    @Test func parsesCompleteBodiesAsEachSDKWritesThem() throws {
        let go =
            #"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&#34;ABC&#34;</ETag></Part></CompleteMultipartUpload>"#
        let oss2 = """
            <?xml version='1.0' encoding='utf-8'?>
            <CompleteMultipartUpload>
              <Part><PartNumber> 2 </PartNumber><ETag>"DEF"</ETag></Part>
              <Part><PartNumber>5</PartNumber><ETag>"0AF"</ETag><Extra/></Part>
            </CompleteMultipartUpload>
            """
        let fromGo = try CompleteMultipartUploadBody.parse(Array(go.utf8))
        #expect(fromGo.map(\.number) == [1])
        #expect(fromGo[0].etag == "\"ABC\"")
        let fromOSS2 = try CompleteMultipartUploadBody.parse(Array(oss2.utf8))
        #expect(fromOSS2.map(\.number) == [2, 5])
        #expect(MultipartStore.normalizedETag(fromOSS2[1].etag) == "0AF")
    }

    @Test(arguments: [
        "", "not xml", "<CompleteMultipartUpload>",
        "<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>",
        "<CompleteMultipartUpload></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
    ])
    func malformedCompleteBodies(_ text: String) {
        do {
            _ = try CompleteMultipartUploadBody.parse(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .malformedXML)
        }
    }

    @Test func refusesDoctypesSoNoEntityIsExpanded() {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
            <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lol2;</ETag></Part></CompleteMultipartUpload>
            """
        let external = """
            <!doctype x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>
            """
        for text in [laughs, external] {
            #expect(throws: OSSError.self) { try XMLDocument.parse(Array(text.utf8)) }
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(throws: OSSError.self) { try XMLDocument.parse(Array(deep.utf8)) }
    }

    @Test func writerEscapesTextAndHasNoNamespace() {
        var xml = XMLWriter()
        xml.open("Root")
        xml.element("Key", "a&b<c>\"d'")
        xml.element("IsTruncated", false)
        xml.element("Size", 42)
        xml.close("Root")
        #expect(
            xml.finish()
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Root><Key>a&amp;b&lt;c&gt;&quot;d&apos;</Key><IsTruncated>false</IsTruncated><Size>42</Size></Root>"
        )
    }

    @Test func writerWritesCarriageReturnAsACharacterReference() {
        #expect(XMLWriter.escape("a\rb\r\nc\td\n") == "a&#13;b&#13;\nc\td\n")
        #expect(XMLWriter.escape("f\u{0C}") == "f\u{FFFD}")
    }

    @Test func completeBodiesMayIndentTheirValues() throws {
        let indented =
            "<CompleteMultipartUpload>\n <Part>\n  <PartNumber>\n\t7\r\n  </PartNumber>\n  <ETag>\n   \"0AF\"\n  </ETag>\n </Part>\n</CompleteMultipartUpload>"
        let parsed = try CompleteMultipartUploadBody.parse(Array(indented.utf8))
        #expect(parsed.map(\.number) == [7])
        #expect(parsed[0].etag == "\"0AF\"")
    }

    @Test func deleteDocumentsMayCarryControlCharactersRawOrAsReferences() throws {
        let text = "<Delete><Object><Key>a\u{0C}b&#12;c&#x0b;d&#13;e&amp;&#10;</Key></Object></Delete>"
        #expect(throws: OSSError.self) { try XMLDocument.parse(Array(text.utf8)) }
        let root = try XMLDocument.parse(Array(text.utf8), allowingControlCharacters: true)
        #expect(root.child("Object")?.child("Key")?.text == "a\u{0C}b\u{0C}c\u{0B}d\re&\n")
        // A document that already holds one of the stand-in noncharacters is parsed as it is.
        let holdsStandIn =
            Array("<Delete><Object><Key>".utf8) + [0xEF, 0xB7, 0x90] + Array("&#12;</Key></Object></Delete>".utf8)
        #expect(throws: OSSError.self) { try XMLDocument.parse(holdsStandIn, allowingControlCharacters: true) }
    }

    @Test func errorBodiesCarryCodeRequestIdAndHeadersForHead() throws {
        let response = ErrorResponder.response(
            for: .noSuchUpload("U1", ec: "0042-00000104"), requestID: "RID", host: "h", isHead: true)
        #expect(response.status == 404)
        guard case .bytes(let body) = response.body else {
            Issue.record("no body")
            return
        }
        let root = try XMLDocument.parse(body)
        #expect(root.name == "Error")
        #expect(root.child("Code")?.text == "NoSuchUpload")
        #expect(root.child("RequestId")?.text == "RID")
        #expect(root.child("UploadId")?.text == "U1")
        #expect(root.child("EC")?.text == "0042-00000104")
        #expect(response.headers["x-oss-ec"] == "0042-00000104")
        #expect(response.headers["x-oss-err"].flatMap { Encoding.base64Decode($0) } == body)
    }
}
