import Testing

@testable import LocalOSS

/// `?policy&comp=callback`: a document of its own (oss2's `put_bucket_callback_policy` model), routed apart from the
/// bucket policy by `comp`.
@Suite struct CallbackPolicyCodecTests {
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    @Test func itemsComeBackInOrderWithCallbackVarAlwaysPresent() throws {
        let body = """
            <BucketCallbackPolicy><PolicyItem><PolicyName>test_1</PolicyName><Callback>e30=</Callback></PolicyItem>\
            <PolicyItem><PolicyName>test_2</PolicyName><Callback>eyJ9</Callback><CallbackVar>eyJ4In0=</CallbackVar>\
            </PolicyItem></BucketCallbackPolicy>
            """
        let document = try CallbackPolicyConfiguration.accept(Array(body.utf8))
        #expect(
            document == Self.declaration
                + "<BucketCallbackPolicy><PolicyItem><PolicyName>test_1</PolicyName><Callback>e30=</Callback>"
                + "<CallbackVar></CallbackVar></PolicyItem><PolicyItem><PolicyName>test_2</PolicyName>"
                + "<Callback>eyJ9</Callback><CallbackVar>eyJ4In0=</CallbackVar></PolicyItem></BucketCallbackPolicy>")
    }

    @Test func anItemWithoutNameOrCallbackIsMalformed() {
        for body in [
            "<BucketCallbackPolicy><PolicyItem><Callback>e30=</Callback></PolicyItem></BucketCallbackPolicy>",
            "<BucketCallbackPolicy><PolicyItem><PolicyName>a</PolicyName></PolicyItem></BucketCallbackPolicy>",
            "<Other/>",
        ] {
            #expect(throws: OSSError.self) { try CallbackPolicyConfiguration.accept(Array(body.utf8)) }
        }
    }

    @Test func compCallbackRoutesToTheCallbackDocument() throws {
        for (target, stem) in [
            ("/bkt/?policy&comp=callback", "BucketCallbackPolicy"), ("/bkt/?policy", "BucketPolicy"),
        ] {
            for method in ["GET", "PUT", "DELETE"] {
                let head = HTTPRequestHead(
                    method: method, target: target, version: "HTTP/1.1",
                    headers: HTTPHeaders([("Host", "127.0.0.1:9800")]))
                let operation = try Router().classify(head, query: QueryParameters(raw: head.rawQuery))
                #expect(operation.name == method.prefix(1) + method.dropFirst().lowercased() + stem)
            }
        }
    }
}
