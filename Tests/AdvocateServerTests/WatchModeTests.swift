import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import NIOCore
import HummingbirdTesting
import Testing

@Suite struct WatchModeTests {
    @Test func watchModeAddsTheReloadScriptToServedPagesOnly() async throws {
        let watching = try ServerFixture(watch: true)
        try await watching.prepared.application.test(.router) { client in
            let page = try await client.execute(uri: "/faq/", method: .get)
            #expect(String(buffer: page.body).contains(LiveReload.script))
            // HEAD describes the page as GET sends it, script included, not the file on disk.
            let head = try await client.execute(uri: "/faq/", method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(page.body.readableBytes))
            #expect(head.headers[.eTag] == nil && page.headers[.eTag] == nil, "the file's ETag would answer 304 for a page it does not describe")
        }
        #expect(!(try String(contentsOf: watching.file("faq/index.html"), encoding: .utf8)).contains("EventSource"))
        // A theme that writes `</BODY>`, or leaves it out as HTML allows, still gets the script.
        for (name, page) in [("upper", "<!doctype html><title>U</title><BODY><p>u</p></BODY>\n"), ("bare", "<!doctype html><title>B</title><p>b</p>\n")] {
            try FileManager.default.createDirectory(at: watching.file(name), withIntermediateDirectories: true)
            try Data(page.utf8).write(to: watching.file("\(name)/index.html"))
        }
        try await watching.prepared.application.test(.router) { client in
            for name in ["upper", "bare"] {
                let page = try await client.execute(uri: "/\(name)/", method: .get)
                #expect(String(buffer: page.body).contains(LiveReload.script), "\(name)")
            }
        }
        let normal = try ServerFixture()
        try await normal.prepared.application.test(.router) { client in
            let page = try await client.execute(uri: "/faq/", method: .get)
            #expect(!String(buffer: page.body).contains("EventSource"))
            let events = try await client.execute(uri: LiveReload.eventsPath, method: .get)
            #expect(events.status == .notFound)
        }
    }

