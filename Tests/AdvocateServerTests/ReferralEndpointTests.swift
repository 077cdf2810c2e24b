import Advocate
@testable import AdvocateServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The endpoint's answers, through Hummingbird's router test client, over a real store on disk.
@Suite struct ReferralEndpointTests {
    let grace = #"{"referrer":"ada","name":"Grace Test","email":"grace.test@example.net","source":"email","variant":"a","consent":true}"#

    @Test func formSuccessRedirectsToTheThankYouPageAfterTheJournalHasIt() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let response = try await client.postForm("referrer=ada&name=Form+Friend&email=form.friend%40example.net&consent=on&source=sms")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/thanks/")
        }
        let line = try #require(try fixture.journal().split(separator: "\n").last)
        #expect(line.contains(#""referrer":"ada","name":"Form Friend","email":"form.friend@example.net","source":"sms","consent":true}"#))
    }

    /// Without JavaScript the form sends its default source, `link`; the page's `?src=` (in the
    /// Referer a browser sends for the site's own page) says where the visit came from. A
    /// source the form chose stays.
    @Test func aFormWithoutScriptTakesItsSourceFromThePagesAddress() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let page: HTTPFields = [.referer: "https://refer.acme.example/r/ada/?src=qr"]
            let scanned = try await client.postForm("referrer=ada&name=Scan+Ner&email=scanner%40example.net&consent=on&source=link", headers: page)
            #expect(scanned.status == .seeOther)
            let texted = try await client.postForm("referrer=ada&name=Text+Er&email=texter%40example.net&consent=on&source=sms", headers: page)
            #expect(texted.status == .seeOther)
            let plain = try await client.postForm("referrer=ada&name=Plain+Link&email=plain%40example.net&consent=on&source=link")
            #expect(plain.status == .seeOther)
        }
        let journal = try fixture.journal()
        #expect(journal.contains(#""email":"scanner@example.net","source":"qr""#), "\(journal)")
        #expect(journal.contains(#""email":"texter@example.net","source":"sms""#))
        #expect(journal.contains(#""email":"plain@example.net","source":"link""#))
    }

    @Test func jsonSuccessAnswers201WithTheRecordedID() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let response = try await client.postJSON(grace)
            #expect(response.status == .created)
            let id = try #require(try JSONParser.parse(Array(response.body.readableBytesView)).members?.first { $0.key == "id" }?.value.stringValue)
            #expect(id.hasPrefix("rf_") && id.count == 29)
            let journal = try fixture.journal()
            #expect(journal.contains(#"{"type":"referral","id":"\#(id)","#))
        }
    }

    @Test func invalidFormAnswers422PageWithErrorsBesideFieldsAndTypedValues() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let response = try await client.postForm("referrer=ada&name=%3Cscript%3Ex%3C%2Fscript%3E&email=not-an-email&source=qr&variant=b")
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = String(buffer: response.body)
            #expect(html.contains(#"value="&lt;script&gt;x&lt;/script&gt;""#))
            #expect(html.contains(#"value="not-an-email" aria-invalid="true" aria-describedby="friend-email-error""#))
            #expect(html.contains("Please enter a valid email address"))
            #expect(html.contains("Please agree to be contacted"))
            #expect(html.contains(#"<input type="hidden" name="source" value="qr">"#))
            #expect(!html.contains("<script>x"))
            // The tab says so, and a browser without JavaScript opens the answer at the problems.
            #expect(html.contains("<title>Error: Ada invites you"), "\(html)")
            #expect(html.contains(#"<div class="error-summary" role="alert" tabindex="-1" autofocus>"#))
            // A link with a code nobody has gets the theme's not-found page, not bare text.
            let unknown = try await client.postForm("referrer=nobody&name=Grace&email=grace.x%40example.net&consent=true")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: unknown.body).contains("check that it was copied whole"))
            // The theme is given the reason, as `form.errors.form`, and the bundled one shows it.
            #expect(String(buffer: unknown.body).contains("This referral link is not valid"), "\(String(buffer: unknown.body))")
            // Errors in two hidden fields are both shown, not only the last one.
            let hidden = try await client.postForm("referrer=ada&name=Grace&email=grace.h%40example.net&consent=on&source=pigeon&variant=" + String(repeating: "v", count: 300))
            #expect(hidden.status == .unprocessableContent)
            let summary = String(buffer: hidden.body)
            #expect(summary.contains("source must be one of"))
            #expect(summary.contains("variant must be 1 to"))
        }
        #expect(!(try fixture.journal().contains("not-an-email")))
    }

    @Test func invalidJSONAnswersProblemDetailsWithAFieldList() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let response = try await client.postJSON(#"{"referrer":"nobody","name":"","email":"x@","source":"fax","consent":false}"#)
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            let body = String(buffer: response.body)
            for field in ["referrer", "name", "email", "source", "consent"] {
                #expect(body.contains(#"{"field":"\#(field)","#), "missing \(field) in \(body)")
            }
            let malformed = try await client.postJSON(#"{"referrer": "ada", "#)
            #expect(malformed.status == .badRequest)
            // A field given twice names no one for sure: refused, not settled by which came last.
            let twice = try await client.postJSON(#"{"referrer":"ada","name":"A","email":"twice@example.org","consent":true,"referrer":"grace"}"#)
            #expect(twice.status == .unprocessableContent)
            #expect(String(buffer: twice.body).contains("is given more than once"), "\(String(buffer: twice.body))")
            #expect(try !fixture.journal().contains("twice@example.org"))
            let wrongType = try await client.postJSON(#"{"referrer":"ada","name":"A","email":"a@example.org","consent":"yes"}"#)
            #expect(wrongType.status == .unprocessableContent)
        }
    }

    @Test func duplicateAndSelfReferralAre409ForJSONAnd422ForTheForm() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let answer1 = try await client.postJSON(grace)
            #expect(answer1.status == .created)
            let duplicate = try await client.postJSON(#"{"referrer":"grace","name":"G","email":" GRACE.TEST@example.net","consent":true}"#)
            #expect(duplicate.status == .conflict)
            let text = String(buffer: duplicate.body)
            #expect(text.contains("already been referred"))
            // RFC 9457: with type about:blank, the title is the status's phrase; what was wrong is the detail.
            #expect(text.hasPrefix(#"{"type":"about:blank","title":"Conflict","status":409,"detail":"Referral not accepted: email: This friend has already been referred.","#), "\(text)")
            #expect(!text.contains("ada"))
            let selfReferral = try await client.postJSON(#"{"referrer":"ada","name":"Ada","email":"ADA@example.com","consent":true}"#)
            #expect(selfReferral.status == .conflict)
            let form = try await client.postForm("referrer=zoe&name=G&email=grace.test%40example.net&consent=true")
            #expect(form.status == .unprocessableContent)
            #expect(String(buffer: form.body).contains("This friend has already been referred."))
        }
        #expect(try fixture.journal().components(separatedBy: "grace.test@example.net").count == 2)
    }

    @Test func filledHoneypotLooksLikeSuccessAndIsRecordedNowhere() async throws {
        let fixture = try ServerFixture()
        let before = try fixture.journal()
        try await fixture.prepared.application.test(.router) { client in
            let json = try await client.postJSON(#"{"referrer":"ada","name":"Bot","email":"bot@example.net","consent":true,"website":"http://spam.example"}"#)
            #expect(json.status == .created)
            #expect(String(buffer: json.body).hasPrefix(#"{"id":"rf_"#))
            let form = try await client.postForm("referrer=ada&name=Bot&email=bot%40example.net&consent=on&website=spam")
            #expect(form.status == .seeOther)
            // A honeypot of another type is filled too, whatever else is wrong with the body.
            for body in [#"{"referrer":"ada","name":"Bot","email":"bot2@example.net","consent":true,"website":1}"#,
                         #"{"referrer":"ada","name":7,"email":"bot3@example.net","consent":"yes","website":{"a":true}}"#] {
                let other = try await client.postJSON(body)
                #expect(other.status == .created, "\(body)")
            }
            let unfilled = try await client.postJSON(#"{"referrer":"ada","name":7,"email":"bot4@example.net","consent":true,"website":null}"#)
            #expect(unfilled.status == .unprocessableContent)
            // A blank honeypot is a person's: their mistakes are told, type errors included.
            let blank = try await client.postJSON(#"{"referrer":"ada","name":7,"email":"bot5@example.net","consent":true,"website":"  "}"#)
            #expect(blank.status == .unprocessableContent)
            #expect(String(buffer: blank.body).contains("must be a string"))
        }
        #expect(try fixture.journal() == before)
    }

    /// RFC 9110 lets a media type have whitespace around its `;` and any case.
    @Test func contentTypesAreReadWithTheirParametersAndWhitespace() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let json = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "application/json ; charset=utf-8"],
                                                body: ByteBuffer(string: #"{"referrer":"ada","name":"Ann","email":"ann.ct@example.net","consent":true}"#))
            #expect(json.status == .created)
            let withBOM = try await client.postJSON("\u{FEFF}" + #"{"referrer":"ada","name":"Bom","email":"bom.ct@example.net","consent":true}"#)
            #expect(withBOM.status == .created, "a byte order mark (Windows tools write one) is not part of the JSON")
            let form = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "Application/X-WWW-Form-URLEncoded\t;charset=UTF-8"],
                                                body: ByteBuffer(string: "referrer=ada&name=Bo&email=bo.ct%40example.net&consent=on"))
            #expect(form.status == .seeOther)
            for other in ["application/jsonx", "text/plain; x=application/json", ""] {
                let refused = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: other], body: ByteBuffer(string: "{}"))
                #expect(refused.status == .unsupportedMediaType, "\(other)")
            }
        }
        #expect(try fixture.journal().contains("ann.ct@example.net"))
        #expect(try fixture.journal().contains("bo.ct@example.net"))
        #expect(try fixture.journal().contains("bom.ct@example.net"))
    }

    @Test func wrongContentTypeMethodSizeAndOrigin() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let text = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "hi"))
            #expect(text.status == .unsupportedMediaType)
            #expect(text.headers[.contentType] == "application/problem+json", "an API client reads problem details")
            let browser = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "multipart/form-data; boundary=x", .accept: "text/html,application/xhtml+xml"],
                                                   body: ByteBuffer(string: "--x--"))
            #expect(browser.status == .unsupportedMediaType)
            #expect(browser.headers[.contentType] == "text/plain; charset=utf-8", "a browser shows plain text")
            let latinJSON = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "application/json; charset=iso-8859-1"],
                                                     body: ByteBuffer(string: "{}"))
            #expect(latinJSON.status == .unsupportedMediaType)
            #expect(latinJSON.headers[.contentType] == "application/problem+json")
            let get = try await client.execute(uri: "/api/referrals", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect(get.headers[.contentType] == "text/plain; charset=utf-8")
            // A JSON client gets problem details, as for the API's other errors.
            let jsonGet = try await client.execute(uri: "/api/referrals", method: .get, headers: [.accept: "application/json"])
            #expect(jsonGet.status == .methodNotAllowed && jsonGet.headers[.allow] == "POST")
            #expect(jsonGet.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: jsonGet.body) == #"{"type":"about:blank","title":"Method Not Allowed","status":405,"detail":"Use POST."}"#)
            let options = try await client.execute(uri: "/api/referrals", method: .options)
            #expect(options.status == .methodNotAllowed)
            let big = String(repeating: "a", count: 17 * 1024)
            let large = try await client.postJSON(#"{"name":"\#(big)"}"#)
            #expect(large.status == .contentTooLarge)
            let crossSite = try await client.postJSON(grace, headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: crossSite.body).contains(#""status":403"#))
            let crossSiteForm = try await client.postForm("referrer=ada&name=G&email=g%40example.net&consent=true", headers: [.origin: "https://evil.example"])
            #expect(crossSiteForm.status == .forbidden)
            #expect(crossSiteForm.headers[.contentType]?.hasPrefix("text/plain") == true)
            let fromPortal = try await client.postJSON(grace, headers: [.origin: "https://refer.acme.example"])
            #expect(fromPortal.status == .created)
            let underNoReferrerPolicy = try await client.postForm("referrer=ada&name=H&email=h%40example.net&consent=on",
                                                                  headers: [.origin: "null", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(underNoReferrerPolicy.status == .seeOther)
            // An opaque origin the browser itself says is another site's (a sandboxed frame, a data: page).
            let opaqueCrossSite = try await client.postForm("referrer=ada&name=I&email=i%40example.net&consent=on",
                                                            headers: [.origin: "null", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(opaqueCrossSite.status == .forbidden)
            // A sibling subdomain or port (same-site, not same-origin) that sets no-referrer itself:
            // it may be anyone's page, forging consent and join emails.
            for path in ["/api/referrals", "/api/join"] {
                let sibling = try await client.execute(uri: path, method: .post,
                                                       headers: [.contentType: "application/x-www-form-urlencoded", .origin: "null",
                                                                 HTTPField.Name("Sec-Fetch-Site")!: "same-site"],
                                                       body: ByteBuffer(string: "referrer=ada&code=&name=J&email=j%40example.net&consent=on"))
                #expect(sibling.status == .forbidden, "\(path)")
            }
        }
    }

    /// An endpoint on another host than the pages sends the friend back to the site's own
    /// thank-you page: a relative one left them browsing the endpoint's host.
    @Test func anEndpointOnAnotherHostSendsTheFriendBackToTheSite() async throws {
        let fixture = try ServerFixture { root in
            let program = root.appendingPathComponent("content/data/program.json")
            let text = try String(contentsOf: program, encoding: .utf8)
                .replacingOccurrences(of: #""endpoint": "/api/referrals""#, with: #""endpoint": "https://api.acme.example/api/referrals""#)
            try text.write(to: program, atomically: true, encoding: .utf8)
        }
        try await fixture.prepared.application.test(.router) { client in
            let posted = try await client.postForm("referrer=ada&name=Kim&email=kim%40example.net&consent=on")
            #expect(posted.status == .seeOther)
            #expect(posted.headers[.location] == "https://refer.acme.example/thanks/")
        }
    }

    /// Origins are compared as RFC 6454 serializes them: scheme and host in any case, a default
    /// port written or not, in the baseURL as in the header; another port or host is another site.
    @Test func originsAreComparedAsSerializedNotAsTyped() async throws {
        let fixture = try ServerFixture { root in
            let program = root.appendingPathComponent("content/data/program.json")
            let text = try String(contentsOf: program, encoding: .utf8)
                .replacingOccurrences(of: #""baseURL": "https://refer.acme.example""#, with: #""baseURL": "https://Refer.Acme.Example:443/refer/""#)
            try text.write(to: program, atomically: true, encoding: .utf8)
        }
        try await fixture.prepared.application.test(.router) { client in
            for (index, origin) in ["https://refer.acme.example", "https://REFER.acme.example:443", "HTTPS://Refer.Acme.Example"].enumerated() {
                let body = #"{"referrer":"ada","name":"Orla","email":"orla\#(index)@example.net","consent":true}"#
                let response = try await client.postJSON(body, headers: [.origin: origin])
                #expect(response.status == .created, "\(origin)")
            }
            for origin in ["https://refer.acme.example:8443", "http://refer.acme.example", "https://refer.acme.example.evil.example", "https://evil.example/refer.acme.example"] {
                let body = #"{"referrer":"ada","name":"Orla","email":"orla.x@example.net","consent":true}"#
                let response = try await client.postJSON(body, headers: [.origin: origin])
                #expect(response.status == .forbidden, "\(origin)")
            }
        }
        #expect(FormIntake.serializedOrigin("http://LocalHost:80") == "http://localhost")
        #expect(FormIntake.serializedOrigin("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        #expect(FormIntake.serializedOrigin("http://[::1]:8080") == "http://[::1]:8080")
        #expect(FormIntake.serializedOrigin("not an origin") == nil)
    }

    /// A client that asks `Expect: 100-continue` (libcurl for large bodies, .NET, PHP) is told to
    /// go on at once, instead of waiting its timeout (curl's is 1 s) before it sends the body.
    @Test func aClientExpectingContinueIsToldToSendItsBody() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"referrer":"ada","name":"Exp Ect","email":"expect@example.net","consent":true}"#
            let head = "POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
            let exchange = try await LoopbackExchange.run(port: port, request: head, bodyAfterHead: body)
            #expect(exchange.interim.hasPrefix("HTTP/1.1 100 Continue\r\n"))
            #expect(exchange.response.hasPrefix("HTTP/1.1 201 Created"))
            // Behind a pipelined request, a 100 would be read as the first request's answer.
            let pipelined = try await LoopbackExchange.run(port: port, request: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + head,
                                                           bodyAfterHead: body.replacingOccurrences(of: "expect@", with: "expext@"))
            let answers = pipelined.interim + pipelined.response
            #expect(answers.hasPrefix("HTTP/1.1 200 OK") && !answers.contains("100 Continue") && answers.contains("HTTP/1.1 201 Created"))
            // A body over the limit is refused before it is sent: 413 is the only answer.
            let tooLarge = head.replacingOccurrences(of: "Content-Length: \(body.utf8.count)", with: "Content-Length: 20000")
            let refused = try await LoopbackExchange.run(port: port, request: tooLarge, bodyAfterHead: String(repeating: "x", count: 20000))
            #expect(refused.interim.hasPrefix("HTTP/1.1 413"), "\(refused.interim)")
            // A client that keeps the connection is told it ends, and it does: a next request
            // on it would have been read as the body never sent.
            let kept = try await LoopbackExchange.run(port: port, request: tooLarge.replacingOccurrences(of: "Connection: close\r\n", with: ""))
            #expect(kept.response.hasPrefix("HTTP/1.1 413") && kept.response.lowercased().contains("\r\nconnection: close\r\n"), "\(kept.response)")
            #expect(kept.closedByServer)
            // Behind a pipelined request too: its answer first, then the 413 that ends the connection.
            let behind = try await LoopbackExchange.run(port: port, request: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                                        + tooLarge.replacingOccurrences(of: "Connection: close\r\n", with: ""))
            #expect(behind.response.hasPrefix("HTTP/1.1 200 OK") && behind.response.contains("HTTP/1.1 413"), "\(behind.response)")
            #expect(behind.response.components(separatedBy: "HTTP/1.1 413").last?.lowercased().contains("\r\nconnection: close\r\n") == true, "\(behind.response)")
            #expect(behind.closedByServer)
        }
        #expect(try fixture.journal().contains("expect@example.net"))
    }

    /// A code typed into a form of the program's own may come in capitals or with spaces: it is
    /// the same referrer, recorded under the code as it is, and one budget of the per-code limit.
    @Test func aCodeInCapitalsOrWithSpacesIsTheSameReferrer() async throws {
        let fixture = try ServerFixture(codeLimit: 2)
        try await fixture.prepared.application.test(.router) { client in
            let capitals = try await client.postJSON(#"{"referrer":" ADA ","name":"F","email":"f1@example.net","consent":true}"#)
            #expect(capitals.status == .created)
            let form = try await client.postForm("referrer=Ada&name=G&email=g1%40example.net&consent=on")
            #expect(form.status == .seeOther)
            let third = try await client.postJSON(#"{"referrer":"ada","name":"H","email":"h1@example.net","consent":true}"#)
            #expect(third.status == .tooManyRequests)
        }
        let recorded = try fixture.journal().split(separator: "\n").suffix(2)
        #expect(recorded.allSatisfy { $0.contains(#""referrer":"ada""#) }, "\(recorded)")
    }

    /// A filled honeypot does not use a referrer's budget, but is answered 429 where a person
    /// would be: a 201 there told a bot that its honeypot had been seen.
    @Test func aFilledHoneypotIsAnsweredAsAPersonIsOverTheCodesLimit() async throws {
        let fixture = try ServerFixture(codeLimit: 2)
        try await fixture.prepared.application.test(.router) { client in
            for index in 0..<3 {
                let bot = try await client.postJSON(#"{"referrer":"ada","name":"B","email":"b\#(index)@example.net","consent":true,"website":"x"}"#)
                #expect(bot.status == .created)
            }
            for index in 0..<2 {
                let person = try await client.postJSON(#"{"referrer":"ada","name":"P","email":"p\#(index)@example.net","consent":true}"#)
                #expect(person.status == .created)
            }
            let bot = try await client.postJSON(#"{"referrer":"ada","name":"B","email":"b9@example.net","consent":true,"website":"x"}"#)
            let person = try await client.postJSON(#"{"referrer":"ada","name":"P","email":"p9@example.net","consent":true}"#)
            #expect(bot.status == .tooManyRequests && person.status == .tooManyRequests)
            #expect(bot.headers[.retryAfter] != nil && person.headers[.retryAfter] != nil)
            let form = try await client.postForm("referrer=ada&name=B&email=b10%40example.net&consent=on&website=x")
            #expect(form.status == .tooManyRequests)
        }
        #expect(try !fixture.journal().contains("b0@example.net"))
    }

    /// The per-code budget counts what could be recorded: a friend's typo (422) gives its token
    /// back, a friend already referred (409) does not.
    @Test func aRefusedTypoDoesNotUseTheReferrersBudget() async throws {
        let fixture = try ServerFixture(codeLimit: 2)
        try await fixture.prepared.application.test(.router) { client in
            for _ in 0..<3 {
                let typo = try await client.postForm("referrer=ada&name=Grace&email=grace%40example&consent=on")
                #expect(typo.status == .unprocessableContent)
            }
            let first = try await client.postJSON(#"{"referrer":"ada","name":"G","email":"g7@example.net","consent":true}"#)
            #expect(first.status == .created)
            let again = try await client.postJSON(#"{"referrer":"ada","name":"G","email":"G7@example.net","consent":true}"#)
            #expect(again.status == .conflict)
            let third = try await client.postJSON(#"{"referrer":"ada","name":"H","email":"h7@example.net","consent":true}"#)
            #expect(third.status == .tooManyRequests)
        }
    }

    /// A JSON body that is not UTF-8 is refused rather than recorded with replacement characters.
    @Test func jsonThatIsNotUTF8Answers400AndRecordsNothing() async throws {
        let fixture = try ServerFixture()
        let before = try fixture.journal()
        try await fixture.prepared.application.test(.router) { client in
            let bytes = Array(#"{"referrer":"ada","name":""#.utf8) + [0xFF, 0xFE] + Array(#"","email":"bytes@example.net","consent":true}"#.utf8)
            let response = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(bytes: bytes))
            #expect(response.status == .badRequest && response.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: response.body).contains("the body is not UTF-8 text"))
        }
        #expect(try fixture.journal() == before)
    }

    /// A form's escapes are UTF-8 unless its Content-Type names Latin-1: a field whose bytes are
    /// not is refused beside the field, never stored as `Bad%FF%FE`; another charset is 415.
    @Test func aFormFieldThatIsNotUTF8IsRefusedBesideItAndLatin1IsRead() async throws {
        let fixture = try ServerFixture()
        let before = try fixture.journal()
        let form = "application/x-www-form-urlencoded"
        try await fixture.prepared.application.test(.router) { client in
            let bad = try await client.postForm("referrer=ada&name=Bad%FF%FE&email=bad.bytes%40example.net&consent=on")
            #expect(bad.status == .unprocessableContent)
            let html = String(buffer: bad.body)
            #expect(html.contains(#"aria-describedby="friend-name-error""#))
            #expect(html.contains("was not sent as UTF-8"))
            #expect(!html.contains("Bad%FF"))
            let bot = try await client.postForm("referrer=ada&name=Bot&email=bot.bytes%40example.net&consent=on&website=%FF")
            #expect(bot.status == .seeOther)
            #expect(try fixture.journal() == before)
            for charset in ["ISO-8859-1", "\"latin1\"", "windows-1252"] {
                let latin = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "\(form); charset=\(charset)"],
                                                     body: ByteBuffer(string: "referrer=ada&name=Zo%EB+\(charset.count)&email=zoe\(charset.count)%40example.net&consent=on"))
                #expect(latin.status == .seeOther, "\(charset)")
                #expect(try fixture.journal().contains(#""name":"Zoë \#(charset.count)""#), "\(charset)")
            }
            let other = try await client.execute(uri: "/api/referrals", method: .post, headers: [.contentType: "\(form); charset=shift_jis"],
                                                 body: ByteBuffer(string: "referrer=ada&name=Ko&email=ko%40example.net&consent=on"))
            #expect(other.status == .unsupportedMediaType)
            #expect(String(buffer: other.body).contains("UTF-8"))
            // A compressed body is named as such, not read as text that is "not UTF-8".
            let gzipped = try await client.execute(uri: "/api/referrals", method: .post,
                                                   headers: [.contentType: "application/json", .contentEncoding: "gzip"],
                                                   body: ByteBuffer(bytes: [0x1F, 0x8B, 0x08, 0x00, 0x00]))
            #expect(gzipped.status == .unsupportedMediaType)
            #expect(String(buffer: gzipped.body).contains("Send the body uncompressed"), "\(String(buffer: gzipped.body))")
        }
    }

    @Test func rateLimitsAnswer429WithRetryAfter() async throws {
        let fixture = try ServerFixture(ipLimit: 2, codeLimit: 0)
        try await fixture.prepared.application.test(.router) { client in
            for index in 0..<2 {
                let response = try await client.postJSON(#"{"referrer":"ada","name":"F","email":"f\#(index)@example.net","consent":true}"#)
                #expect(response.status == .created)
            }
            let limited = try await client.postJSON(#"{"referrer":"ada","name":"F","email":"f9@example.net","consent":true}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let answer2 = try await client.execute(uri: "/", method: .get)
            #expect(answer2.status == .ok)
            let answer3 = try await client.execute(uri: "/healthz", method: .get)
            #expect(answer3.status == .ok)
            // A form over the address's limit gets its page back, with what was typed (it was a
            // plain-text answer, and whatever the friend had typed was lost).
            let form = try await client.postForm("referrer=ada&name=Typed+Name&email=typed%40example.net&consent=on")
            #expect(form.status == .tooManyRequests && Int(form.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(form.headers[.contentType]?.hasPrefix("text/html") == true)
            let page = String(buffer: form.body)
            #expect(page.contains("Too many requests from your network; please try again in a minute."), "\(page)")
            #expect(page.contains(#"value="Typed Name""#) && page.contains(#"value="typed@example.net""#))
            let join = try await client.execute(uri: "/api/join", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "name=Joiner&email=joiner%40example.net&consent=on"))
            #expect(join.status == .tooManyRequests && String(buffer: join.body).contains(#"value="Joiner""#), "\(String(buffer: join.body))")
        }
        let perCode = try ServerFixture(ipLimit: 0, codeLimit: 1)
        try await perCode.prepared.application.test(.router) { client in
            let answer4 = try await client.postJSON(#"{"referrer":"ada","name":"F","email":"f1@example.net","consent":true}"#)
            #expect(answer4.status == .created)
            let answer5 = try await client.postJSON(#"{"referrer":"ada","name":"F","email":"f2@example.net","consent":true}"#)
            #expect(answer5.status == .tooManyRequests)
            let answer6 = try await client.postJSON(#"{"referrer":"grace","name":"F","email":"f3@example.net","consent":true}"#)
            #expect(answer6.status == .created)
            // A friend using the form gets the page back with what they typed, to send it again later.
            let form = try await client.postForm("referrer=ada&name=Typed+Name&email=typed%40example.net&consent=on")
            #expect(form.status == .tooManyRequests && Int(form.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(form.headers[.contentType]?.hasPrefix("text/html") == true)
            let page = String(buffer: form.body)
            #expect(page.contains("Too many referrals; please try again later."))
            #expect(page.contains(#"value="Typed Name""#) && page.contains(#"value="typed@example.net""#))
        }
    }
}
