import Advocate
@testable import AdvocateServer
import Foundation
import Logging
import Testing

/// Serialized: the test that holds the writer (on one of the two threads of the cooperative pool)
/// runs alone in this suite.
@Suite(.serialized) struct MailDispatcherTests {
    /// Two messages for one event, with ids unique to it.
    static func messages(_ event: Int) -> [EmailMessage] {
        ["friend", "referrer"].map { who in
            EmailMessage(fromName: "Program", fromAddress: "program@example.com", toName: "Someone", toAddress: "\(who)@example.net",
                         subject: "Event \(event)", body: "Hello", date: Instant(milliseconds: 1_700_000_000_000), id: "event-\(event)-\(who)")
        }
    }

    /// A new temporary folder's path for an outbox, which the caller removes.
    static func temporaryOutboxFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("advocate-outbox-\(UUID().uuidString)").path
    }

    /// A dispatcher writing to an outbox in a new temporary folder, which the caller removes.
    static func temporaryMailer(backlogLimit: Int = MailDispatcher.defaultBacklogLimit) -> (outbox: Outbox, mailer: MailDispatcher) {
        let outbox = Outbox(directory: temporaryOutboxFolder())
        return (outbox, MailDispatcher(outbox: outbox, sendmail: nil, logger: Logger(label: "advocate-test"), backlogLimit: backlogLimit))
    }

    /// A flood's waits are logged at the 1st, 10th, 100th… only, as the README says.
    @Test func onlyPowersOfTenOfTheWaitsAreLogged() {
        #expect((1...1000).filter { MailDispatcher.isLogged(wait: $0) } == [1, 10, 100, 1000])
    }

    @Test(.timeLimit(.minutes(1)))
    func aFullBacklogMakesTheNextEventsWaitAndLosesNone() async throws {
        let (outbox, mailer) = Self.temporaryMailer(backlogLimit: 3)
        defer { try? FileManager.default.removeItem(atPath: outbox.directory) }
        // The writer takes the first event and is held there while the backlog fills up.
        let started = Flag(), released = Flag()
        await mailer.queue {
            started.set()
            while !released.isSet { usleep(1_000) }
            return Self.messages(0)
        }
        while !started.isSet { try await Task.sleep(for: .milliseconds(1)) }
        let queued = LockedCount()
        let senders = Task {
            await withTaskGroup(of: Void.self) { group in
                for event in 1...8 {
                    group.addTask {
                        await mailer.queue { Self.messages(event) }
                        queued.add(1)
                    }
                }
            }
        }
        // Three fit; the other five wait (however long the writer is held) and are not dropped.
        let deadline = ContinuousClock.now + .seconds(20)
        while queued.value < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(queued.value == 3)
        released.set()
        await senders.value
        #expect(queued.value == 8)
        await mailer.flush()
        #expect(outbox.pending().count == 2 * 9)
        // Anything queued after the shutdown returns at once, is not written, and waiting for it does not hang.
        await mailer.queue { Self.messages(9) }
        await mailer.written()
        #expect(outbox.pending().count == 2 * 9)
    }

    @Test(.timeLimit(.minutes(1)))
    func afterTheShutdownQueueingNeverWaits() async throws {
        let (outbox, mailer) = Self.temporaryMailer(backlogLimit: 1)
        defer { try? FileManager.default.removeItem(atPath: outbox.directory) }
        await mailer.queue { Self.messages(0) }
        await mailer.flush()
        // Events after the shutdown are not written; they must not take places nobody gives back.
        for event in 1...3 { await mailer.queue { Self.messages(event) } }
        await mailer.written()
        #expect(outbox.pending().count == 2)
    }

    /// A message the mail command keeps refusing (exit 67, an address the mail system does not
    /// know) is tried again with growing pauses, then given up after `giveUpAfter` of failures:
    /// moved to `failed/` and not tried again. The event's other message, which the command
    /// takes, is sent.
    @Test(.timeLimit(.minutes(1)))
    func aMessageRefusedForTooLongIsSetAside() async throws {
        let directory = Self.temporaryOutboxFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = Outbox(directory: directory)
        let attempts = Paths.join(directory, "attempts.log")
        let sendmail = Sendmail(command: "if grep -q '^To:.*friend@'; then echo x >> '\(attempts)'; echo 'user unknown' >&2; exit 67; fi")
        let mailer = MailDispatcher(outbox: outbox, sendmail: sendmail,
                                    retry: RetryPolicy(first: .milliseconds(20), longest: .milliseconds(40), giveUpAfter: .milliseconds(400)),
                                    logger: Logger(label: "advocate-test"))
        await mailer.queue { Self.messages(0) }
        await mailer.written()
        let deadline = ContinuousClock.now + .seconds(30)
        while outbox.failed().isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(outbox.failed().map { ($0 as NSString).lastPathComponent }.allSatisfy { $0.hasSuffix("event-0-friend.eml") } == true)
        #expect(outbox.failed().count == 1)
        #expect(outbox.sent().count == 1)
        #expect(outbox.pending().isEmpty)
        let tries = try String(contentsOfFile: attempts, encoding: .utf8).count
        #expect(tries >= 3, "tried again before giving up")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try String(contentsOfFile: attempts, encoding: .utf8).count == tries, "not tried after it was set aside")
        await mailer.flush()
    }

    /// A message refused (one bounced address) waits out its pause: the rounds that later
    /// referrals' emails start pass it over. It had been tried again with every referral's emails.
    @Test(.timeLimit(.minutes(1)))
    func aRefusedMessageWaitsOutItsPauseWhileOthersAreSent() async throws {
        let directory = Self.temporaryOutboxFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = Outbox(directory: directory)
        let attempts = Paths.join(directory, "attempts.log")
        let refusing = "m=$(cat); if printf '%s' \"$m\" | grep -q '^Subject: Event 0' && printf '%s' \"$m\" | grep -q '^To:.*friend@'; then echo x >> '\(attempts)'; exit 67; fi"
        let mailer = MailDispatcher(outbox: outbox, sendmail: Sendmail(command: refusing),
                                    retry: RetryPolicy(first: .seconds(30), longest: .seconds(60)), logger: Logger(label: "advocate-test"))
        for event in 0..<6 {
            await mailer.queue { Self.messages(event) }
            await mailer.written()
            let deadline = ContinuousClock.now + .seconds(20)
            while outbox.sent().count < 2 * event + 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(outbox.sent().count == 11)
        #expect(try String(contentsOfFile: attempts, encoding: .utf8) == "x\n", "tried again before its pause ended")
        await mailer.flush()
    }

    /// While the mail command fails everything (its relay down), new emails wait for the next
    /// round too, and are sent by it once the command works: a round for each referral's emails
    /// had run the failing command for every waiting message, hundreds of times a minute.
    @Test(.timeLimit(.minutes(1)))
    func whileTheMailCommandFailsEverythingNewEmailsWaitForTheNextRound() async throws {
        let directory = Self.temporaryOutboxFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = Outbox(directory: directory)
        let runs = Paths.join(directory, "runs.log"), down = Paths.join(directory, "down")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: down, contents: nil))
        let mailer = MailDispatcher(outbox: outbox, sendmail: Sendmail(command: "cat > /dev/null; echo x >> '\(runs)'; if [ -e '\(down)' ]; then exit 69; fi"),
                                    retry: RetryPolicy(first: .seconds(4), longest: .seconds(8)), logger: Logger(label: "advocate-test"))
        let ran = { (try? String(contentsOfFile: runs, encoding: .utf8)) ?? "" }
        await mailer.queue { Self.messages(0) }
        await mailer.written()
        let deadline = ContinuousClock.now + .seconds(30)
        while ran() != "x\nx\n", ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        for event in 1...4 {
            await mailer.queue { Self.messages(event) }
            await mailer.written()
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(ran() == "x\nx\n", "new emails were tried before the next round")
        try FileManager.default.removeItem(atPath: down)
        while outbox.sent().count < 10, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(outbox.sent().count == 10 && outbox.pending().isEmpty)
        await mailer.flush()
    }

    /// Once the mail command works again, what failed while it was down goes with the next
    /// round, not each message after its own pause (up to ten minutes).
    @Test(.timeLimit(.minutes(1)))
    func whatFailedWhileTheCommandWasDownGoesOnceASendWorks() async throws {
        let directory = Self.temporaryOutboxFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = Outbox(directory: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let runs = Paths.join(directory, "runs.log"), down = Paths.join(directory, "down")
        #expect(FileManager.default.createFile(atPath: down, contents: nil))
        let mailer = MailDispatcher(outbox: outbox, sendmail: Sendmail(command: "cat > /dev/null; echo x >> '\(runs)'; if [ -e '\(down)' ]; then exit 69; fi"),
                                    retry: RetryPolicy(first: .seconds(2), longest: .seconds(30)), logger: Logger(label: "advocate-test"))
        let ran = { (try? String(contentsOfFile: runs, encoding: .utf8))?.filter { $0 == "x" }.count ?? 0 }
        await mailer.queue { Self.messages(0) }
        await mailer.written()
        // Tried twice each: the second pause (4 s) is under way.
        let deadline = ContinuousClock.now + .seconds(30)
        while ran() < 4, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try FileManager.default.removeItem(atPath: down)
        let works = ContinuousClock.now
        await mailer.queue { Self.messages(1) }
        await mailer.written()
        while outbox.sent().count < 4, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(outbox.sent().count == 4 && ContinuousClock.now - works < .seconds(3), "\(ContinuousClock.now - works)")
        await mailer.flush()
    }

    /// Emails written while a sending round runs are sent by a round after it: the second of two
    /// referrals a moment apart kept its emails in the outbox until a third or a restart.
    @Test(.timeLimit(.minutes(1)))
    func emailsWrittenDuringASendingRoundAreSentAfterIt() async throws {
        let directory = Self.temporaryOutboxFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = Outbox(directory: directory)
        let mailer = MailDispatcher(outbox: outbox, sendmail: Sendmail(command: "cat > /dev/null; sleep 0.3"), logger: Logger(label: "advocate-test"))
        await mailer.queue { Self.messages(0) }
        await mailer.written()
        try await Task.sleep(for: .milliseconds(100))  // the round for event 0 is sending
        await mailer.queue { Self.messages(1) }
        await mailer.written()
        let deadline = ContinuousClock.now + .seconds(20)
        while outbox.sent().count < 4, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(outbox.sent().count == 4 && outbox.pending().isEmpty, "pending: \(outbox.pending())")
        await mailer.flush()
    }

    /// Stopping starts no more sends and waits for the one under way, so every message the
    /// command took is in sent/ and none goes twice: one sent 40 ms after SIGTERM was sent again
    /// at the next start.
    @Test(.timeLimit(.minutes(1)))
    func stoppingStartsNoSendAndFinishesTheOneUnderWay() async throws {
        let directory = Self.temporaryOutboxFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = Outbox(directory: directory)
        let calls = Paths.join(directory, "calls.log")
        let mailer = MailDispatcher(outbox: outbox, sendmail: Sendmail(command: "cat > /dev/null; echo x >> '\(calls)'; sleep 0.3"), logger: Logger(label: "advocate-test"))
        for event in 0..<3 { await mailer.queue { Self.messages(event) } }
        await mailer.written()
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: calls), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        await mailer.flush()
        let sent = outbox.sent().count
        #expect(try String(contentsOfFile: calls, encoding: .utf8).split(separator: "\n").count == sent)
        #expect(sent + outbox.pending().count == 6 && !outbox.pending().isEmpty)
        try await Task.sleep(for: .milliseconds(700))
        #expect(outbox.sent().count == sent, "a send started after the stop")
    }

    /// A mail command still hanging when the stop's grace has passed is stopped with what it
    /// started, and its message stays for the next start: it had outlived the server.
    /// Beside the whole suite it used to fail: the mail command inherited the pipe through which
    /// Foundation learns that `pgrep` (started at the same moment) ended, so the check waited for
    /// the command's own end (see `aMailCommandInheritsNoneOfTheServersFiles`).
    @Test(.timeLimit(.minutes(3)))
    func aMailCommandHangingAtTheStopIsStopped() async throws {
        let directory = Self.temporaryOutboxFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outbox = Outbox(directory: directory)
        let command = "sleep 600.\(Int.random(in: 100_000...999_999))"
        func processes(_ tool: String, _ arguments: String...) throws -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        func hanging() throws -> Bool { try processes("/usr/bin/pgrep", "-f", command) }
        defer { _ = try? processes("/usr/bin/pkill", "-KILL", "-f", command) }
        let mailer = MailDispatcher(outbox: outbox, sendmail: Sendmail(command: "cat > /dev/null; \(command)"), logger: Logger(label: "advocate-test"),
                                    stopGrace: .milliseconds(300))
        await mailer.queue { Self.messages(0) }
        await mailer.written()
        while try !hanging() { try await Task.sleep(for: .milliseconds(20)) }
        await mailer.flush()
        let deadline = ContinuousClock.now + .seconds(10)
        while try hanging(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try !hanging(), "the mail command outlived the stop")
        #expect(outbox.pending().count == 2 && outbox.sent().isEmpty)
    }

    /// A mail command gets its message, /dev/null and its error file, and nothing else of the
    /// server's: it had inherited the listening socket, event loops' descriptors and whatever
    /// pipe another thread had open, and kept them for as long as it hung.
    @Test func aMailCommandInheritsNoneOfTheServersFiles() throws {
        let directory = Self.temporaryOutboxFolder()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let message = Paths.join(directory, "m.eml"), listing = Paths.join(directory, "fds")
        try "To: a@example.net\r\n\r\nHi\r\n".write(toFile: message, atomically: false, encoding: .utf8)
        let inheritable = open(message, O_RDONLY)
        #expect(inheritable > 2)
        defer { close(inheritable) }
        // The shell's parent, `timeout`, as it was spawned (the shell's own redirection holds a copy).
        #expect(Sendmail(command: "cat > /dev/null; ls /proc/$PPID/fd > \(listing)").send(message) == nil)
        let descriptors = try String(contentsOfFile: listing, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        #expect(descriptors.sorted() == [0, 1, 2], "\(descriptors)")
    }

    /// What a failing mail command says goes into one log line: its line breaks had left a blank
    /// line after each warning, and could make lines that look like the server's own.
    @Test func aMailCommandsErrorsBecomeOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-mail-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let message = Paths.join(directory, "m.eml")
        try "To: a@example.net\r\n\r\nHi\r\n".write(toFile: message, atomically: true, encoding: .utf8)
        let failure = try #require(Sendmail(command: "cat > /dev/null; printf 'first\\n[error] forged line\\n\\n' >&2; exit 75").send(message))
        #expect(failure.hasSuffix("exited with 75: first [error] forged line"), "\(failure)")
        #expect(!failure.contains("\n"))
    }

    /// A receiver's address in the log keeps its scheme and host, not the path where hooks of
    /// Slack's or Zapier's kind carry their secret.
    @Test func aWebhookAddressIsLoggedWithoutItsPath() {
        #expect(WebhookDispatcher.logged("https://hooks.slack.com/services/T000/B000/XXXXsecret") == "https://hooks.slack.com/…")
        #expect(WebhookDispatcher.logged("http://127.0.0.1:9000/hook?key=s3cret") == "http://127.0.0.1:9000/…")
    }

    @Test func writtenWaitsForEveryEmailQueuedBeforeIt() async throws {
        let (outbox, mailer) = Self.temporaryMailer()
        defer { try? FileManager.default.removeItem(atPath: outbox.directory) }
        // Several batches of at most 256 emails each, the last one written just before the barrier.
        for round in 0..<3 {
            for event in 0..<700 { await mailer.queue { Self.messages(round * 1_000 + event) } }
            await mailer.written()
            #expect(outbox.pending().count == 2 * 700 * (round + 1))
        }
        await mailer.flush()
    }
}

/// A flag set by one thread and read by another.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
