import Advocate
import Foundation
import Logging

/// Renders the server's emails and puts them in the outbox, in the background, and with
/// `--sendmail` hands them to the mail command, retrying failures with growing pauses. It never
/// blocks or fails a referral: the referral is on disk before any email is made, and the answer
/// does not wait for the email (each `.eml` file is fsynced, which would otherwise cap referrals
/// at a few hundred a second).
actor MailDispatcher {
    /// Makes the messages of one event; run by the dispatcher, off the request.
    typealias Job = @Sendable () -> [EmailMessage]

    private let outbox: Outbox
    private let sendmail: Sendmail?
    private let logger: Logger
    private var delivering = false
    private var retryDelay: Duration = .seconds(2)
    private static let longestRetryDelay: Duration = .seconds(600)
    /// Jobs waiting beyond this (a flood with the rate limits off) are logged and dropped.
    static let backlogLimit = 10_000
    private nonisolated let jobs: AsyncStream<Job>.Continuation
    private nonisolated let drops = DropCount()

    init(outbox: Outbox, sendmail: Sendmail?, logger: Logger) {
        self.outbox = outbox
        self.sendmail = sendmail
        self.logger = logger
        let (stream, continuation) = AsyncStream<Job>.makeStream(bufferingPolicy: .bufferingOldest(Self.backlogLimit))
        self.jobs = continuation
        Task { await self.write(stream) }
    }

    /// Queues an event's emails and returns at once.
    nonisolated func queue(_ job: @escaping Job) {
        if case .dropped = jobs.yield(job) {
            let total = drops.increment()
            // One line at 1, 10, 100, … drops: a flood must not flood the log as well.
            if String(total).dropFirst().allSatisfy({ $0 == "0" }) {
                logger.error("the outbox is \(Self.backlogLimit) emails behind: \(total) event\(total == 1 ? "'s emails were" : "s' emails were") dropped so far (the referrals themselves are recorded)")
            }
        }
    }

    /// Waits until every email queued before the call is in the outbox.
    nonisolated func written() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue {
                done.resume()
                return []
            }
        }
    }

    /// Writes what is queued and takes no more (on shutdown).
    func flush() async {
        await written()
        jobs.finish()
    }

    private func write(_ stream: AsyncStream<Job>) async {
        for await job in stream { put(job()) }
    }

    /// Writes the messages to the outbox and starts a delivery.
    private func put(_ messages: [EmailMessage]) {
        for message in messages {
            do {
                if try outbox.put(message) == nil {
                    logger.warning("an email could not be addressed and was not queued", metadata: ["id": .string(message.id)])
                }
            } catch {
                logger.error("could not write an email to the outbox: \(error)")
            }
        }
        deliver()
    }

    /// Sends whatever the outbox holds (also what the CLI queued while the server was down).
    func deliver() {
        guard let sendmail, !delivering else { return }
        delivering = true
        Task.detached { [outbox, logger] in
            let failures = sendmail.deliver(outbox)
            for failure in failures {
                logger.warning("sending \((failure.path as NSString).lastPathComponent) failed, will retry: \(failure.error)")
            }
            await self.finished(failed: !failures.isEmpty)
        }
    }

    private func finished(failed: Bool) {
        delivering = false
        guard failed else {
            retryDelay = .seconds(2)
            return
        }
        let delay = retryDelay
        retryDelay = min(retryDelay * 2, Self.longestRetryDelay)
        Task {
            try? await Task.sleep(for: delay)
            self.deliver()
        }
    }
}

/// How many events' emails were dropped, counted from any thread.
private final class DropCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Counts one more drop and returns the total.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
