import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct DurabilityTests {
    @Test func aSecondWriterOnTheSameStoreIsRefusedUntilTheFirstIsGone() throws {
        let fixture = try ServerFixture()
        let data = fixture.root.appendingPathComponent("content/data").path
        #expect(throws: JournalWriter.Failure.self) { try JournalWriter(dataDirectory: data) }
        do {
            _ = try AdvocateServer.prepare(ServerConfiguration(port: 0, build: BuildOptions(source: fixture.root.path)))
            Issue.record("a second server must refuse to start")
        } catch {
            #expect("\(error)".contains("another advocate process is writing to this store"))
        }
        let other = try TemporaryStore()
        var writer: JournalWriter? = try JournalWriter(dataDirectory: other.path)
        #expect(writer?.isWritable == true)
        writer = nil
        #expect(throws: Never.self) { try JournalWriter(dataDirectory: other.path) }
    }

    @Test func aMissingSiteFolderIsNamedBeforeTheStoreIsLocked() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-missing-\(UUID().uuidString)").path
        do {
            _ = try AdvocateServer.prepare(ServerConfiguration(port: 0, build: BuildOptions(source: missing)))
            Issue.record("a server over a missing folder must not start")
        } catch {
            #expect("\(error)".contains("site folder not found"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func theLockGoesWithItsHolderWhenThatProcessIsKilled() async throws {
        let store = try TemporaryStore()
        let lockFile = store.path + "/referrals.jsonl.lock"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        // Held far longer than the wait below: a test task starved for half a minute by the
        // suite's others (seen on a loaded machine) had found the child already gone.
        holder.arguments = ["--exclusive", "--no-fork", lockFile, "sleep", "600"]
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        // The child can take seconds to start on a loaded machine: wait up to 2 minutes for its lock,
        // looking with the shared probe a build uses, which never holds the child off (trying the
        // writer's own lock every few milliseconds could keep it from ever taking it).
        var held = false
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline, holder.isRunning {
            if JournalWriter.holder(dataDirectory: store.path) != nil {
                held = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(held, "the child process never held the lock (running: \(holder.isRunning))")
        #expect {
            try JournalWriter(dataDirectory: store.path)
        } throws: { "\($0)".contains(lockFile) }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(throws: Never.self) { try JournalWriter(dataDirectory: store.path) }
    }

    @Test func tornTailIsKeptAsideOnStart() throws {
        let fixture = try ServerFixture(journalTail: #"{"type":"referral","id":"rf_torn","at":"2026-06-2"#)
        let journal = try fixture.journal()
        #expect(journal.hasSuffix("\n"))
        #expect(!journal.contains("rf_torn"))
        let data = fixture.root.appendingPathComponent("content/data")
        let aside = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasPrefix("referrals.jsonl.torn-") }
        #expect(aside.count == 1)
        #expect(fixture.prepared.journal.tornTailPath == data.appendingPathComponent(aside[0]).path)
        #expect(try String(contentsOf: data.appendingPathComponent(aside[0]), encoding: .utf8).contains("rf_torn"))
    }

    @Test func concurrentAppendsAllLandWholeLines() async throws {
        let store = try TemporaryStore()
        let writer = try JournalWriter(dataDirectory: store.path)
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            try? writer.append(#"{"n":\#(index),"pad":"\#(String(repeating: "x", count: index))"}"#)
        }
        let lines = try String(contentsOfFile: store.path + "/referrals.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        #expect(lines.allSatisfy { (try? JSONParser.parse(String($0))) != nil })
    }

    @Test func everyAsyncWaiterReturnsOnlyOnceItsLineIsInTheFile() async throws {
        let store = try TemporaryStore()
        let writer = try JournalWriter(dataDirectory: store.path)
        let path = store.path + "/referrals.jsonl"
        let missing = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<300 {
                group.addTask {
                    let line = #"{"n":\#(index)}"#
                    do {
                        try await writer.durable(writer.enqueue([line]))
                    } catch {
                        return true
                    }
                    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                    return !text.split(separator: "\n").contains(Substring(line))
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(missing == 0)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(Set(lines.map(String.init)) == Set((0..<300).map { #"{"n":\#($0)}"# }))
    }

    @Test func aFailedWriteFailsEveryWaiterOfItsBatchAndLeavesNoPartOfIt() async throws {
        let store = try TemporaryStore()
        let writer = try JournalWriter(dataDirectory: store.path)
        try await writer.durable(writer.enqueue([#"{"n":"before"}"#]))
        writer.simulateWriteFailure(ENOSPC)
        let failures = await withTaskGroup(of: String?.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        try await writer.durable(writer.enqueue([#"{"n":\#(index)}"#]))
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.compactMap { $0 }.reduce(into: []) { $0.append($1) }
        }
        #expect(failures.count == 20)
        #expect(failures.allSatisfy { $0.contains("No space left on device") })
        writer.simulateWriteFailure(nil)
        try await writer.durable(writer.enqueue([#"{"n":"after"}"#]))
        // A mixed caller: the blocking wait and the async one share the same queue.
        try writer.append(#"{"n":"blocking"}"#)
        let text = try String(contentsOfFile: store.path + "/referrals.jsonl", encoding: .utf8)
        #expect(text == "{\"n\":\"before\"}\n{\"n\":\"after\"}\n{\"n\":\"blocking\"}\n")
    }

    /// With the journal removed or moved away under the server, nothing more is acknowledged:
    /// lines went to the orphaned file and got a 201 while /healthz said the file was gone.
    @Test(arguments: [false, true])
    func nothingIsAcknowledgedOnceTheJournalFileIsGone(moved: Bool) async throws {
        let store = try TemporaryStore()
        let writer = try JournalWriter(dataDirectory: store.path)
        try await writer.durable(writer.enqueue([#"{"n":"before"}"#]))
        let journal = store.path + "/referrals.jsonl"
        if moved {
            try FileManager.default.moveItem(atPath: journal, toPath: journal + ".old")
        } else {
            try FileManager.default.removeItem(atPath: journal)
        }
        await #expect(throws: JournalWriter.Failure.self) { try await writer.durable(writer.enqueue([#"{"n":"after"}"#])) }
        #expect(writer.unwritableReason?.contains(moved ? "moved or replaced" : "removed") == true, "\(writer.unwritableReason ?? "writable")")
        if moved { #expect(try String(contentsOfFile: journal + ".old", encoding: .utf8) == "{\"n\":\"before\"}\n") }
    }

    /// A journal cut shorter under the server (an editor saving an older copy) takes no more
    /// lines until a restart; lines added by hand are fine once they end with a newline, and
    /// until then nothing joins the last of them. Both had got a 201 for a line glued to another.
    @Test func nothingIsAppendedAfterAForeignChangeThatWouldJoinLines() async throws {
        let store = try TemporaryStore()
        let writer = try JournalWriter(dataDirectory: store.path)
        let journal = store.path + "/referrals.jsonl"
        try await writer.durable(writer.enqueue([#"{"n":1}"#]))
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"n":"by hand"}"#.utf8))
        // /healthz says so at once, before any referral fails, and no longer once it is ended.
        #expect(writer.unwritableReason?.contains("has no newline at its end") == true, "\(writer.unwritableReason ?? "writable")")
        await #expect(throws: JournalWriter.Failure.self) { try await writer.durable(writer.enqueue([#"{"n":2}"#])) }
        #expect(writer.unwritableReason?.contains("has no newline at its end") == true, "\(writer.unwritableReason ?? "writable")")
        try handle.write(contentsOf: Data("\n".utf8))
        try handle.close()
        #expect(writer.unwritableReason == nil)
        try await writer.durable(writer.enqueue([#"{"n":3}"#]))
        #expect(try String(contentsOfFile: journal, encoding: .utf8) == "{\"n\":1}\n{\"n\":\"by hand\"}\n{\"n\":3}\n")
        #expect(writer.unwritableReason == nil)

        #expect(truncate(journal, 8) == 0)
        await #expect(throws: JournalWriter.Failure.self) { try await writer.durable(writer.enqueue([#"{"n":4}"#])) }
        #expect(writer.unwritableReason?.contains("cut shorter while the server ran") == true, "\(writer.unwritableReason ?? "writable")")
        #expect(try String(contentsOfFile: journal, encoding: .utf8) == "{\"n\":1}\n")
    }

    /// A refresh that fails (here a folder where the stats page goes; a full disk) is tried
    /// again without waiting for the referrer's next referral: the page had stayed stale.
    @Test func aFailedRefreshIsTriedAgain() async throws {
        let fixture = try ServerFixture()
        let statsFile = fixture.file(try fixture.statsPath(of: "ada") + "index.html")
        try FileManager.default.removeItem(at: statsFile)
        try FileManager.default.createDirectory(at: statsFile, withIntermediateDirectories: false)
        try await fixture.prepared.application.test(.router) { client in
            let answer = try await client.postJSON(#"{"referrer":"ada","name":"Retry Friend","email":"retry.friend@example.net","consent":true}"#)
            #expect(answer.status == .created)
        }
        await fixture.flushRefresh()
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: statsFile.path, isDirectory: &isFolder) && isFolder.boolValue)
        // Meanwhile another referrer's page is refreshed at once, not held back with ada's.
        let graceFile = fixture.file(try fixture.statsPath(of: "grace") + "index.html")
        try await fixture.prepared.application.test(.router) { client in
            let answer = try await client.postJSON(#"{"referrer":"grace","name":"Other Friend","email":"other.friend@example.net","consent":true}"#)
            #expect(answer.status == .created)
        }
        await fixture.flushRefresh()
        #expect(try String(contentsOf: graceFile, encoding: .utf8).contains("Other F."))
        try FileManager.default.removeItem(at: statsFile)
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, (try? String(contentsOf: statsFile, encoding: .utf8))?.contains("Retry F.") != true {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try String(contentsOf: statsFile, encoding: .utf8).contains("Retry F."))
    }

    @Test func aRecordedReferralRefreshesItsStatsPageAndNothingElse() async throws {
        let fixture = try ServerFixture()
        let stats = try fixture.statsPath(of: "ada")
        let statsFile = fixture.file(stats + "index.html")
        let before = try String(contentsOf: statsFile, encoding: .utf8)
        let past = Date(timeIntervalSince1970: 1_000_000)
        let others = try FileManager.default.subpathsOfDirectory(atPath: fixture.publicURL.path).filter { $0.hasSuffix(".html") }
        for path in others {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: fixture.publicURL.appendingPathComponent(path).path)
        }
        try await fixture.prepared.application.test(.router) { client in
            let answer1 = try await client.postJSON(#"{"referrer":"ada","name":"New Friend","email":"new.friend@example.net","consent":true}"#)
            #expect(answer1.status == .created)
        }
        await fixture.flushRefresh()
        let after = try String(contentsOf: statsFile, encoding: .utf8)
        #expect(after != before)
        #expect(after.contains("New F."))
        var changed: [String] = []
        for path in others {
            let attributes = try FileManager.default.attributesOfItem(atPath: fixture.publicURL.appendingPathComponent(path).path)
            if attributes[.modificationDate] as? Date != past { changed.append(path) }
        }
        let analytics = try fixture.analyticsPath()
        #expect(Set(changed) == [String(stats.dropFirst()) + "index.html", String(analytics.dropFirst()) + "index.html", "leaderboard/index.html"])
    }

    @Test func liveServerOnLoopbackRecordsAFormPost() async throws {
        let fixture = try ServerFixture()
        try await fixture.prepared.application.test(.live) { client in
            let response = try await client.postForm("referrer=grace&name=Live+Friend&email=live%40example.net&consent=on")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/thanks/")
            let page = try await client.execute(uri: "/thanks/", method: .get)
            #expect(String(buffer: page.body).contains("Thank you"))
        }
        #expect(try fixture.journal().contains(#""email":"live@example.net""#))
    }
}

/// An empty data folder.
final class TemporaryStore {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension JournalWriter {
    /// True while the journal can be written.
    var isWritable: Bool { unwritableReason == nil }
}
