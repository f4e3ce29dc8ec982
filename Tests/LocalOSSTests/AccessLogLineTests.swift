import Testing

@testable import LocalOSS

/// The access-log line and object name (protocol notes §4.5), without a server.
@Suite struct AccessLogLineTests {
    /// 2012-05-02T00:00:04Z, OSS's own example instant.
    static let instant: Int64 = 1_335_916_804_000_000

    static func line() -> AccessLogLine {
        AccessLogLine(
            remoteIP: "119.140.142.11", timeMicros: instant, requestLine: "GET /aliyun-logo.png HTTP/1.1",
            status: 200, sentBytes: 5576, requestMillis: 71, referer: "http://www.aliyun.com/product/oss",
            userAgent: "curl/7.15.5", host: "oss-example.oss-cn-hangzhou.aliyuncs.com",
            requestID: "505B016950BF5B92DD7BC2A5", requester: "1657136103983691", operation: "GetObject",
            bucket: "oss-example", key: "aliyun-logo.png", objectSize: 5576, serverMillis: 17, errorCode: nil,
            requestLength: 302, owner: "1657136103983691", accessKeyID: "LTAI-example")
    }

    /// The fields of a line: `[...]` and `"..."` (with `\"` inside) are one field each.
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var closing: Character?
        var escaped = false
        for char in line {
            if let end = closing {
                current.append(char)
                if escaped {
                    escaped = false
                } else if char == "\\" {
                    escaped = true
                } else if char == end {
                    closing = nil
                }
            } else if char == " " {
                fields.append(current)
                current = ""
            } else {
                if current.isEmpty, char == "[" || char == "\"" { closing = char == "[" ? "]" : "\"" }
                current.append(char)
            }
        }
        fields.append(current)
        return fields
    }

    @Test func fieldsInOSSOrderWithTextQuotedAndDashesForNothing() {
        #expect(
            Self.line().formatted()
                == "119.140.142.11 - - [02/May/2012:00:00:04 +0000] \"GET /aliyun-logo.png HTTP/1.1\" 200 5576 71 "
                + "\"http://www.aliyun.com/product/oss\" \"curl/7.15.5\" \"oss-example.oss-cn-hangzhou.aliyuncs.com\" "
                + "\"505B016950BF5B92DD7BC2A5\" \"true\" \"1657136103983691\" \"GetObject\" \"oss-example\" "
                + "\"aliyun-logo.png\" 5576 17 \"-\" 302 \"1657136103983691\" - \"-\" \"-\" \"-\" \"-\" \"LTAI-example\""
        )
    }

    @Test func anAnonymousFailedRequestHasDashesWhereNothingIsKnown() {
        var line = Self.line()
        (line.remoteIP, line.referer, line.userAgent, line.requester, line.accessKeyID) = (nil, nil, "", nil, nil)
        (line.key, line.objectSize, line.errorCode, line.status) = (nil, nil, "AccessDenied", 403)
        let fields = Self.fields(line.formatted())
        #expect(fields[0] == "-")
        #expect(fields[8] == "\"-\"" && fields[9] == "\"-\"")
        #expect(fields[13] == "\"-\"")
        #expect(fields[16] == "\"-\"" && fields[17] == "-")
        #expect(fields[19] == "\"AccessDenied\"")
        #expect(fields.last == "\"-\"")
        #expect(fields.count == 28)
    }

    @Test func keysAreURLEncodedAndQuotesEscaped() {
        var line = Self.line()
        line.key = "dir/a b+日.txt"
        line.userAgent = "say \"hi\"\\\n"
        let text = line.formatted()
        #expect(text.contains(" \"dir/a%20b%2B%E6%97%A5.txt\" "))
        #expect(text.contains(" \"say \\\"hi\\\"\\\\\\x0A\" "))
        #expect(!text.contains("\n"))
    }

    @Test func timesAreUTCAndBefore1970Too() {
        #expect(AccessLogLine.time(micros: 0) == "01/Jan/1970:00:00:00 +0000")
        #expect(AccessLogLine.time(micros: -1) == "31/Dec/1969:23:59:59 +0000")
        #expect(AccessLogLine.stamp(micros: Self.instant + 999_999) == "2012-05-02-00-00-04")
    }

    @Test func objectNamesFollowOSSNamingWithFourUniqueDigits() {
        let destination = AccessLogDestination(targetBucket: "bucket-log", targetPrefix: "MyLog-")
        #expect(
            destination.objectKey(source: "oss-example", micros: Self.instant, unique: 1)
                == "MyLog-oss-example2012-05-02-00-00-04-0001")
        #expect(destination.objectKey(source: "b", micros: 0, unique: 12_345).hasSuffix("1970-01-01-00-00-00-2345"))
    }

    @Test func theDestinationComesFromTheStoredDocument() {
        let document =
            "<BucketLoggingStatus><LoggingEnabled><TargetBucket>t</TargetBucket><TargetPrefix>p/</TargetPrefix>"
            + "</LoggingEnabled></BucketLoggingStatus>"
        #expect(AccessLogDestination(document: document) == AccessLogDestination(targetBucket: "t", targetPrefix: "p/"))
        #expect(AccessLogDestination(document: LoggingConfiguration.disabled) == nil)
    }
}
