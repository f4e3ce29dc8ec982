import Foundation
import Testing

@testable import LocalOSS

/// OSS's operation-naming parameters (`fixtures/routing/oss-subresources.json`) against the route table: the
/// implemented requests reach their operation, and every other method × level × sub-resource is refused — never
/// answered by PutObject, DeleteObject, ListObjects, PutBucket, DeleteBucket or ListBuckets.
@Suite struct SubresourceGateTests {
    struct Fixture {
        let methods: [String]
        let defined: [ResourceLevel: [String: Set<String>]]
        /// `header`: one `Name: value` the request also carries (an access point's name), or nil.
        let implemented: [(method: String, level: ResourceLevel, query: String, operation: String, header: String?)]

        var allNames: [String] {
            Set(defined.values.flatMap { $0.values.flatMap { $0 } }).sorted()
        }

        /// (method, level, name) combinations that name an implemented operation, alone or with partners.
        func implements(_ method: String, _ level: ResourceLevel, _ name: String) -> Bool {
            implemented.contains { row in
                row.method == method && row.level == level
                    && row.query.split(separator: "&").contains {
                        $0.split(separator: "=").first.map(String.init) == name
                    }
            }
        }
    }

    static let fixture: Fixture = {
        let url = ListingFixtureTests.fixtureRoot.deletingLastPathComponent()
            .appendingPathComponent("routing/oss-subresources.json")
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var defined: [ResourceLevel: [String: Set<String>]] = [:]
        for (level, methods) in json["defined"] as! [String: [String: [String]]] {
            defined[ResourceLevel(rawValue: level)!] = methods.mapValues(Set.init)
        }
        let implemented = (json["implemented"] as! [[String: String]]).map {
            (
                method: $0["method"]!, level: ResourceLevel(rawValue: $0["level"]!)!, query: $0["query"]!,
                operation: $0["operation"]!, header: $0["header"]
            )
        }
        return Fixture(methods: json["methods"] as! [String], defined: defined, implemented: implemented)
    }()

    static func target(_ level: ResourceLevel, query: String) -> String {
        let path =
            switch level {
            case .service: "/"
            case .bucket: "/sweep-bucket/"
            case .object: "/sweep-bucket/some/key"
            }
        return query.isEmpty ? path : path + "?" + query
    }

    static func classify(_ method: String, _ target: String, header: String? = nil) throws(OSSError)
        -> LocalOSS.Operation
    {
        var headers = [("Host", "127.0.0.1:9800")]
        if let header, let colon = header.firstIndex(of: ":") {
            headers.append((String(header[..<colon]), String(header[header.index(after: colon)...].dropFirst())))
        }
        let head = HTTPRequestHead(method: method, target: target, version: "HTTP/1.1", headers: HTTPHeaders(headers))
        return try Router().classify(head, query: QueryParameters(raw: head.rawQuery))
    }

    @Test func theServerKnowsEveryNameOSSDefines() {
        for (level, methods) in Self.fixture.defined {
            for (method, names) in methods {
                for name in names {
                    #expect(
                        SubresourceCatalog.isDefined(name, method: method, level: level),
                        "\(method) \(level) ?\(name) is missing from SubresourceCatalog")
                }
            }
        }
        #expect(Self.fixture.allNames.count >= 75)
    }

    @Test func implementedRequestsReachTheirOperation() throws {
        for row in Self.fixture.implemented {
            let operation = try Self.classify(row.method, Self.target(row.level, query: row.query), header: row.header)
            #expect(operation.name == row.operation, "\(row.method) \(row.level) ?\(row.query)")
        }
    }

    @Test func everyOtherSubresourceIsRefused() {
        var checked = 0
        for level in ResourceLevel.allCases {
            for method in Self.fixture.methods + ["PATCH", "FOO"] {
                for name in Self.fixture.allNames where !Self.fixture.implements(method, level, name) {
                    let target = Self.target(level, query: "\(name)=v")
                    checked += 1
                    do throws(OSSError) {
                        let operation = try Self.classify(method, target)
                        switch operation {
                        case .unimplemented:
                            #expect(
                                Self.fixture.defined[level]?[method]?.contains(name) == true,
                                "\(method) \(target): NotImplemented for a name OSS does not define here")
                        case .preflight:
                            #expect(method == "OPTIONS", "\(method) \(target) routed to a preflight")
                        default:
                            Issue.record("\(method) \(target) routed to \(operation.name)")
                        }
                    } catch {
                        let defined = Self.fixture.defined[level]?[method]?.contains(name) == true
                        let expected: Set<OSSErrorCode> =
                            level == .bucket && (name == "uploadId" || name == "partNumber")
                            ? [.invalidArgument] : defined ? [] : [.methodNotAllowed]
                        #expect(expected.contains(error.code), "\(method) \(target): \(error.code)")
                    }
                }
            }
        }
        #expect(checked > 1_500)
    }

    @Test func notImplementedNamesTheSubresourceAndMethodNotAllowedListsTheMethods() throws {
        guard case .unimplemented(let request) = try Self.classify("GET", "/b1b/k?legalHold") else {
            Issue.record("GET ?legalHold was not refused")
            return
        }
        #expect(request.feature == "legalHold")
        #expect(request.key?.value == "k")
        do throws(OSSError) {
            _ = try Self.classify("POST", "/b1b/?lifecycle")
            Issue.record("POST ?lifecycle was accepted")
        } catch {
            #expect(error.code == .methodNotAllowed)
            #expect(error.details.map { $0.0 } == ["ResourceType", "Method"])
            #expect(error.details.map { $0.1 } == ["BUCKET", "POST"])
            #expect(error.headers.first?.0 == "Allow")
        }
    }
}
