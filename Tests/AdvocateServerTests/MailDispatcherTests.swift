import Advocate
@testable import AdvocateServer
import Foundation
import Logging
import Testing

@Suite struct MailDispatcherTests {
    /// Two messages for one event, with ids unique to it.
    static func messages(_ event: Int) -> [EmailMessage] {
        ["friend", "referrer"].map { who in
            EmailMessage(fromName: "Program", fromAddress: "program@example.com", toName: "Someone", toAddress: "\(who)@example.net",
                         subject: "Event \(event)", body: "Hello", date: Instant(milliseconds: 1_700_000_000_000), id: "event-\(event)-\(who)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aShutdownWithAFullBacklogWritesWhatWasKeptAndReturns() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-outbox-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outbox = Outbox(directory: folder)
        let mailer = MailDispatcher(outbox: outbox, sendmail: nil, logger: Logger(label: "advocate-test"), backlogLimit: 3)
        // The writer takes the first event and is held there while the backlog fills up.
        let started = Flag(), released = Flag()
        mailer.queue {
            started.set()
            while !released.isSet { usleep(1_000) }
            return Self.messages(0)
        }
        while !started.isSet { try await Task.sleep(for: .milliseconds(1)) }
        for event in 1...8 { mailer.queue { Self.messages(event) } }
        #expect(mailer.droppedEvents == 5)
        released.set()
        await mailer.flush()
        #expect(outbox.pending().count == 2 * 4)
        // Anything queued after the shutdown is not written, and waiting for it does not hang.
        mailer.queue { Self.messages(9) }
        await mailer.written()
        #expect(outbox.pending().count == 2 * 4)
    }

    @Test func writtenWaitsForEveryBatchBeforeItEvenTheOneOnDisk() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-outbox-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outbox = Outbox(directory: folder)
        let mailer = MailDispatcher(outbox: outbox, sendmail: nil, logger: Logger(label: "advocate-test"))
        // Many batches: the next is rendered while the one before it is written.
        for round in 0..<3 {
            for event in 0..<700 { mailer.queue { Self.messages(round * 1_000 + event) } }
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
