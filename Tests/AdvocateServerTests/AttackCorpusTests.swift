import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Known attacks against the bundled example and its theme: checked where they would land, in
/// the built HTML, the `.eml` files of the outbox, the journal and the server's answers.
@Suite struct AttackCorpusTests {
    /// Script and event-handler injection, breaking out of attributes and of `<script>` blocks.
    static let markup = #"</script><script>alert(1)</script><img src=x onerror=alert(2)>"'><svg onload=alert(3)>"#
    /// Raw openers that must never reach a page: their escaped forms are harmless text.
    static let openers = ["<script>alert", "<img src=x", "<svg onload"]

    static func jsonString(_ text: String) -> String { JSONOutput.string(text).serialized() }

    static func replace(_ file: URL, _ old: String, _ new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old), "\(file.lastPathComponent) lacks \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    static func files(under folder: URL, ending suffix: String) -> [URL] {
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { $0.path.hasSuffix(suffix) }
    }

    @Test func markupInEveryStoreFieldIsEscapedOnEveryPageAndInEveryEmail() async throws {
        let payload = Self.jsonString(Self.markup)
        let fixture = try ServerFixture { root in
            let data = root.appendingPathComponent("content/data")
            try Self.replace(data.appendingPathComponent("program.json"), #""name": "Acme Rewards""#, #""name": \#(payload)"#)
            try Self.replace(data.appendingPathComponent("program.json"), #""description": "$25 account credit""#, #""description": \#(payload)"#)
            try Self.replace(data.appendingPathComponent("program.json"), #""description": "20% off the first order""#, #""description": \#(payload)"#)
            try Self.replace(data.appendingPathComponent("program.json"), #""name": "Gold""#, #""name": \#(payload)"#)
            try Self.replace(data.appendingPathComponent("referrers.json"), #""name": "Ada Lovelace""#, #""name": \#(payload)"#)
            let faq = try FileHandle(forWritingTo: root.appendingPathComponent("content/faq.md"))
            try faq.seekToEnd()
            try faq.write(contentsOf: Data("\n[click](javascript:alert(5)) <script>alert(6)</script> <a href=\"javascript:alert(7)\">x</a>\n".utf8))
            try faq.close()
            let handle = try FileHandle(forWritingTo: data.appendingPathComponent("referrals.jsonl"))
            try handle.seekToEnd()
            let line = #"{"type":"referral","id":"rf_attack","at":"2026-06-01T10:00:00Z","referrer":"ada","name":\#(payload),"email":"attack@example.net","source":"link","consent":true}"#
            try handle.write(contentsOf: Data((line + "\n").utf8))
            try handle.close()
        }
        try await fixture.prepared.application.test(.router) { client in
            let response = try await client.postJSON(#"{"referrer":"ada","name":\#(payload),"email":"friend.attack@example.net","consent":true}"#)
            #expect(response.status == .created)
            let page = try await client.postForm("referrer=ada&name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=%22%3E%3Csvg%20onload%3Dalert(3)%3E")
            #expect(page.status == .unprocessableContent)
            for opener in Self.openers { #expect(!String(buffer: page.body).contains(opener)) }
        }
        await fixture.flushRefresh()
        let pages = Self.files(under: fixture.publicURL, ending: ".html")
        #expect(pages.count > 20)
        for page in pages {
            let html = try String(contentsOf: page, encoding: .utf8)
            for opener in Self.openers + ["javascript:"] {
                #expect(!html.contains(opener), "\(page.path) contains \(opener)")
            }
        }
        let faq = try String(contentsOf: fixture.file("faq/index.html"), encoding: .utf8)
        #expect(faq.contains(">click</a>"), "the hostile Markdown did not reach the FAQ page")
        let stats = try String(contentsOf: fixture.file(try fixture.statsPath(of: "ada") + "index.html"), encoding: .utf8)
        #expect(stats.contains("&lt;/script&gt;&lt;script&gt;alert(1)") || stats.contains("&lt;/script&gt;"))
        await fixture.prepared.mailer.written()
        let emails = Self.files(under: fixture.root.appendingPathComponent(".advocate"), ending: ".eml")
        #expect(!emails.isEmpty)
        for email in emails {
            let text = try String(contentsOf: email, encoding: .utf8)
            let header = text.components(separatedBy: "\n\n").first ?? text
            // Every header line is ASCII (names and subjects as encoded words) and a header or its continuation.
            for line in header.split(separator: "\n") {
                #expect(line.allSatisfy(\.isASCII) && (line.first == " " || line.contains(": ")), "\(email.lastPathComponent): \(line)")
            }
            // Markup is only dangerous in an HTML part; a text/plain body shows it as typed.
            if text.contains("text/html") {
                for opener in Self.openers { #expect(!text.contains(opener), "\(email.lastPathComponent) contains \(opener)") }
            }
        }
    }

    @Test func crlfNULAndControlCharactersNeverReachAHeaderOrTheJournal() async throws {
        let fixture = try ServerFixture()
        let before = try fixture.journal()
        try await fixture.prepared.application.test(.router) { client in
            for body in [
                #"{"referrer":"ada","name":"Eve\r\nBcc: victim@evil.example","email":"eve1@example.net","consent":true}"#,
                #"{"referrer":"ada","name":"Eve","email":"eve2@example.net\r\nBcc: victim@evil.example","consent":true}"#,
                #"{"referrer":"ada","name":"Eve\u0000Null","email":"eve3@example.net","consent":true}"#,
                #"{"referrer":"ada","name":"Eve","email":"eve4@exa\u0000mple.net","consent":true}"#,
                #"{"referrer":"ada\u0000","name":"Eve","email":"eve5@example.net","consent":true}"#,
            ] {
                let response = try await client.postJSON(body)
                #expect(response.status == .unprocessableContent, "\(body)")
            }
            for form in ["referrer=ada&name=Eve%0D%0ABcc%3A+victim%40evil.example&email=eve6%40example.net&consent=on",
                         "referrer=ada&name=Eve&email=eve7%40example.net%0D%0ABcc%3A+x%40evil.example&consent=on",
                         "referrer=ada&name=Eve%00&email=eve8%40example.net&consent=on"] {
                let response = try await client.postForm(form)
                #expect(response.status == .unprocessableContent, "\(form)")
            }
        }
        #expect(try fixture.journal() == before)
        await fixture.prepared.mailer.written()
        for email in Self.files(under: fixture.root.appendingPathComponent(".advocate"), ending: ".eml") {
            let text = try String(contentsOf: email, encoding: .utf8)
            #expect(!text.split(separator: "\r\n").contains { $0.lowercased().hasPrefix("bcc:") })
        }
    }

    @Test func overlongUTF8AndInvalidBytesAreNeverStoredRaw() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            // "<" and ">" written as overlong two-byte sequences, which decoders must refuse.
            var body = Array(#"{"referrer":"ada","name":"A"#.utf8) + [0xC0, 0xBC] + Array("script".utf8) + [0xC0, 0xBE, 0xFF]
            body += Array(#"","email":"overlong@example.net","consent":true}"#.utf8)
            let response = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(bytes: body))
            #expect([.created, .badRequest, .unprocessableContent].contains(response.status))
            let form = try await client.postForm("referrer=ada&name=A%C0%BCscript%C0%BE&email=overlong.form%40example.net&consent=on")
            #expect([.seeOther, .unprocessableContent].contains(form.status))
        }
        let journal = try Data(contentsOf: fixture.journalURL)
        #expect(String(data: journal, encoding: .utf8) != nil, "the journal is no longer UTF-8")
        #expect(!journal.contains(0xC0) && !journal.contains(0xFF))
        #expect(!(try fixture.journal().contains("<script")))
    }

    @Test func hugeAndDeeplyNestedBodiesAreRefusedWithoutHarm() async throws {
        let fixture = try ServerFixture()
        let before = try fixture.journal()
        try await fixture.prepared.application.test(.router) { client in
            let huge = #"{"referrer":"ada","name":""# + String(repeating: "A", count: 10 * 1024 * 1024) + #"","email":"big@example.net"}"#
            #expect(try await client.postJSON(huge).status == .contentTooLarge)
            #expect(try await client.postForm("name=" + String(repeating: "A", count: 10 * 1024 * 1024)).status == .contentTooLarge)
            let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
            let answer = try await client.postJSON(deep)
            #expect(answer.status == .badRequest)
            #expect(String(buffer: answer.body).contains("nesting deeper than"))
        }
        #expect(try fixture.journal() == before)
    }

    @Test func aStoreWithATenMegabyteLineOrDeepNestingFailsToLoadWithAMessage() throws {
        for (file, text) in [
            ("referrals.jsonl", #"{"type":"referral","id":"rf_big","at":"2026-06-01T10:00:00Z","referrer":"ada","name":""# + String(repeating: "A", count: 10 * 1024 * 1024) + #"","email":"big@example.net"}"# + "\n"),
            ("program.json", String(repeating: "[", count: 200_000)),
            ("referrers.json", String(repeating: #"{"a":"#, count: 100_000)),
        ] {
            do {
                _ = try ServerFixture { root in
                    let url = root.appendingPathComponent("content/data/\(file)")
                    if file.hasSuffix(".jsonl") {
                        let handle = try FileHandle(forWritingTo: url)
                        try handle.seekToEnd()
                        try handle.write(contentsOf: Data(text.utf8))
                        try handle.close()
                    } else {
                        try text.write(to: url, atomically: true, encoding: .utf8)
                    }
                }
                Issue.record("the server started on a store with a hostile \(file)")
            } catch {
                let message = "\(error)"
                #expect(message.contains(file), "\(message.prefix(300))")
                #expect(message.utf8.count < 20_000, "the message repeats the hostile input")
            }
        }
    }

    @Test func pathTraversalInCodesLinksAndAssetsIsRefused() async throws {
        for (file, old, new) in [
            ("referrers.json", #""code": "ada""#, #""code": "../../escape""#),
            ("program.json", #""baseURL": "https://refer.acme.example""#, #""baseURL": "javascript:alert(1)//""#),
            ("program.json", #""logo": "logo.svg""#, #""logo": "../../../../etc/passwd""#),
            ("program.json", #""endpoint": "/api/referrals""#, #""endpoint": "javascript:alert(1)""#),
        ] {
            do {
                _ = try ServerFixture { root in try Self.replace(root.appendingPathComponent("content/data/\(file)"), old, new) }
                Issue.record("the server started with \(new) in \(file)")
            } catch {
                #expect("\(error)".contains(file), "\(error)")
            }
        }
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            for code in ["../../escape", "..%2F..%2Fescape", "ada/../grace", "ada%00", "%2e%2e"] {
                let response = try await client.postForm("referrer=\(code)&name=Traveller&email=t%40example.net&consent=on")
                #expect(response.status == .unprocessableContent, "\(code)")
            }
            for path in ["/r/../../content/data/program.json", "/stats/..%2F..%2Fcontent%2Fdata%2Freferrers.json", "/r/ada/%2e%2e/%2e%2e/Package.swift"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(!String(buffer: response.body).contains("statsToken") && !String(buffer: response.body).contains("analyticsToken"), "\(path)")
            }
            // A path that climbs out is refused for that, not for its percent-encoding.
            let climbing = try await client.execute(uri: "/r/../../content/data/program.json", method: .get)
            #expect(climbing.status == .badRequest && String(buffer: climbing.body).contains("cannot climb out of the site"), "\(String(buffer: climbing.body))")
        }
        let outside = fixture.root.deletingLastPathComponent().appendingPathComponent("escape")
        #expect(!FileManager.default.fileExists(atPath: outside.path))
    }
}
