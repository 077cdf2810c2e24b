import Foundation
import Testing
@testable import Advocate

/// A file marked immutable (`chattr +i`) refuses even root, with EPERM: the advice names the
/// flag, not ownership or permissions, which cannot help there.
@Suite struct ImmutableFileTests {
    /// Runs chattr; false where it cannot (not root, or a file system without the flag).
    func chattr(_ flag: String, _ path: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag, path]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr")))
    func anImmutableFileIsNamedAsSuch() throws {
        let directory = try TemporaryDirectory()
        let file = directory.file("referrers.json")
        try directory.write("referrers.json", "[]\n")
        guard chattr("+i", file) else { return }
        defer { _ = chattr("-i", file) }
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write(Array("[1]\n".utf8), to: file) }
        do {
            try AtomicFile.write(Array("[1]\n".utf8), to: file)
        } catch {
            #expect(error.description.hasSuffix("; it or its folder is marked immutable or append-only (lsattr, or lsattr -d for the folder, shows an i or an a; chattr -i or -a as root lifts it)"), "\(error)")
        }
        #expect(try directory.read("referrers.json") == "[]\n")
    }

    /// A journal made append-only (a hardening step) cannot be replaced: `forget` leaves the
    /// roster as it was too, not the person erased in one file and counted anew in the other.
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr")))
    func forgetChangesNoFileWhenTheJournalCannotBeReplaced() throws {
        var fixture = StoreFixture()
        fixture.refer("ada", friend: "Ada Herself", email: "ada@example.com", at: "2026-03-01T09:00:00Z")
        let directory = try TemporaryDirectory()
        try fixture.write(to: directory)
        let data = directory.file("content/data")
        let journal = directory.file("content/data/referrals.jsonl")
        let before = try ["referrers.json", "referrals.jsonl"].map { try directory.read("content/data/\($0)") }
        guard chattr("+a", journal) else { return }
        defer { _ = chattr("-a", journal) }
        #expect {
            try Erasure.forget(email: "ada@example.com", dataDirectory: data, now: .now)
        } throws: { "\($0)".contains("referrals.jsonl") && "\($0)".hasSuffix("nothing was erased") }
        #expect(try ["referrers.json", "referrals.jsonl"].map { try directory.read("content/data/\($0)") } == before)
        #expect(!directory.exists("content/data/erasures.log"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
