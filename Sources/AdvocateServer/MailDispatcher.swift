import Advocate
import Foundation
import Logging

/// Renders the server's emails and puts them in the outbox, in the background, and with
/// `--sendmail` hands them to the mail command, retrying failures with growing pauses and giving
/// up on a message refused for a day (moved to `failed/`, an error in the log). It never
/// fails a referral: the referral is on disk before any email is made, and the answer does not
/// wait for the email, unless `backlogLimit` events' emails are already waiting (a flood with
/// the rate limits off): then it waits for a place in the queue, so a flood slows the answers
/// and loses no email. The emails queued meanwhile are written together with one flush
/// to disk for the batch (``AtomicFile/writeAll(_:)``), off Swift's cooperative pool.
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
    /// How long a stopping server waits for the mail command under way before stopping it.
    private let stopGrace: Duration
    /// Set when the server stops: no send starts after it.
    private nonisolated let stopping = StopSignal()
    /// Whether ``deliver()`` was asked while a round ran, so another round follows it.
    private var askedDuringRound = false
    /// The referrals whose emails could not be written to the outbox (a full disk): the next
    /// start makes them again (``MailRecovery``), since the referrals are in the journal.
    private(set) var lostReferralIDs: Set<String> = []
    private let retry: RetryPolicy
    /// A message that failed to send, by file name: when it first failed in a row, how many
    /// times, and when it is tried again (a round before then passes it over).
    private struct Failing {
        var since: ContinuousClock.Instant
        var attempts = 0
        var nextTry: ContinuousClock.Instant
        /// Whether it last failed in a round that sent nothing (the command down, most likely):
        /// tried again as soon as a round sends something.
        var inOutage = false
    }
    private var failing: [String: Failing] = [:]
    /// Until when new emails wait for the next round too: the last round failed every message
    /// and sent none (the mail command or its relay down). A round started for each referral's
    /// emails had tried them all again, hundreds of times a minute, a warning each. At most
    /// ``outageProbe`` away, so that a new email tries the command again that soon.
    private var heldUntil: ContinuousClock.Instant?
    /// The longest new emails wait while the mail command fails everything.
    static let outageProbe: Duration = .seconds(60)
    /// When a round is set to run for the messages waiting out their pause.
    private var wakeAt: ContinuousClock.Instant?
    /// Events whose emails may wait to be made; the next one waits for a place.
    let backlogLimit: Int
    static let defaultBacklogLimit = 10_000
    /// At most this many emails are written in one batch.
    static let batchLimit = 256
    private nonisolated let jobs: AsyncStream<Entry>.Continuation
    private nonisolated let places: QueuePlaces
    /// Events that had to wait for a place, for the log.
    private nonisolated let waits = LockedCount()
    /// Entries queued and not yet taken: the writer flushes its batch when none is left.
    private nonisolated let queued = LockedCount()

    init(outbox: Outbox, sendmail: Sendmail?, retry: RetryPolicy = .emails, logger: Logger, backlogLimit: Int = defaultBacklogLimit,
         stopGrace: Duration = .seconds(10)) {
        self.outbox = outbox
        self.stopGrace = stopGrace
        self.sendmail = sendmail
        self.retry = retry
        self.logger = logger
        self.backlogLimit = backlogLimit
        self.places = QueuePlaces(backlogLimit)
        // Unbounded, with the backlog limit applied to jobs by `places`: a barrier never waits,
        // or the shutdown waiting on it could not begin.
        let (stream, continuation) = AsyncStream<Entry>.makeStream(bufferingPolicy: .unbounded)
        self.jobs = continuation
        Task { await self.write(stream) }
    }

    /// Queues an event's emails: returns at once, or once there is a place in the queue.
    nonisolated func queue(_ job: @escaping Job) async {
        if await places.take() {
            let total = waits.add(1)
            if Self.isLogged(wait: total) {
                logger.warning("the outbox was \(backlogLimit) events' emails behind: \(total) answer\(total == 1 ? "" : "s") waited for it so far (a flood with the rate limits off?)")
            }
        }
        enqueue(.messages(job))
    }

    /// Whether the `count`th wait for a place is logged: the 1st, 10th, 100th…, so that a flood
    /// does not flood the log as well.
    static func isLogged(wait count: Int) -> Bool {
        let digits = String(count)
        return digits.first == "1" && digits.dropFirst().allSatisfy { $0 == "0" }
    }

    private nonisolated func enqueue(_ entry: Entry) {
        queued.add(1)
        if case .terminated = jobs.yield(entry) {
            queued.add(-1)
            // After the shutdown's flush nothing more is written: a barrier has nothing to wait for.
            if case .barrier(let done) = entry { done.resume() }
        }
    }

    /// Waits until every email queued before the call is in the outbox.
    nonisolated func written() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            enqueue(.barrier(done))
        }
    }

    /// The emails in the outbox not sent yet.
    nonisolated var waitingInOutbox: Int { outbox.pending().count }
    /// Whether a mail command sends the outbox (`--sendmail`).
    nonisolated var sends: Bool { sendmail != nil }

    /// Writes what is queued and takes no more (on shutdown); events still waiting for a place
    /// go on, their emails not written.
    func flush() async {
        await written()
        jobs.finish()
        places.open()
        // No send starts from now on; the one under way may finish (a few seconds at most), so
        // that a message sent is also moved to sent/ and not sent again at the next start.
        stopping.set()
        let deadline = ContinuousClock.now + stopGrace
        while delivering, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if delivering, let sendmail {
            logger.warning("the mail command was still running \(stopGrace) after the server began to stop: stopped; its message stays in .advocate/outbox/ for the next start")
            sendmail.stopCommandsUnderWay()
        }
    }

    private func write(_ stream: AsyncStream<Entry>) async {
        var batch: [EmailMessage] = []
        for await entry in stream {
            let left = queued.add(-1)
            switch entry {
            case .messages(let job):
                places.give()
                batch += job()
                if left == 0 || batch.count >= Self.batchLimit { await put(&batch) }
            case .barrier(let done):
                await put(&batch)
                done.resume()
            }
        }
        await put(&batch)
    }

    /// Writes the messages to the outbox, empties the batch and starts a delivery. The writes
    /// run off the cooperative pool: done in place, their flushes held one of its two threads
    /// here, and the server answered fewer referrals (BENCHMARKS.md, 2026-12-01). Rendering the
    /// next batch while this one is written was tried: the emails then took more of the two
    /// cores from the requests, and fewer referrals were answered (BENCHMARKS.md, 2026-12-02).
    private func put(_ batch: inout [EmailMessage]) async {
        guard !batch.isEmpty else { return }
        let messages = batch
        batch = []
        let placements = await runBlocking { [outbox] in outbox.put(all: messages) }
        for (message, placement) in zip(messages, placements) {
            switch placement {
            case .written: break
            case .unaddressable:
                logger.warning("an email could not be addressed and was not queued: \(EmailMessage.unaddressable)",
                               metadata: ["id": .string(message.id)])
            case .failed(let error):
                // A referral's email ids are `<referral id>.friend` and `.referrer`.
                lostReferralIDs.insert(String(message.id.prefix { $0 != "." }))
                logger.error("could not write an email to the outbox: \(error); a referral's is made again at the next start")
            }
        }
        deliver()
    }

    /// Sends whatever the outbox holds (also what the CLI queued while the server was down); asked
    /// while a round runs, another follows it, for what that round's listing did not see.
    func deliver() {
        guard let sendmail, !stopping.isSet else { return }
        guard !delivering else {
            askedDuringRound = true
            return
        }
        let now = ContinuousClock.now
        if let heldUntil, now < heldUntil { return }
        delivering = true
        askedDuringRound = false
        // Messages waiting out their pause after failing are passed over: one bounced address
        // had been tried again with every referral's emails.
        let skipping = Set(failing.filter { $0.value.nextTry > now }.keys)
        // On a thread of its own: a mail command may take up to its timeout (2 minutes), and on
        // the cooperative pool it held one of a 2-core server's two threads all that time; on
        // Dispatch's pool, one of the threads the journal's flushes wait for.
        Task.detached { [outbox, stopping] in
            let round = await runOnOwnThread { sendmail.deliver(outbox, skipping: skipping, while: { !stopping.isSet }) }
            await self.finished(round, skipped: skipping)
        }
    }

    /// Logs the round's failures, gives up on messages failing for `retry.giveUpAfter`, and
    /// sets a round for when the next of those left is due.
    private func finished(_ round: Sendmail.Round, skipped: Set<String>) {
        delivering = false
        // Emails written while the round ran waited for the next referral's emails, or a restart.
        defer { if askedDuringRound { deliver() } }
        let now = ContinuousClock.now
        var stillFailing = failing.filter { skipped.contains($0.key) }
        var retried: [(name: String, error: String)] = []
        var firstFailures = 0
        // The command works again: what failed while it was down goes with the next round.
        if round.sent > 0 {
            for (name, record) in stillFailing where record.inOutage {
                stillFailing[name]?.nextTry = now
                stillFailing[name]?.inOutage = false
            }
        }
        let inOutage = round.sent == 0
        for (path, error) in round.failures {
            let name = (path as NSString).lastPathComponent
            var record = failing[name] ?? Failing(since: now, nextTry: now)
            record.attempts += 1
            guard now - record.since >= retry.giveUpAfter else {
                record.nextTry = now + retry.pause(afterAttempts: record.attempts)
                record.inOutage = inOutage
                stillFailing[name] = record
                retried.append((name, error))
                if record.attempts == 1 { firstFailures += 1 }
                continue
            }
            do {
                try outbox.markFailed(path)
                logger.error("gave up sending \(name) after \(record.attempts) attempts over \(Self.hours(now - record.since)): \(error); it is in .advocate/outbox/failed/ (move it back into .advocate/outbox/ to send it again)")
            } catch {
                record.nextTry = now + retry.longest
                stillFailing[name] = record
                logger.error("could not set aside \(name), which fails to send: \(error)")
            }
        }
        failing = stillFailing
        if let first = retried.first {
            // One line a round, however many failed: a relay down fails them all.
            let names = retried.count == 1 ? first.name : "\(retried.count) emails (\(first.name), …)"
            logger.warning("sending \(names) failed, will retry: \(first.error)")
        }
        // Nothing sent and a message that had not failed before failed too: the mail command
        // is down, not one address refused (which must not hold up everyone else's emails).
        heldUntil = round.sent == 0 && firstFailures > 0 ? failing.values.map(\.nextTry).min().map { min($0, now + Self.outageProbe) } : nil
        scheduleWake()
    }

    /// Sets a round for when the first failing message is due, unless one is set before then.
    private func scheduleWake() {
        guard !stopping.isSet, let next = failing.values.map(\.nextTry).min() else { return }
        let due = max(next, ContinuousClock.now + .milliseconds(10))
        guard wakeAt.map({ due < $0 }) ?? true else { return }
        wakeAt = due
        Task {
            try? await Task.sleep(until: due)
            self.wake(due)
        }
    }

    private func wake(_ due: ContinuousClock.Instant) {
        guard wakeAt == due else { return }
        wakeAt = nil
        deliver()
        // A round under way sets the next wake when it ends.
        if !delivering { scheduleWake() }
    }

    /// A duration for the log: "26 h", or seconds when under an hour.
    private static func hours(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds >= 3_600 ? "\(seconds / 3_600) h" : "\(seconds) s"
    }
}

