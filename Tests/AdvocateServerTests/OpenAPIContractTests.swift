import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Keeps the OpenAPI document true: requests that draw every documented answer of every
/// operation, each checked against the document (status, media type, required headers, body
/// schema); and every documented status must be drawn by one of them.
@Suite struct OpenAPIContractTests {
    let valid = #"{"referrer":"ada","name":"Contract Friend","email":"contract.friend@example.net","source":"email","consent":true}"#

    @Test func everyAnswerOfTheEndpointIsDocumentedAndEveryDocumentedAnswerHappens() async throws {
        let document = try JSONParser.parse(OpenAPIDocument.template)
        let contract = Contract(document: document)
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let post = "/api/referrals"
            try contract.check(post, "post", await client.postJSON(valid))
            try contract.check(post, "post", await client.postForm("referrer=ada&name=Form+Friend&email=form.friend%40example.net&consent=on"))
            try contract.check(post, "post", await client.postJSON(#"{"referrer":"ada","#))
            try contract.check(post, "post", await client.postJSON(valid, headers: [.origin: "https://evil.example"]))
            try contract.check(post, "post", await client.postJSON(valid))
            try contract.check(post, "post", await client.postJSON(String(repeating: " ", count: ServerConfiguration.maximumBodySize + 1)))
            try contract.check(post, "post", await client.postForm(String(repeating: "a", count: ServerConfiguration.maximumBodySize + 1)))
            try contract.check(post, "post", await client.execute(uri: post, method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "hi")))
            try contract.check(post, "post", await client.postJSON(#"{"referrer":"nobody","name":7,"consent":"yes"}"#))
            try contract.check(post, "post", await client.postJSON(#"{"referrer":"nobody","name":"","email":"x@","source":"fax","variant":"B!"}"#))
            try contract.check(post, "post", await client.postForm("referrer=ada&name=&email=nope"))
            try contract.check(post, "post", await client.postJSON("[1,2]"))

            let before = try fixture.journal()
            fixture.prepared.journal.simulateWriteFailure(ENOSPC)
            try contract.check(post, "post", await client.postJSON(valid.replacingOccurrences(of: "contract.friend", with: "full.disk")))
            try contract.check(post, "post", await client.postForm("referrer=ada&name=Full+Disk&email=full.disk.form%40example.net&consent=on"))
            #expect(try fixture.journal() == before, "a failed write left bytes in the journal")
            fixture.prepared.journal.simulateWriteFailure(nil)
            let recovered = try await client.postJSON(valid.replacingOccurrences(of: "contract.friend", with: "full.disk"))
            #expect(recovered.status == .created, "no recovery after the disk had room again")

            let join = "/api/join"
            let joiner = #"{"name":"Contract Joiner","email":"contract.joiner@example.net","consent":true}"#
            try contract.check(join, "post", await client.postJoinJSON(joiner))
            try contract.check(join, "post", await client.postJoinForm("name=Form+Joiner&email=form.joiner%40example.net&consent=on"))
            try contract.check(join, "post", await client.postJoinJSON(#"{"name":"#))
            try contract.check(join, "post", await client.postJoinForm("name=X&email=x%40example.net&consent=on", headers: [.origin: "https://evil.example"]))
            try contract.check(join, "post", await client.postJoinJSON(String(repeating: " ", count: ServerConfiguration.maximumBodySize + 1)))
            try contract.check(join, "post", await client.postJoinForm(String(repeating: "a", count: ServerConfiguration.maximumBodySize + 1)))
            try contract.check(join, "post", await client.execute(uri: join, method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "hi")))
            try contract.check(join, "post", await client.postJoinJSON(#"{"name":7,"email":"x@","consent":"yes"}"#))
            try contract.check(join, "post", await client.postJoinJSON(#"{"name":"","email":"x@"}"#))
            try contract.check(join, "post", await client.postJoinForm("name=&email=nope"))
            fixture.prepared.journal.simulateWriteFailure(ENOSPC)
            try contract.check(join, "post", await client.postJoinJSON(#"{"name":"Full Disk","email":"full.disk.joiner@example.net","consent":true}"#))
            try contract.check(join, "post", await client.postJoinForm("name=Full+Disk&email=full.disk.joiner.form%40example.net&consent=on"))
            fixture.prepared.journal.simulateWriteFailure(nil)

            try contract.check("/api/openapi.json", "get", await client.execute(uri: "/api/openapi.json", method: .get))
            let ready = try await client.execute(uri: "/healthz", method: .get)
            try contract.check("/healthz", "get", ready)
            try FileManager.default.removeItem(at: fixture.journalURL)
            let unready = try await client.execute(uri: "/healthz", method: .get)
            try contract.check("/healthz", "get", unready)
            // Like every text the server sends: its charset said, and a probe's answer never cached.
            for answer in [ready, unready] {
                #expect(answer.headers[.contentType] == "text/plain; charset=utf-8" && answer.headers[.cacheControl] == "no-store", "\(answer.headers)")
            }
        }
        let limited = try ServerFixture(ipLimit: 1)
        try await limited.prepared.application.test(.router) { client in
            _ = try await client.postJSON(valid)
            try contract.check("/api/referrals", "post", await client.postJSON(valid))
            try contract.check("/api/referrals", "post", await client.postForm("referrer=ada"))
            try contract.check("/api/join", "post", await client.postJoinJSON(#"{"name":"Limited","email":"limited@example.net","consent":true}"#))
            try contract.check("/api/join", "post", await client.postJoinForm("name=Limited"))
        }
        let perCode = try ServerFixture(ipLimit: 0, codeLimit: 1)
        try await perCode.prepared.application.test(.router) { client in
            _ = try await client.postJSON(valid)
            try contract.check("/api/referrals", "post", await client.postForm("referrer=ada&name=Over+Limit&email=over.limit%40example.net&consent=on"))
        }
        #expect(contract.problems == [])
        for (operation, statuses) in contract.documentedStatuses() {
            let unseen = statuses.subtracting(contract.seen[operation] ?? [])
            #expect(unseen.isEmpty, "\(operation): documented but never answered: \(unseen.sorted())")
        }
    }

    @Test func undocumentedMethodsOnDocumentedPathsAnswer405WithAllow() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            for (path, allow) in [("/api/referrals", "POST"), ("/api/join", "POST"), ("/healthz", "GET, HEAD"), ("/api/openapi.json", "GET, HEAD"),
                                  ("/api/referrals/", "POST")] {
                for method in ["TRACE", "QUERY", "DELETE", allow == "POST" ? "GET" : "POST"] {
                    let response = try await client.execute(uri: path, method: HTTPRequest.Method(method)!)
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                    #expect(response.headers[.vary] == "Accept, Content-Type", "\(method) \(path)")
                }
            }
        }
    }

    @Test func servedDocumentNamesTheProgramsEndpointPath() throws {
        let served = try JSONParser.parse(OpenAPIDocument.json(endpointPath: "/refer/\"x\""))
        let paths = try #require(served.members?.first { $0.key == "paths" }?.value.members?.map(\.key))
        #expect(paths == ["/refer/\"x\"", "/api/join", "/healthz", "/api/openapi.json"])
        #expect(OpenAPIDocument.json(endpointPath: "/api/referrals") == OpenAPIDocument.template)
    }
}

/// The subset of OpenAPI 3.1 / JSON Schema the document uses, enough to judge answers by it.
/// A class used by one test at a time, in order: the test client's closure is `@Sendable`.
final class Contract: @unchecked Sendable {
    let document: JSONNode
    var problems: [String] = []
    var seen: [String: Set<String>] = [:]

    init(document: JSONNode) {
        self.document = document
    }

    func check(_ path: String, _ method: String, _ response: TestResponse) throws {
        let operationName = "\(method.uppercased()) \(path)"
        let status = String(response.status.code)
        seen[operationName, default: []].insert(status)
        guard let operation = document["paths"]?[path]?[method] else {
            problems.append("\(operationName) is not documented")
            return
        }
        guard let answer = operation["responses"]?[status].map(resolve) else {
            problems.append("\(operationName) answered \(status), which is not documented")
            return
        }
        for header in answer["headers"]?.members ?? [] where header.value["required"]?.boolValue == true {
            if !response.headers.contains(where: { $0.name.canonicalName == header.key.lowercased() }) {
                problems.append("\(operationName) \(status) lacks the required header \(header.key)")
            }
        }
        let body = Array(response.body.readableBytesView)
        guard let content = answer["content"] else {
            if !body.isEmpty { problems.append("\(operationName) \(status) has a body but documents none") }
            return
        }
        let mediaType = response.headers[.contentType]?.split(separator: ";").first.map { String($0).trimmingWhitespace() } ?? ""
        guard let schema = content[mediaType]?["schema"] else {
            problems.append("\(operationName) \(status) answered \(mediaType), documented: \(content.members?.map(\.key) ?? [])")
            return
        }
        if mediaType.hasSuffix("json") {
            do {
                validate(try JSONParser.parse(body), against: schema, at: "\(operationName) \(status) body")
            } catch {
                problems.append("\(operationName) \(status) body is not JSON: \(error)")
            }
        }
    }

    func documentedStatuses() -> [String: Set<String>] {
        var all: [String: Set<String>] = [:]
        for path in document["paths"]?.members ?? [] {
            for method in path.value.members ?? [] {
                all["\(method.key.uppercased()) \(path.key)"] = Set(method.value["responses"]?.members?.map(\.key) ?? [])
            }
        }
        return all
    }

    func resolve(_ node: JSONNode) -> JSONNode {
        guard let reference = node["$ref"]?.stringValue, reference.hasPrefix("#/") else { return node }
        var target: JSONNode? = document
        for part in reference.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
        return target.map(resolve) ?? node
    }

    func validate(_ value: JSONNode, against schemaNode: JSONNode, at place: String) {
        let schema = resolve(schemaNode)
        if let types = schema["type"].map({ $0.stringValue.map { [$0] } ?? $0.elements?.compactMap(\.stringValue) ?? [] }),
           !types.contains(Self.typeName(value)) && !(types.contains("number") && Self.typeName(value) == "integer") {
            problems.append("\(place): \(Self.typeName(value)) where the document says \(types)")
            return
        }
        if let allowed = schema["enum"]?.elements, !allowed.contains(where: { $0.output.serialized() == value.output.serialized() }) {
            problems.append("\(place): \(value.output.serialized()) is not one of the documented values")
        }
        if let constant = schema["const"], constant.output.serialized() != value.output.serialized() {
            problems.append("\(place): \(value.output.serialized()) is not \(constant.output.serialized())")
        }
        if let minimumLength = schema["minLength"]?.numberValue, let text = value.stringValue, Double(text.count) < minimumLength {
            problems.append("\(place): shorter than \(minimumLength)")
        }
        if let number = value.numberValue {
            if let minimum = schema["minimum"]?.numberValue, number < minimum { problems.append("\(place): \(number) < \(minimum)") }
            if let maximum = schema["maximum"]?.numberValue, number > maximum { problems.append("\(place): \(number) > \(maximum)") }
        }
        if let members = value.members {
            let properties = schema["properties"]
            for required in schema["required"]?.elements?.compactMap(\.stringValue) ?? [] where !members.contains(where: { $0.key == required }) {
                problems.append("\(place): lacks \(required)")
            }
            for member in members {
                if let property = properties?[member.key] {
                    validate(member.value, against: property, at: "\(place).\(member.key)")
                } else if schema["additionalProperties"]?.boolValue == false {
                    problems.append("\(place): \(member.key) is not documented")
                }
            }
        }
        if let elements = value.elements, let items = schema["items"] {
            for (index, element) in elements.enumerated() { validate(element, against: items, at: "\(place)[\(index)]") }
        }
    }

    static func typeName(_ node: JSONNode) -> String {
        switch node.value {
        case .null: "null"
        case .bool: "boolean"
        case .number(let number): number == number.rounded() ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONNode {
    subscript(key: String) -> JSONNode? {
        members?.first { $0.key == key }?.value
    }
}
