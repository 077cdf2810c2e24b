import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

@Suite struct StaticSiteTests {
    @Test func servesPagesWithTheirHeaders() async throws {
        let fixture = try ServerFixture()
        let stats = try fixture.statsPath(of: "ada")
        try await fixture.prepared.application.test(.router) { client in
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .ok)
            #expect(home.headers[.contentType] == "text/html; charset=utf-8")
            #expect(home.headers[.cacheControl] == "no-cache")
            let css = try await client.execute(uri: "/assets/site.css", method: .get)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            let sitemap = try await client.execute(uri: "/sitemap.xml", method: .get)
            #expect(sitemap.headers[.contentType] == "application/xml; charset=utf-8")
            let qr = try await client.execute(uri: "/r/ada/qr.svg", method: .get)
            #expect(qr.headers[.contentType] == "image/svg+xml; charset=utf-8")
            // Nothing in an SVG opened by its address runs on the portal's site; pages keep none.
            #expect(qr.headers[.contentSecurityPolicy] == "default-src 'none'; style-src 'unsafe-inline'; sandbox")
            #expect(home.headers[.contentSecurityPolicy] == nil)
            #expect(css.headers[.cacheControl] == "public, max-age=3600")
            let page = try await client.execute(uri: stats, method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(String(buffer: page.body).contains(#"<meta name="referrer" content="no-referrer">"#))
            let referrer = try await client.execute(uri: "/r/ada/", method: .get)
            #expect(String(buffer: referrer.body).contains("<bdi>Ada</bdi> invites you"))
        }
    }

    /// A POST to a page that exists (a theme's form without its action) is told the page's
    /// methods; one to a page that does not is the site's 404.
    /// A share link in capitals (a phone capitalised it) leads to the referrer's page; a code
    /// that is no referrer's is still the site's 404.
    @Test func aShareLinkInCapitalsLeadsToTheReferrersPage() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            for (uri, location) in [("/r/ADA/", "/r/ada/"), ("/R/Ada", "/r/ada/"), ("/r/Ada/?src=sms", "/r/ada/?src=sms"), ("/r/ADA/qr.svg", "/r/ada/qr.svg")] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .movedPermanently && response.headers[.location] == location, "\(uri): \(response.status)")
            }
            #expect(try await client.execute(uri: "/r/NOBODY/", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/r/ada/", method: .get).status == .ok)
        }
    }

    @Test func otherMethodsOnPagesAnswer405WithAllow() async throws {
        let fixture = try ServerFixture()
        let stats = try fixture.statsPath(of: "ada")
        try await fixture.prepared.application.test(.router) { client in
            for (uri, method) in [("/r/ada/", HTTPRequest.Method.post), ("/r/ada/index.html", .put), (stats, .delete), ("/assets/site.css", .post)] {
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(response.headers[.allow] == "GET, HEAD", "\(method) \(uri)")
            }
            let missing = try await client.execute(uri: "/r/nobody/", method: .post)
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains("Page not found"))
            let head = try await client.execute(uri: "/r/ada/", method: .head)
            #expect(head.status == .ok)
        }
    }

    /// Files whose extension Hummingbird's table lacks still name a type (with `nosniff`, a
    /// browser would not show an AVIF picture that had none).
    @Test func filesOfLessCommonKindsNameTheirType() async throws {
        let fixture = try ServerFixture()
        for name in ["photo.avif", "card.vcf", "feed.rss", "README"] {
            try Data("x".utf8).write(to: fixture.file("assets/\(name)"))
        }
        try await fixture.prepared.application.test(.router) { client in
            for (name, type) in [("photo.avif", "image/avif"), ("card.vcf", "text/vcard; charset=utf-8"), ("feed.rss", "application/rss+xml"),
                                 ("README", "application/octet-stream")] {
                let response = try await client.execute(uri: "/assets/\(name)", method: .get)
                #expect(response.status == .ok && response.headers[.contentType] == type, "\(name): \(response.headers[.contentType] ?? "none")")
            }
        }
    }

    /// A link someone made in the output to the store (or into `.advocate/`) serves nothing from
    /// there, however deep it is; a link to another file is followed as before.
    @Test func noLinkInTheOutputServesTheStore() async throws {
        let fixture = try ServerFixture()
        try FileManager.default.createSymbolicLink(at: fixture.file("assets/data"), withDestinationURL: fixture.root.appendingPathComponent("content/data"))
        try FileManager.default.createSymbolicLink(at: fixture.file("assets/state"), withDestinationURL: fixture.root.appendingPathComponent(".advocate"))
        let elsewhere = fixture.root.appendingPathComponent("notes.txt")
        try Data("shared notes\n".utf8).write(to: elsewhere)
        try FileManager.default.createSymbolicLink(at: fixture.file("assets/notes.txt"), withDestinationURL: elsewhere)
        try await fixture.prepared.application.test(.router) { client in
            for path in ["/assets/data/referrers.json", "/assets/data/referrals.jsonl", "/assets/state/manifest.txt"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound && !String(buffer: response.body).contains("@example"), "\(path)")
            }
            let notes = try await client.execute(uri: "/assets/notes.txt", method: .get)
            #expect(notes.status == .ok && String(buffer: notes.body) == "shared notes\n")
        }
        // An output kept inside .advocate/ (scripts/quickstart) is served; the rest of it is not.
        let state = fixture.root.appendingPathComponent(".advocate")
        let inside = state.appendingPathComponent("quick/public")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        try Data("page\n".utf8).write(to: inside.appendingPathComponent("page.txt"))
        try Data("secret\n".utf8).write(to: state.appendingPathComponent("other.txt"))
        try FileManager.default.createSymbolicLink(at: inside.appendingPathComponent("up"), withDestinationURL: state)
        let provider = OpenedFileProvider(rootFolder: inside.path, withholding: [state.path])
        // The output folder itself too (`/`, whose index.html it holds: the quickstart's home page had been a 404).
        #expect(provider.getFileIdentifier("page.txt") != nil && provider.getFileIdentifier("/") != nil && provider.getFileIdentifier("up/other.txt") == nil)
    }

    /// A client posting JSON to a mistyped API path learns so in JSON, not in the theme's HTML.
    @Test func jsonClientsGetProblemDetailsForMisses() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let posted = try await client.execute(uri: "/api/referral", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"referrer":"ada"}"#))
            let asked = try await client.execute(uri: "/api/nothing", method: .get, headers: [.accept: "application/problem+json"])
            let privatePage = try await client.execute(uri: "/stats/not-a-token/", method: .get, headers: [.accept: "application/json"])
            for response in [posted, asked, privatePage] {
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONParser.parse(String(buffer: response.body))
                #expect(problem.members?.first { $0.key == "status" }?.value.numberValue == 404)
                #expect(String(buffer: response.body).contains(OpenAPIDocument.path))
            }
            #expect(posted.headers[.cacheControl] == "no-cache" && privatePage.headers[.cacheControl] == "no-store")
            let browser = try await client.execute(uri: "/api/nothing", method: .get, headers: [.accept: "text/html,*/*;q=0.8"])
            #expect(browser.status == .notFound && String(buffer: browser.body).contains("Page not found"))
        }
    }

    /// With a baseURL such as `https://refer.acme.example/refer`, the pages live below /refer/
    /// on the server too, as the browser asks for them; the endpoints stay where program.json puts them.
    @Test func aBaseURLWithAPathServesTheSiteBelowIt() async throws {
        let fixture = try ServerFixture { root in
            let program = root.appendingPathComponent("content/data/program.json")
            let text = try String(contentsOf: program, encoding: .utf8)
                .replacingOccurrences(of: #""baseURL": "https://refer.acme.example""#, with: #""baseURL": "https://refer.acme.example/refer/""#)
            try text.write(to: program, atomically: true, encoding: .utf8)
        }
        let stats = "/refer" + (try fixture.statsPath(of: "ada"))
        try await fixture.prepared.application.test(.router) { client in
            for path in ["/refer/", "/refer/r/ada/", "/refer/r/ada/qr.svg", "/refer/assets/site.css", stats] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
            }
            let page = try await client.execute(uri: "/refer/r/ada/", method: .get)
            #expect(String(buffer: page.body).contains(#"href="/refer/terms/""#))
            let capitals = try await client.execute(uri: "/refer/R/Ada?src=sms", method: .get)
            #expect(capitals.status == .movedPermanently && capitals.headers[.location] == "/refer/r/ada/?src=sms")
            #expect(try await client.execute(uri: stats, method: .get).headers[.cacheControl] == "no-store")
            for path in ["/refer/stats/", "/r/ada/", "/referee/"] {
                #expect(try await client.execute(uri: path, method: .get).status == .notFound, "\(path)")
            }
            let folder = try await client.execute(uri: "/refer/terms", method: .get)
            #expect(folder.status == .movedPermanently)
            #expect(folder.headers[.location] == "/refer/terms/")
            let base = try await client.execute(uri: "/refer?src=qr", method: .get)
            #expect(base.status == .movedPermanently)
            #expect(base.headers[.location] == "/refer/?src=qr")
            let hostRoot = try await client.execute(uri: "/", method: .get)
            #expect(hostRoot.status == .found)
            #expect(hostRoot.headers[.location] == "/refer/")
            let sourced = try await client.execute(uri: "/?src=email", method: .get)
            #expect(sourced.status == .found && sourced.headers[.location] == "/refer/?src=email")
            // A folder named with its dot segment (a raw client's `/terms/.`) is sent to one slash.
            let dotted = try await client.execute(uri: "/refer/terms/.", method: .get)
            #expect(dotted.status == .movedPermanently && dotted.headers[.location] == "/refer/terms/", "\(dotted.status) \(dotted.headers[.location] ?? "")")
            // Crawlers ask the host's root for robots.txt; the site's names its sitemap below /refer/.
            let robots = try await client.execute(uri: "/robots.txt", method: .get)
            #expect(robots.status == .ok && String(buffer: robots.body).contains("/refer/sitemap.xml"))
            let form = try await client.postForm("referrer=ada&name=Grace&email=grace.sub%40example.net&consent=true")
            #expect(form.status == .seeOther)
            #expect(form.headers[.location] == "/refer/thanks/")
        }
    }

    @Test func privateFolderIsNeverListedAndMissesGetTheSite404() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            for path in ["/stats/", "/stats", "/stats//", "//stats/", "/%73tats/", "/./stats/.", "/STATS/", "/Stats"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
            }
            let token = String(try fixture.statsPath(of: "ada").dropFirst("/stats/".count))
            // Every answer there, a miss or a method the page does not take, is as private as the page.
            let missing = try await client.execute(uri: "/stats/not-a-token/", method: .get)
            let posted = try await client.execute(uri: "/stats/\(token)/", method: .post)
            #expect(missing.status == .notFound && posted.status == .methodNotAllowed)
            for response in [missing, posted] {
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[HTTPField.Name("X-Robots-Tag")!] == "noindex")
            }
            for path in ["/%73tats/\(token)", "//stats//\(token)/", "/./stats/\(token)/index.html"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.headers[.cacheControl] == "no-store", "\(path)")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
            }
            #expect(AccessLogMiddleware.redacted(RequestPath.normalized("/%73tats//\(token)/")) == "/stats/…/")
            // A case-insensitive disk (macOS) serves /STATS/<token>/ as the page itself.
            let capitals = try await client.execute(uri: "/STATS/\(token)", method: .get)
            #expect(capitals.headers[.cacheControl] == "no-store")
            #expect(AccessLogMiddleware.redacted("/STATS/\(token)") == "/STATS/…/")
            // Paths that only look like it, which the site answers with 404, keep no token either.
            for path in ["/stats;x/\(token)/", "/stats\\\(token)/", "/x/statsabc\(token)"] {
                #expect(!AccessLogMiddleware.redacted(RequestPath.normalized(path)).contains(token), "\(path)")
            }
            let page = try await client.execute(uri: "/no/such/page/", method: .get)
            #expect(page.status == .notFound)
            #expect(String(buffer: page.body).contains("Page not found"))
        }
    }

    /// Dotfiles and dot-folders in the output (a gh-pages worktree's .git/, a host's .env) are
    /// not served, however the path is spelt; `.well-known/` is.
    @Test func hiddenFilesAreNotServedButWellKnownIs() async throws {
        let fixture = try ServerFixture()
        for (file, text) in [(".env", "SECRET=1"), (".git/config", "[core]"), ("assets/.hidden", "x"), (".well-known/security.txt", "Contact: mailto:security@example.com")] {
            let url = fixture.file(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try await fixture.prepared.application.test(.router) { client in
            for path in ["/.env", "/%2eenv", "/.git/config", "/assets/.hidden", "/.git/", "//.env"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
                #expect(!String(buffer: response.body).contains("SECRET") && !String(buffer: response.body).contains("[core]"), "\(path)")
            }
            let wellKnown = try await client.execute(uri: "/.well-known/security.txt", method: .get)
            #expect(wellKnown.status == .ok && String(buffer: wellKnown.body).contains("Contact:"))
        }
    }

    /// A page rebuilt within the second it was fetched (a stats page after a referral) gets a
    /// new tag: revalidating with the old one returns the new bytes, never 304 and old figures.
    @Test func aPageRewrittenWithinTheSameSecondIsNeverAnswered304() async throws {
        let fixture = try ServerFixture()
        let page = fixture.file("leaderboard/index.html")
        try await fixture.prepared.application.test(.live) { client in
            let first = try await client.execute(uri: "/leaderboard/", method: .get)
            let tag = try #require(first.headers[.eTag])
            let current = try await client.execute(uri: "/leaderboard/", method: .get, headers: [.ifNoneMatch: tag])
            #expect(current.status == .notModified)
            #expect(current.body.readableBytes == 0)
            #expect(current.headers[.eTag] == tag)
            // The build's way: a new file renamed over the old one, the same size, the same second.
            let old = try Data(contentsOf: page)
            let modified = try #require(try FileManager.default.attributesOfItem(atPath: page.path)[.modificationDate] as? Date)
            let new = Data(String(decoding: old, as: UTF8.self).replacingOccurrences(of: "Leaderboard", with: "Leaderbored").utf8)
            #expect(new.count == old.count && new != old)
            try new.write(to: page, options: .atomic)
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: page.path)
            let stale = try await client.execute(uri: "/leaderboard/", method: .get, headers: [.ifNoneMatch: tag])
            #expect(stale.status == .ok)
            #expect(stale.headers[.eTag] != tag)
            #expect(String(buffer: stale.body).contains("Leaderbored"))
            // The page's own second (the server sends no Last-Modified for a page this fresh).
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "GMT")
            format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let since = try await client.execute(uri: "/leaderboard/", method: .get, headers: [.ifModifiedSince: format.string(from: modified)])
            #expect(since.status == .ok, "whole seconds cannot tell two builds apart")
        }
    }

    /// An HTTP/1.0 client that did not ask for keep-alive reads until the server closes: the
    /// connection ends after the response; with keep-alive, or in HTTP/1.1, it stays open.
    @Test func anHTTP10ConnectionClosesAfterItsResponse() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let plain = try await LoopbackExchange.run(port: port, request: "GET / HTTP/1.0\r\n\r\n")
            #expect(plain.response.hasPrefix("HTTP/1.1 200 OK"))
            #expect(plain.closedByServer)
            let miss = try await LoopbackExchange.run(port: port, request: "GET /nope HTTP/1.0\r\n\r\n")
            #expect(miss.response.hasPrefix("HTTP/1.1 404"))
            #expect(miss.closedByServer)
            for (request, saysKeepAlive) in [("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true), ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", false)] {
                let kept = try await LoopbackExchange.run(port: port, request: request)
                #expect(kept.response.hasPrefix("HTTP/1.1 200 OK"), "\(request)")
                #expect(!kept.closedByServer, "\(request)")
                // An HTTP/1.0 client reads the connection as closing unless the answer says otherwise.
                #expect(kept.response.lowercased().contains("\r\nconnection: keep-alive\r\n") == saysKeepAlive, "\(request)")
            }
            // An HTTP/1.1 client asking to close in another spelling (Perl's LWP sends `TE, close`)
            // is not left waiting for the idle timeout.
            for connection in ["Close", "TE, close", "CLOSE"] {
                let closing = try await LoopbackExchange.run(port: port, request: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: \(connection)\r\n\r\n")
                #expect(closing.response.hasPrefix("HTTP/1.1 200 OK"), "\(connection)")
                #expect(closing.closedByServer, "\(connection)")
                #expect(closing.response.lowercased().contains("\r\nconnection: close\r\n"), "\(connection)")
            }
        }
    }

    /// A method the server does not know at all is 501 (RFC 9110 §9.1), not a malformed request.
    @Test func anUnknownMethodIsNotImplemented() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let exchange = try await LoopbackExchange.run(port: port, request: "FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(exchange.response.hasPrefix("HTTP/1.1 501 Not Implemented\r\n"), "\(exchange.response)")
            #expect(exchange.response.hasSuffix("its endpoints POST.\n"))
            #expect(exchange.closedByServer)
            // Dated, as every answer of an origin server (RFC 9110 §6.6.1).
            #expect(exchange.response.lowercased().contains("\r\ndate: ") && exchange.response.contains(" GMT\r\n"), "\(exchange.response)")
            let malformed = try await LoopbackExchange.run(port: port, request: "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")
            #expect(malformed.response.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "a header without its colon is still malformed")
            // A transfer coding but chunked (RFC 9112 §6.1): NIO would hand on gzip's bytes as the body.
            let body = "5\r\nhello\r\n0\r\n\r\n"
            let gzip = try await LoopbackExchange.run(port: port, request: "POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                                      + "Transfer-Encoding: gzip, chunked\r\n\r\n" + body)
            #expect(gzip.response.hasPrefix("HTTP/1.1 501 Not Implemented\r\n"), "\(gzip.response)")
            #expect(gzip.response.lowercased().contains("\r\ncache-control: no-store\r\n"), "refused before any route: \(gzip.response)")
            let chunked = try await LoopbackExchange.run(port: port, request: "POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                                         + "Transfer-Encoding: Chunked\r\nConnection: close\r\n\r\n" + body)
            #expect(chunked.response.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "plain chunked is read: \(chunked.response)")
        }
    }

    /// A head past the parser's bound is 431 (RFC 6585 §5), which tells the client what to
    /// shorten, where a 400 says only that the request is malformed; a long head within it is read.
    @Test func anOversizedHeadIsTooLarge() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let longAddress = "GET /?" + String(repeating: "a", count: 90_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            let cookies = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String(repeating: "Cookie: " + String(repeating: "c", count: 1000) + "\r\n", count: 90) + "\r\n"
            for request in [longAddress, cookies] {
                let exchange = try await LoopbackExchange.run(port: port, request: request)
                #expect(exchange.response.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "\(exchange.response.prefix(200))")
                #expect(exchange.closedByServer)
            }
            let within = try await LoopbackExchange.run(port: port, request: "GET /?" + String(repeating: "a", count: 8_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(within.response.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(within.response.prefix(200))")
        }
    }

    /// A body whose chunked framing is malformed is the client's error, 400, not a 408 that a
    /// browser or an HTTP library would answer by sending the same bytes again.
    @Test func aMalformedChunkedBodyIsABadRequest() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let exchange = try await LoopbackExchange.run(port: port, request: "POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                                          + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            #expect(exchange.response.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(exchange.response)")
            #expect(exchange.response.contains("The request body is malformed or cut short"), "\(exchange.response)")
        }
    }

    /// An HTTP/1.1 request without a Host header, or a request with two, is 400 (RFC 9112 §3.2);
    /// an HTTP/1.0 request needs none.
    @Test(arguments: ["GET /healthz HTTP/1.1\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n",
                      "GET /healthz HTTP/1.0\r\nHost: a.example\r\nHost: b.example\r\n\r\n"])
    func aRequestWithoutItsOneHostIsRefused(request: String) async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let exchange = try await LoopbackExchange.run(port: port, request: request)
            #expect(exchange.response.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(exchange.response)")
            #expect(exchange.response.hasSuffix("exactly one Host header (RFC 9112 §3.2).\n"))
            #expect(exchange.closedByServer)
        }
    }

    /// A refused request closes the connection only after the answers to the requests sent
    /// before it on the same connection: a referral's 201 was lost when `FOO` followed it in one
    /// write, though the referral was recorded.
    @Test func aRefusedRequestWaitsForTheAnswersBeforeIt() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"referrer":"ken","name":"Pat","email":"pat.pipelined@example.org","consent":true}"#
            let post = "POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            for (refused, status) in [("FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "501 Not Implemented"), ("GET / HTTP/1.1\r\n\r\n", "400 Bad Request")] {
                let exchange = try await LoopbackExchange.run(port: port, request: health + health + refused)
                let statuses = exchange.response.components(separatedBy: .newlines).filter { $0.hasPrefix("HTTP/1.1 ") }
                #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 \(status)"], "\(exchange.response)")
                #expect(exchange.closedByServer)
            }
            let exchange = try await LoopbackExchange.run(port: port, request: post + "FOO / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(exchange.response.hasPrefix("HTTP/1.1 201 Created\r\n"), "\(exchange.response)")
            #expect(exchange.response.contains("HTTP/1.1 501 Not Implemented\r\n"))
            #expect(try fixture.journal().contains("pat.pipelined@example.org"))
        }
    }

    /// A client that stops halfway through its request head, or keeps a connection open without
    /// asking anything more, is closed after the idle timeout: stalled sockets must not pile up
    /// until the server has no descriptor left.
    @Test func aStalledConnectionIsClosedAfterTheIdleTimeout() async throws {
        let fixture = try ServerFixture(configure: { $0.idleTimeout = .milliseconds(300) })
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let started = ContinuousClock.now
            let halfHead = try await LoopbackExchange.run(port: port, request: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
            #expect(halfHead.closedByServer && halfHead.response.isEmpty)
            let kept = try await LoopbackExchange.run(port: port, request: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(kept.response.hasPrefix("HTTP/1.1 200 OK"))
            #expect(kept.closedByServer, "an idle keep-alive connection is closed too")
            #expect(ContinuousClock.now - started < .seconds(10), "closed by the timeout, not by the client's own 30 s wait")
        }
    }

    /// One byte range is served as RFC 9110 reads it (the last n bytes for `-n`); one past the
    /// end answers 416 with the size; several ranges, or a backwards one, get the whole file.
    @Test func rangesAreServedAsRFC9110ReadsThem() async throws {
        let fixture = try ServerFixture()
        let robots = Array(try Data(contentsOf: fixture.file("robots.txt")))
        let size = robots.count
        let stats = try fixture.statsPath(of: "ada")
        try await fixture.prepared.application.test(.live) { client in
            let cases: [(range: String, status: HTTPResponse.Status, bytes: ArraySlice<UInt8>?, contentRange: String?)] = [
                ("bytes=0-4", .partialContent, robots[0...4], "bytes 0-4/\(size)"),
                ("bytes=-5", .partialContent, robots[(size - 5)...], "bytes \(size - 5)-\(size - 1)/\(size)"),
                ("bytes=-99999", .partialContent, robots[...], "bytes 0-\(size - 1)/\(size)"),
                ("bytes=10-99999", .partialContent, robots[10...], "bytes 10-\(size - 1)/\(size)"),
                ("bytes=99999-", .rangeNotSatisfiable, nil, "bytes */\(size)"),
                ("bytes=-0", .rangeNotSatisfiable, nil, "bytes */\(size)"),
                ("bytes=5-2", .ok, robots[...], nil),
                ("bytes=0-0,2-3", .ok, robots[...], nil),
                ("lines=1-2", .ok, robots[...], nil),
            ]
            for item in cases {
                let response = try await client.execute(uri: "/robots.txt", method: .get, headers: [.range: item.range])
                #expect(response.status == item.status, "\(item.range)")
                #expect(response.headers[.contentRange] == item.contentRange, "\(item.range)")
                #expect((response.headers[.cacheControl] != nil) == (item.status != .rangeNotSatisfiable), "\(item.range): an error is not cached as the file")
                if let bytes = item.bytes {
                    #expect(Array(response.body.readableBytesView) == Array(bytes), "\(item.range)")
                    #expect(response.headers[.contentLength] == String(bytes.count), "\(item.range)")
                }
            }
            let past = try await client.execute(uri: stats, method: .get, headers: [.range: "bytes=99999-"])
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers[.cacheControl] == "no-store", "a private page's answers are never stored")
        }
    }

    /// HEAD ignores a Range (RFC 9110 §14.2; it had a 200 with the range's length, which told
    /// download managers the file was 5 bytes); If-Range with the file's tag serves the range,
    /// anything else the whole file; a 304 carries no Content-Range.
    @Test func aRangeIsServedOnlyToGETAndOnlyForTheFileAsItIs() async throws {
        let fixture = try ServerFixture()
        let size = try Data(contentsOf: fixture.file("robots.txt")).count
        try await fixture.prepared.application.test(.live) { client in
            let head = try await client.execute(uri: "/robots.txt", method: .head, headers: [.range: "bytes=0-4"])
            #expect(head.status == .ok && head.headers[.contentLength] == String(size) && head.headers[.contentRange] == nil)
            let tag = try #require(try await client.execute(uri: "/robots.txt", method: .head).headers[.eTag])
            let current = try await client.execute(uri: "/robots.txt", method: .get, headers: [.range: "bytes=0-4", .ifRange: tag])
            #expect(current.status == .partialContent && current.headers[.contentRange] == "bytes 0-4/\(size)")
            for stale in ["\"0-0-0\"", "Sun, 06 Dec 2026 05:00:00 GMT"] {
                let whole = try await client.execute(uri: "/robots.txt", method: .get, headers: [.range: "bytes=0-4", .ifRange: stale])
                #expect(whole.status == .ok && whole.body.readableBytes == size, "\(stale)")
            }
            let unchanged = try await client.execute(uri: "/robots.txt", method: .get, headers: [.range: "bytes=0-4", .ifNoneMatch: tag])
            #expect(unchanged.status == .notModified && unchanged.headers[.contentRange] == nil)
            // If-None-Match before Range (RFC 9110 §13.2.2): the client has the file, whatever it asks past its end.
            let held = try await client.execute(uri: "/robots.txt", method: .get, headers: [.range: "bytes=99999-", .ifNoneMatch: tag])
            #expect(held.status == .notModified)
            // Preconditions first: If-Match of another tag, or a file changed since If-Unmodified-Since, is 412.
            for (field, value, status) in [(HTTPField.Name.ifMatch, "\"0-0-0\"", HTTPResponse.Status.preconditionFailed), (.ifMatch, tag, .ok),
                                           (.ifMatch, "*", .ok), (.ifUnmodifiedSince, "Thu, 01 Jan 1970 00:00:00 GMT", .preconditionFailed),
                                           (.ifUnmodifiedSince, "Fri, 01 Jan 2100 00:00:00 GMT", .ok)] {
                let response = try await client.execute(uri: "/robots.txt", method: .get, headers: [field: value])
                #expect(response.status == status, "\(field): \(value)")
            }
        }
    }

    /// A page rebuilt a moment ago has no Last-Modified, which would be later than the Date
    /// header (RFC 9110 §8.8.2.1); an older file has one.
    @Test func lastModifiedIsNeverAfterTheDate() async throws {
        let fixture = try ServerFixture()
        let robots = fixture.file("robots.txt").path
        try await fixture.prepared.application.test(.live) { client in
            // Dated ahead of the clock, so that a loaded machine cannot age it out of the window
            // before the request (the test failed under load when dated now).
            var times = [timespec(tv_sec: time(nil) + 30, tv_nsec: 0), timespec(tv_sec: time(nil) + 30, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, robots, &times, 0) == 0)
            let fresh = try await client.execute(uri: "/robots.txt", method: .get)
            #expect(fresh.status == .ok && fresh.headers[.lastModified] == nil && fresh.headers[.eTag] != nil)
            times[0].tv_sec -= 90
            times[1].tv_sec -= 90
            #expect(utimensat(AT_FDCWD, robots, &times, 0) == 0)
            #expect(try await client.execute(uri: "/robots.txt", method: .get).headers[.lastModified] != nil)
        }
    }

    /// HEAD of a missing page (or of /stats/) has GET's headers, Content-Length included.
    @Test func aMissHasGETsHeadersForHEAD() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            for path in ["/nope/", "/stats/"] {
                let get = try await client.execute(uri: path, method: .get)
                let head = try await client.execute(uri: path, method: .head)
                #expect(head.status == .notFound, "\(path)")
                #expect(get.body.readableBytes > 1000, "\(path)")
                #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(path)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(path)")
                #expect(head.body.readableBytes == 0, "\(path)")
            }
        }
    }

    /// A NUL cuts a path short at the file system: `/stats%00/` would name the private folder.
    @Test func controlCharactersInAPathAnswer400() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            for path in ["/stats%00/", "/index.html%00.txt", "/%00/etc/passwd", "/r/ada%0a/", "/%zz", "/r/%E0%A4%A/"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .badRequest, "\(path)")
                #expect(!String(buffer: response.body).contains("<html"), "\(path)")
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8", "\(path)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
            }
        }
    }

    /// A folder asked for without its slash is redirected to the same address on this host:
    /// never `//stats/<token>/`, which a browser reads as another host and hands the token to.
    @Test func aFolderRedirectStaysOnThisHost() async throws {
        let fixture = try ServerFixture()
        let stats = try fixture.statsPath(of: "ada")
        let token = String(stats.dropFirst("/stats/".count).dropLast())
        try await fixture.prepared.application.test(.live) { client in
            for (path, location) in [("//terms", "/terms/"), ("///terms", "/terms/"), ("/%2Fterms", "/terms/"), ("/%2F%2Fterms", "/terms/"),
                                     ("/./terms", "/terms/"), ("//stats/\(token)", stats), ("/%2Fstats/\(token)", stats),
                                     ("/r/ada?src=email&v=b", "/r/ada/?src=email&v=b"), ("/terms?", "/terms/")] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .movedPermanently, "\(path)")
                #expect(response.headers[.location] == location, "\(path)")
            }
        }
    }

    /// What a client puts in a path cannot forge a log line or put raw control bytes in the log.
    @Test func aLoggedPathCannotForgeALine() {
        let logged = AccessLogMiddleware.logged(RequestPath.normalized("/x%0d%0a203.0.113.9%20GET%20/admin%20200%00"))
        #expect(!logged.contains(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }))
        #expect(logged == "/x%0D%0A203.0.113.9 GET /admin 200%00")
        #expect(AccessLogMiddleware.logged("/stats/abc/\u{7F}") == "/stats/…/%7F")
        #expect(AccessLogMiddleware.logged("/r/zoë/") == "/r/zoë/")
        // A value a client sent (the honeypot's log line names the code) cannot send a terminal escape either.
        #expect(LogText.escapingControls("\u{1B}]0;pwned\u{07}\u{9B}2J\r\nmay 01 fake") == "%1B]0;pwned%07%9B2J%0D%0Amay 01 fake")
        #expect(LogText.escapingControls("ada\u{202E}nimda\u{2028}zoë") == "ada%E2%80%AEnimda%E2%80%A8zoë")
    }

    @Test func nothingOutsideTheOutputFolderIsReachable() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            for path in ["/../Package.swift", "/%2e%2e/content/data/program.json", "/r/%2E%2E/%2e%2e/content/data/referrers.json",
                         "/..%2fcontent%2fdata%2fprogram.json", "/assets/..%2F..%2Fcontent/data/program.json"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .badRequest || response.status == .notFound, "\(path)")
                #expect(!String(buffer: response.body).contains("analyticsToken"), "\(path)")
            }
        }
    }

    @Test func healthzAnswersWhileTheJournalIsWritable() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            let answer1 = try await client.execute(uri: "/healthz", method: .get)
            #expect(answer1.status == .ok)
            try FileManager.default.removeItem(at: fixture.journalURL)
            let answer2 = try await client.execute(uri: "/healthz", method: .get)
            #expect(answer2.status == .serviceUnavailable)
        }
    }

    /// A full disk refuses every referral (503): `/healthz` says so too, until there is room
    /// again, whether or not a referral has come since (a load balancer that stopped sending
    /// any would otherwise never see the node recover).
    @Test func healthzIsUnavailableWhileAppendsFailForWantOfRoom() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.router) { client in
            fixture.prepared.journal.simulateWriteFailure(ENOSPC)
            let refused = try await client.postJSON(#"{"referrer":"ada","name":"Full","email":"full.disk@example.net","consent":true}"#)
            #expect(refused.status == .serviceUnavailable)
            let full = try await client.execute(uri: "/healthz", method: .get)
            #expect(full.status == .serviceUnavailable && String(buffer: full.body) == "journal not writable: No space left on device\n", "\(String(buffer: full.body))")
            fixture.prepared.journal.simulateWriteFailure(nil)
            let roomAgain = try await client.execute(uri: "/healthz", method: .get)
            #expect(roomAgain.status == .ok)
            // Another failure (an I/O error, a quota) stands until an append succeeds.
            fixture.prepared.journal.simulateWriteFailure(EIO)
            _ = try await client.postJSON(#"{"referrer":"ada","name":"Io","email":"io.error@example.net","consent":true}"#)
            fixture.prepared.journal.simulateWriteFailure(nil)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .serviceUnavailable)
            let next = try await client.postJSON(#"{"referrer":"ada","name":"Io","email":"io.error@example.net","consent":true}"#)
            #expect(next.status == .created)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func healthAndTheAPIDocumentAnswerHEADWithGETsHeaders() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            for path in ["/healthz", "/api/openapi.json"] {
                let get = try await client.execute(uri: path, method: .get)
                let head = try await client.execute(uri: path, method: .head)
                #expect(head.status == .ok, "\(path)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(path)")
                #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(path)")
                #expect(head.body.readableBytes == 0, "\(path)")
            }
        }
    }
}