/// A count kept from any thread: the entries waiting in the queue, the events that waited for a place.
final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    /// Adds `change` and returns the new count.
    @discardableResult
    func add(_ change: Int) -> Int {
        lock.withLock {
            count += change
            return count
        }
    }
}

/// The places for events in the email queue: taking one waits, first come first served, while
/// none is free. Kept from any thread.
private final class QueuePlaces: @unchecked Sendable {
    private let lock = NSLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Set at shutdown: every place is free from then on.
    private var isOpen = false

    init(_ count: Int) {
        free = count
    }

    /// Takes a place, waiting for one when none is free; true when it had to wait.
    func take() async -> Bool {
        var waited = false
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                if isOpen { return true }
                if free > 0 {
                    free -= 1
                    return true
                }
                waited = true
                waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
        return waited
    }

    /// Gives a place back: to the first who waits for one, if any.
    func give() {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !waiting.isEmpty else {
                free += 1
                return nil
            }
            return waiting.removeFirst()
        }
        next?.resume()
    }

    /// Frees every place for good and lets everyone waiting go on.
    func open() {
        let everyone: [CheckedContinuation<Void, Never>] = lock.withLock {
            isOpen = true
            defer { waiting = [] }
            return waiting
        }
        for continuation in everyone { continuation.resume() }
    }
}

/// A flag set once, from any thread.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
