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
        let stream = await watcher.liveReload.listen()
        await watcher.rebuild()
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() != nil)
        #expect(try String(contentsOf: fixture.file("faq/index.html"), encoding: .utf8).contains("A line added while watching."))
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
}
