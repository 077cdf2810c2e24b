import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct WatchModeTests {
    @Test func watchModeAddsTheReloadScriptToServedPagesOnly() async throws {
        let watching = try ServerFixture(watch: true)
        try await watching.prepared.application.test(.router) { client in
            let page = try await client.execute(uri: "/faq/", method: .get)
            #expect(String(buffer: page.body).contains(LiveReload.script))
        }
        #expect(!(try String(contentsOf: watching.file("faq/index.html"), encoding: .utf8)).contains("EventSource"))
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
        let stream = await liveReload.listen()
        await watcher.reloader.rebuild("after a change")
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() != nil)
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

    /// A referral posted while watch mode rereads the store waits for the reread, so the desk's
    /// reloaded roster and figures hold it: its duplicate is refused and its stats page counts it.
    @Test func aReferralPostedWhileTheStoreIsRereadIsHeldAndKept() async throws {
        let fixture = try ServerFixture(watch: true)
        let reloader = fixture.prepared.reloader
        let stats = fixture.file(try fixture.statsPath(of: "grace") + "index.html")
        let before = try Self.referrals(in: stats)
        let friend = #"{"referrer":"grace","name":"Held Friend","email":"held.friend@example.net","consent":true}"#
        try await fixture.prepared.application.test(.router) { client in
            await reloader.desk.hold()
            let journal = try fixture.journal()
            async let posted = client.postJSON(friend)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try fixture.journal() == journal, "a held referral is not recorded yet")
            await reloader.desk.reload(try SiteInputs.load(reloader.options))
            #expect(try await posted.status == .created)
            #expect(try await client.postJSON(friend).status == .conflict)
        }
        await fixture.flushRefresh()
        #expect(try Self.referrals(in: stats) == before + 1)
    }

    /// A refresh asked for during watch mode's rebuild waits for it (two writers of one output
    /// folder could each rename the other's temporary files away), then runs.
    @Test func aRefreshAskedForDuringARebuildRunsAfterIt() async throws {
        let fixture = try ServerFixture(watch: true)
        let stats = fixture.file(try fixture.statsPath(of: "grace") + "index.html")
        let before = try Self.referrals(in: stats)
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

    /// The referrals figure on a stats page.
    static func referrals(in page: URL) throws -> Int {
        let html = try String(contentsOf: page, encoding: .utf8)
        let figure = try #require(html.firstRange(of: "<dt>Referrals</dt><dd>"))
        return try #require(Int(html[figure.upperBound...].prefix { $0.isNumber }))
    }
}
