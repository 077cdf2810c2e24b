import Foundation
import Testing
@testable import Advocate

/// The server rereads the store on a reload while referrals keep being recorded, then takes in
/// the journal lines appended meanwhile: the store must then be what a fresh load gives.
@Suite struct JournalCatchUpTests {
    /// A data folder with the example's program and referrers and the first `count` lines of its
    /// journal; the journal's lines.
    private static func dataFolder(keepingLines count: Int) throws -> (folder: TemporaryDirectory, lines: [String]) {
        let example = OutcomeLedgerTests.exampleData
        let folder = try TemporaryDirectory()
        for file in [StoreFiles.program, StoreFiles.referrers] {
            try folder.write(file, try String(contentsOfFile: example + "/" + file, encoding: .utf8))
        }
        let lines = try String(contentsOfFile: example + "/" + StoreFiles.journal, encoding: .utf8).split(separator: "\n").map(String.init)
        try folder.write(StoreFiles.journal, lines.prefix(count).map { $0 + "\n" }.joined())
        return (folder, lines)
    }

    private static func append(_ text: String, to folder: TemporaryDirectory) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file(StoreFiles.journal)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    private static func expectSameAsFreshLoad(_ caughtUp: LoadedStore, _ folder: TemporaryDirectory) throws {
        let fresh = try StoreLoader.load(from: folder.path, makingLedger: true)
        #expect(caughtUp.store.journal.count == fresh.store.journal.count)
        #expect(caughtUp.store.referrers.map(\.code) == fresh.store.referrers.map(\.code))
        #expect(caughtUp.journalRead.length == fresh.journalRead.length)
        #expect(caughtUp.journalRead.digest == fresh.journalRead.digest)
        #expect(caughtUp.journalRead.offsets == fresh.journalRead.offsets)
        let asOf = try #require(fresh.store.newestEventInstant)
        #expect(caughtUp.ledger != nil, "the ledger is kept, not dropped for figures computed afresh")
        #expect(caughtUp.figures(asOf: asOf).json == fresh.figures(asOf: asOf).json)
    }

    /// Every place the reread could have stopped, with the rest appended in two goes (while the
    /// server still records, then once it is held).
    @Test func linesAppendedSinceTheLoadAreTakenInAsAFreshLoadHasThem() throws {
        let total = try Self.dataFolder(keepingLines: 0).lines.count
        for cut in stride(from: 0, to: total, by: 9) {
            let (folder, lines) = try Self.dataFolder(keepingLines: cut)
            var loaded = try StoreLoader.load(from: folder.path, makingLedger: true)
            let middle = (cut + total) / 2
            try Self.append(lines[cut..<middle].map { $0 + "\n" }.joined(), to: folder)
            #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == middle - cut)
            try Self.append(lines[middle...].map { $0 + "\n" }.joined(), to: folder)
            #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == total - middle)
            #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == 0)
            try Self.expectSameAsFreshLoad(loaded, folder)
        }
    }

    @Test func anUnfinishedLineWaitsForItsEnd() throws {
        let (folder, lines) = try Self.dataFolder(keepingLines: 100)
        var loaded = try StoreLoader.load(from: folder.path, makingLedger: true)
        let line = lines[100]
        try Self.append(String(line.prefix(20)), to: folder)
        #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == nil)
        #expect(loaded.store.journal.count == 100)
        try Self.append(line.dropFirst(20) + "\n", to: folder)
        #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == 1)
        try Self.expectSameAsFreshLoad(loaded, folder)
    }

    /// A line taken in while the journal was written must still be there, unchanged, at the
    /// next catch-up (a failed append is cut back off the file); otherwise the store is reread.
    @Test func aLineTakenInThatChangedSinceMakesTheCatchUpFail() throws {
        let (folder, lines) = try Self.dataFolder(keepingLines: 100)
        var loaded = try StoreLoader.load(from: folder.path, makingLedger: true)
        try Self.append(lines[100] + "\n", to: folder)
        #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == 1)
        let replaced = lines[100].replacingOccurrences(of: "\"at\":\"2026", with: "\"at\":\"2025")
        #expect(replaced != lines[100] && replaced.utf8.count == lines[100].utf8.count)
        try folder.write(StoreFiles.journal, (lines.prefix(100) + [replaced, lines[101]]).map { $0 + "\n" }.joined())
        #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == nil)
        #expect(loaded.store.journal.count == 101)
    }

    @Test func aShorterJournalAMalformedLineOrATornLoadMakeTheCatchUpFail() throws {
        let (folder, lines) = try Self.dataFolder(keepingLines: 100)
        var loaded = try StoreLoader.load(from: folder.path, makingLedger: true)
        try Self.append("{\"type\":\"referral\",\"id\":\n", to: folder)
        #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == nil)

        try folder.write(StoreFiles.journal, lines.prefix(99).map { $0 + "\n" }.joined())
        #expect(loaded.catchUp(journal: folder.file(StoreFiles.journal)) == nil)
        #expect(loaded.store.journal.count == 100)

        try folder.write(StoreFiles.journal, lines.prefix(99).map { $0 + "\n" }.joined() + lines[99].prefix(30))
        var torn = try StoreLoader.load(from: folder.path, makingLedger: true)
        #expect(torn.tornJournalTail != nil)
        try Self.append(lines[99].dropFirst(30) + "\n", to: folder)
        #expect(torn.catchUp(journal: folder.file(StoreFiles.journal)) == nil, "the torn line's bytes were left out of the read")
    }
}
