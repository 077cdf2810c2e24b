import Advocate
import Foundation
import Logging

/// Renders the server's emails and puts them in the outbox, in the background, and with
/// `--sendmail` hands them to the mail command, retrying failures with growing pauses. It never
/// blocks or fails a referral: the referral is on disk before any email is made, and the answer
/// does not wait for the email (an fsync per `.eml` file would otherwise cap referrals at a few
/// hundred a second). The emails queued meanwhile are written together, each flushed, with one
/// flush of the outbox folder for all of their renames.
actor MailDispatcher {
    /// Makes the messages of one event; run by the dispatcher, off the request.
    typealias Job = @Sendable () -> [EmailMessage]

    private enum Entry: Sendable {
        case messages(Job)
        /// Resumed once everything queued before it is in the outbox.
        case barrier(CheckedContinuation<Void, Never>)
    }

    private let outbox: Outbox
    private let sendmail: Sendmail?
    private let logger: Logger
    private var delivering = false
    private var retryDelay: Duration = .seconds(2)
    private static let longestRetryDelay: Duration = .seconds(600)
    /// Jobs waiting beyond this (a flood with the rate limits off) are logged and dropped.
    static let backlogLimit = 10_000
    /// At most this many emails are written in one batch.
    static let batchLimit = 256
    private nonisolated let jobs: AsyncStream<Entry>.Continuation
    private nonisolated let drops = DropCount()
    /// Entries queued and not yet taken: the writer flushes its batch when none is left.
    private nonisolated let queued = QueuedCount()

    init(outbox: Outbox, sendmail: Sendmail?, logger: Logger) {
        self.outbox = outbox
        self.sendmail = sendmail
        self.logger = logger
        let (stream, continuation) = AsyncStream<Entry>.makeStream(bufferingPolicy: .bufferingOldest(Self.backlogLimit))
        self.jobs = continuation
        Task { await self.write(stream) }
    }

    /// Queues an event's emails and returns at once.
    nonisolated func queue(_ job: @escaping Job) {
        enqueue(.messages(job))
    }

    private nonisolated func enqueue(_ entry: Entry) {
        queued.add(1)
        if case .dropped = jobs.yield(entry) {
            queued.add(-1)
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
            enqueue(.barrier(done))
        }
    }

    /// Writes what is queued and takes no more (on shutdown).
    func flush() async {
        await written()
        jobs.finish()
    }

    private func write(_ stream: AsyncStream<Entry>) async {
        var batch: [EmailMessage] = []
        for await entry in stream {
            let left = queued.add(-1)
            switch entry {
            case .messages(let job):
                batch += job()
                if left == 0 || batch.count >= Self.batchLimit { put(&batch) }
            case .barrier(let done):
                put(&batch)
                done.resume()
            }
        }
        put(&batch)
    }

    /// Writes the messages to the outbox, empties the batch and starts a delivery.
    private func put(_ batch: inout [EmailMessage]) {
        guard !batch.isEmpty else { return }
        for (message, placement) in zip(batch, outbox.put(all: batch)) {
            switch placement {
            case .written: break
            case .unaddressable:
                logger.warning("an email could not be addressed and was not queued", metadata: ["id": .string(message.id)])
            case .failed(let error):
                logger.error("could not write an email to the outbox: \(error)")
            }
        }
        batch = []
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

/// How many entries wait in the queue, counted from any thread.
private final class QueuedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Adds `change` and returns the new count.
    @discardableResult
    func add(_ change: Int) -> Int {
        lock.withLock {
            count += change
            return count
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