    @Test func aChangedFileRebuildsTheSiteAndTellsOpenPages() async throws {
        let fixture = try ServerFixture(watch: true)
        let watcher = try #require(fixture.prepared.watcher)
        let before = watcher.snapshot()
        let faq = fixture.root.appendingPathComponent("content/faq.md")
        let text = try String(contentsOf: faq, encoding: .utf8)
        try text.replacingOccurrences(of: "\n---\n", with: "\n---\nA line added while watching.\n").write(to: faq, atomically: true, encoding: .utf8)
        #expect(watcher.snapshot() != before)
        let liveReload = try #require(watcher.reloader.liveReload)
        let stream = await liveReload.listen().events
        await watcher.reloader.rebuild("after a change")
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == .reload)
        #expect(try String(contentsOf: fixture.file("faq/index.html"), encoding: .utf8).contains("A line added while watching."))
    }

    /// A reload (SIGHUP, or watch mode after a change) renders only what changed since the last
    /// build, as `advocate build` does: nothing when nothing changed, and no referrer's page after
    /// an edit of the FAQ.
    @Test func aReloadRendersOnlyThePagesWhoseInputsChanged() async throws {
        let fixture = try ServerFixture()
        let unchanged = try #require(await fixture.prepared.reloader.rebuild("on SIGHUP"))
        #expect(unchanged.rendered == 0 && unchanged.written == 0)
        let faq = fixture.root.appendingPathComponent("content/faq.md")
        try (try String(contentsOf: faq, encoding: .utf8) + "\nA line added before a reload.\n").write(to: faq, atomically: true, encoding: .utf8)
        let edited = try #require(await fixture.prepared.reloader.rebuild("on SIGHUP"))
        let referrers = try StoreLoader.load(from: fixture.root.appendingPathComponent("content/data").path).store.referrers.count
        #expect(edited.written == 1 && edited.rendered == edited.total - 3 * referrers, "\(edited.summary)")
        #expect(try String(contentsOf: fixture.file("faq/index.html"), encoding: .utf8).contains("A line added before a reload."))
    }

    /// A reload whose build fails after the desk took the new inputs in (a full disk; here a
    /// file where the terms' folder goes) leaves no page of the new inputs among the old: a
    /// referral's refresh is a whole build until one succeeds, then every page has them.
    @Test func aReloadThatCannotBeWrittenIsOwedAWholeBuild() async throws {
        let fixture = try ServerFixture()
        let program = fixture.root.appendingPathComponent("content/data/program.json")
        let text = try String(contentsOf: program, encoding: .utf8)
        try text.replacingOccurrences(of: #""name": "Acme Rewards""#, with: #""name": "Acme Rewards Plus""#).write(to: program, atomically: true, encoding: .utf8)
        let terms = fixture.file("terms").path
        try FileManager.default.removeItem(atPath: terms)
        try Data("in the way".utf8).write(to: URL(fileURLWithPath: terms))
        #expect(await fixture.prepared.reloader.rebuild("on SIGHUP") == nil)

        let stats = try fixture.statsPath(of: "ada")
        let pages = ["r/ada/index.html", String(stats.dropFirst()) + "index.html", "index.html"].map { fixture.file($0) }
        let renamed: @Sendable () throws -> [Bool] = {
            try pages.map { try String(contentsOf: $0, encoding: .utf8).contains("Acme Rewards Plus") }
        }
        try await fixture.prepared.application.test(.router) { client in
            let posted = try await client.postJSON(#"{"referrer":"ada","name":"Owed Build","email":"owed.build@example.net","consent":true}"#)
            #expect(posted.status == .created)
            await fixture.flushRefresh()
            #expect(try renamed() == [false, false, false], "a refresh wrote the new name among the old")

            try FileManager.default.removeItem(atPath: terms)
            let again = try await client.postJSON(#"{"referrer":"grace","name":"Owed Again","email":"owed.again@example.net","consent":true}"#)
            #expect(again.status == .created)
            await fixture.flushRefresh()
            #expect(try renamed() == [true, true, true])
            #expect(FileManager.default.fileExists(atPath: fixture.file("terms/index.html").path))
        }
    }

    /// A reload cannot move the endpoint or the baseURL the server's routes were made from: it
    /// is refused and the site keeps its pages (they had posted to a path that answered 404).
    @Test(arguments: [(#""endpoint": "/api/referrals""#, #""endpoint": "/api/ref2""#), (#""baseURL": "https://refer.acme.example""#, #""baseURL": "https://refer.acme.example/refer""#)])
    func aReloadThatWouldMoveTheServersRoutesIsRefused(before: String, after: String) async throws {
        let fixture = try ServerFixture()
        let program = fixture.root.appendingPathComponent("content/data/program.json")
        let text = try String(contentsOf: program, encoding: .utf8)
        #expect(text.contains(before))
        try text.replacingOccurrences(of: before, with: after).write(to: program, atomically: true, encoding: .utf8)
        let page = try String(contentsOf: fixture.file("r/ada/index.html"), encoding: .utf8)
        #expect(await fixture.prepared.reloader.rebuild("on SIGHUP") == nil)
        #expect(try String(contentsOf: fixture.file("r/ada/index.html"), encoding: .utf8) == page)
    }

    @Test func theJournalDoesNotTriggerARebuild() throws {
        let fixture = try ServerFixture(watch: true)
        let watcher = try #require(fixture.prepared.watcher)
        let before = watcher.snapshot()
        let handle = try FileHandle(forWritingTo: fixture.journalURL)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8))
        try handle.close()
        #expect(watcher.snapshot() == before)
    }

    /// A reload rereads the store without holding the desk: a referral and a join recorded
    /// meanwhile are answered at once, and taken in afterwards from the journal, so the reloaded
    /// desk refuses the referral's duplicate, knows the new referrer and counts the referral.
    @Test func referralsAndJoinsRecordedWhileTheStoreIsRereadAreKept() async throws {
        let (fixture, stats, before) = try Self.watchingGrace()
        let reloader = fixture.prepared.reloader
        let friend = #"{"referrer":"grace","name":"Reread Friend","email":"reread.friend@example.net","consent":true}"#
        try await fixture.prepared.application.test(.router) { client in
            let loaded = try #require(await reloader.load("in a test"))
            #expect(try await client.postJSON(friend).status == .created)
            #expect(try await client.postJoinJSON(#"{"name":"Radia Perlman","email":"radia@example.net","consent":true}"#).status == .accepted)
            let joined = try #require(try fixture.journal().split(separator: "\n").last)
            let code = try #require(try JSONParser.parse(String(joined)).members?.first { $0.key == "code" }?.value.stringValue)
            // Called outside #expect: a value captured by the macro's closure and consumed
            // there was released twice (a crash once Site grew a stored class reference).
            let taken = await reloader.takeIn(loaded, "in a test")
            #expect(taken != nil)
            #expect(try await client.postJSON(friend).status == .conflict)
            let referral = #"{"referrer":"\#(code)","name":"New Member's Friend","email":"members.friend@example.net","consent":true}"#
            #expect(try await client.postJSON(referral).status == .created)
        }
        await fixture.flushRefresh()
        #expect(try Self.referrals(in: stats) == before + 1)
    }

    /// While the desk is held (the reload's catch-up), a referral waits, then is recorded.
    @Test func aReferralPostedWhileTheDeskIsHeldWaitsAndIsKept() async throws {
        let (fixture, stats, before) = try Self.watchingGrace()
        let reloader = fixture.prepared.reloader
        let friend = #"{"referrer":"grace","name":"Held Friend","email":"held.friend@example.net","consent":true}"#
        try await fixture.prepared.application.test(.router) { client in
            await reloader.desk.hold()
            let journal = try fixture.journal()
            async let posted = client.postJSON(friend)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try fixture.journal() == journal, "a held referral is not recorded yet")
            let inputs = try SiteInputs.load(reloader.options)
            await reloader.desk.reload(inputs, prepared: ReferralDesk.prepare(inputs), caughtUp: [])
            #expect(try await posted.status == .created)
            #expect(try await client.postJSON(friend).status == .conflict)
        }
        await fixture.flushRefresh()
        #expect(try Self.referrals(in: stats) == before + 1)
    }

    /// A refresh asked for during watch mode's rebuild waits for it (two writers of one output
    /// folder could each rename the other's temporary files away), then runs.
    @Test func aRefreshAskedForDuringARebuildRunsAfterIt() async throws {
        let (fixture, stats, before) = try Self.watchingGrace()
        let (started, start) = AsyncStream<Void>.makeStream()
        let (finished, finish) = AsyncStream<Void>.makeStream()
        let rebuild = Task {
            await fixture.prepared.refresher.exclusively {
                start.yield()
                for await _ in finished { break }
            }
        }
        for await _ in started { break }
        try await fixture.prepared.application.test(.router) { client in
            let answer = try await client.postJSON(#"{"referrer":"grace","name":"Late Friend","email":"late.friend@example.net","consent":true}"#)
            #expect(answer.status == .created)
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try Self.referrals(in: stats) == before, "no refresh while the rebuild runs")
        finish.yield()
        await rebuild.value
        #expect(try Self.referrals(in: stats) == before + 1)
    }

    /// A server in watch mode, grace's stats page and its referrals figure before any test post.
    static func watchingGrace() throws -> (ServerFixture, URL, Int) {
        let fixture = try ServerFixture(watch: true)
        let stats = fixture.file(try fixture.statsPath(of: "grace") + "index.html")
        return (fixture, stats, try referrals(in: stats))
    }

    /// The referrals figure on a stats page.
    static func referrals(in page: URL) throws -> Int {
        let html = try String(contentsOf: page, encoding: .utf8)
        let figure = try #require(html.firstRange(of: "<dt>Referrals</dt><dd>"))
        return try #require(Int(html[figure.upperBound...].prefix { $0.isNumber }))
    }

    /// A page that has gone (a tab closed, a link followed) is found by the next keep-alive
    /// comment, whose write fails: its stream ends and it stops listening. Without it, every page
    /// ever opened kept a task and a socket until the server stopped.
    @Test(.timeLimit(.minutes(1))) func aPageThatHasGoneIsFoundByTheKeepAliveAndForgotten() async throws {
        /// A connection whose page is gone after `accepted` writes.
        struct GonePage: ResponseBodyWriter {
            var accepted: Int
            mutating func write(_ buffer: ByteBuffer) async throws {
                guard accepted > 0 else { throw ChannelError.ioOnClosedChannel }
                accepted -= 1
            }
            consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
        }
        let liveReload = LiveReload()
        let response = await liveReload.response(keepAlive: .milliseconds(20))
        #expect(await liveReload.listenerCount == 1)
        await #expect(throws: ChannelError.self) { try await response.body.write(GonePage(accepted: 2)) }
        for _ in 0..<100 where await liveReload.listenerCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await liveReload.listenerCount == 0)
    }
}
