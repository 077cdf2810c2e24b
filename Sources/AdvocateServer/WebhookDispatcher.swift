import Advocate
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Delivers new journal events to program.json's webhooks: each event POSTed as its journal
/// line, signed (``WebhookSignature``), one at a time and in journal order per receiver, retried
/// with back-off doubling from `retry.first` up to `retry.longest`, and given up after
/// `retry.giveUpAfter` of failures. Progress is kept in the delivery log (``WebhookLog``), so a
/// restart carries on where the last run stopped. It runs beside the server as a service and
/// never holds up a referral: the desk only hands it events already on disk.
actor WebhookDispatcher {
    struct Receiver: Sendable {
        let hook: Program.Webhook
        let secret: [UInt8]
    }


    private enum Step {
        case deliver(sequence: Int, type: WebhookEventType, line: String)
        case wait(Duration)
        case idle
    }

    private let receivers: [Receiver]
    private let logPath: String
    private let retry: RetryPolicy
    private let logger: Logger
    private var log: WebhookLog
    /// Events by their place in the journal (from 0), from the earliest any receiver still needs.
    private var slots: [Int: (type: WebhookEventType, line: String)] = [:]
    /// Every place below this one is known.
    private var known: Int
    private var wakeups: [String: AsyncStream<Void>.Continuation] = [:]

    /// - Parameter journal: the journal as loaded at start; receivers new to the log start after it.
    init(receivers: [Receiver], journal: [JournalEvent], logPath: String, retry: RetryPolicy, logger: Logger) throws(AtomicFile.Failure) {
        self.receivers = receivers
        self.logPath = logPath
        self.retry = retry
        self.logger = logger
        var log = try WebhookLog.load(from: logPath)
        for receiver in receivers where log.hooks[receiver.hook.url] == nil {
            log.hooks[receiver.hook.url] = WebhookLog.Hook(delivered: journal.count)
        }
        try log.save(to: logPath)
        self.log = log
        known = journal.count
        let earliest = receivers.map { min(log.hooks[$0.hook.url]!.delivered, journal.count) }.min() ?? journal.count
        for sequence in earliest..<journal.count {
            slots[sequence] = (journal[sequence].type, journal[sequence].journalLine)
        }
    }

    /// Hands over an event that is on disk, at its place in the journal.
    func recorded(_ sequence: Int, _ event: JournalEvent) {
        slots[sequence] = (event.type, event.journalLine)
        advanceKnown()
    }

    private func advanceKnown() {
        let before = known
        while slots[known] != nil { known += 1 }
        if known != before { for wakeup in wakeups.values { wakeup.yield() } }
    }

    /// Runs one delivery loop per receiver until the task is cancelled.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for receiver in receivers {
                let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                wakeups[receiver.hook.url] = continuation
                group.addTask { await self.deliver(to: receiver, wakeups: stream) }
            }
        }
    }

    private nonisolated func deliver(to receiver: Receiver, wakeups: AsyncStream<Void>) async {
        var wakeup = wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            switch await nextStep(receiver) {
            case .deliver(let sequence, let type, let line):
                let failure = await post(line, type: type, sequence: sequence, to: receiver)
                // Stopping cut the post short: the receiver did nothing wrong, and the event goes
                // again at the next start.
                if Task.isCancelled { return }
                await finished(receiver, sequence: sequence, type: type, failure: failure)
            case .wait(let delay):
                try? await Task.sleep(for: delay)
            case .idle:
                guard await wakeup.next() != nil else { return }
            }
        }
    }

    /// Skips events the receiver does not want; returns the next one to deliver, if any is due.
    private func nextStep(_ receiver: Receiver) -> Step {
        var state = log.hooks[receiver.hook.url]!
        let before = state.delivered
        var step = Step.idle
        while state.delivered < known {
            if let (type, line) = slots[state.delivered], receiver.hook.events.contains(type) {
                if let next = state.nextAttempt, next > Instant.now {
                    step = .wait(.milliseconds(next.milliseconds - Instant.now.milliseconds))
                } else {
                    step = .deliver(sequence: state.delivered, type: type, line: line)
                }
                break
            }
            state.delivered += 1
        }
        if state.delivered != before {
            log.hooks[receiver.hook.url] = state
            save(pruning: true)
        }
        return step
    }

    private func finished(_ receiver: Receiver, sequence: Int, type: WebhookEventType, failure: String?) {
        var state = log.hooks[receiver.hook.url]!
        guard state.delivered == sequence else { return }
        let now = Instant.now
        if let failure {
            state.attempts += 1
            state.lastError = failure
            let since = state.failingSince ?? now
            state.failingSince = since
            if Duration.milliseconds(now.milliseconds - since.milliseconds) >= retry.giveUpAfter {
                logger.error("webhook \(Self.logged(receiver.hook.url)): gave up on event #\(sequence + 1) (\(type.rawValue)) after \(state.attempts) attempts: \(failure)")
                state.givenUp = Array((state.givenUp + [WebhookLog.GivenUp(event: sequence + 1, type: type.rawValue, at: now, error: failure)]).suffix(100))
                state = Self.advanced(state)
            } else {
                let delay = retry.pause(afterAttempts: state.attempts)
                state.nextAttempt = Instant(milliseconds: now.milliseconds + delay.wholeMilliseconds)
                logger.warning("webhook \(Self.logged(receiver.hook.url)): event #\(sequence + 1) failed (attempt \(state.attempts)), retrying at \(state.nextAttempt!.iso8601): \(failure)")
            }
        } else {
            state = Self.advanced(state)
        }
        log.hooks[receiver.hook.url] = state
        save(pruning: failure == nil)
    }

    /// A receiver's address as the log shows it: scheme and host, since hooks of Slack's or
    /// Zapier's kind carry their secret in the path.
    static func logged(_ url: String) -> String {
        FormIntake.serializedOrigin(url).map { $0 + "/…" } ?? "(a receiver)"
    }

    private static func advanced(_ state: WebhookLog.Hook) -> WebhookLog.Hook {
        var next = WebhookLog.Hook(delivered: state.delivered + 1)
        next.givenUp = state.givenUp
        return next
    }

    /// Writes the log, and drops the events every receiver is past.
    private func save(pruning: Bool) {
        do {
            try log.save(to: logPath)
        } catch {
            logger.error("could not write the webhook delivery log: \(error)")
        }
        guard pruning else { return }
        let earliest = receivers.map { log.hooks[$0.hook.url]!.delivered }.min() ?? known
        for sequence in slots.keys where sequence < earliest { slots[sequence] = nil }
    }

    /// POSTs one event; returns why it failed, nil on a 2xx answer.
    private nonisolated func post(_ line: String, type: WebhookEventType, sequence: Int, to receiver: Receiver) async -> String? {
        let body = Array(line.utf8)
        var request = HTTPClientRequest(url: receiver.hook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "advocate-webhooks")
        request.headers.add(name: "X-Advocate-Event", value: type.rawValue)
        request.headers.add(name: "X-Advocate-Delivery", value: String(sequence + 1))
        request.headers.add(name: WebhookSignature.header,
                            value: WebhookSignature.value(body: body, secret: receiver.secret, timestamp: Instant.now.milliseconds / 1000))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await Self.client.execute(request, timeout: Self.answerDeadline)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (300..<400).contains(response.status.code) {
                let location = response.headers.first(name: "Location").map { " to \($0)" } ?? ""
                return "the receiver answered \(response.status.code), a redirect\(location); webhooks are not redirected: give the new address in program.json"
            }
            return (200..<300).contains(response.status.code) ? nil : "the receiver answered \(response.status.code)"
        } catch {
            return Self.reason(error)
        }
    }

    /// How long an attempt waits for the receiver's answer.
    static let answerDeadline = TimeAmount.seconds(15)
    /// How long an attempt waits for its connection (a receiver that drops packets, not one that refuses).
    static let connectDeadline = TimeAmount.seconds(10)

    /// AsyncHTTPClient's shared client, but failing an attempt as soon as its connection does:
    /// the shared one retries a refused connection until the answer's deadline, so each attempt
    /// at a receiver that was down took 15 s and the back-off (2 s, 4 s…) read as 17 s, 19 s….
    /// The dispatcher retries with its own back-off. Redirects are not followed: a 301 or 302
    /// turns the POST into a GET without its body, whose 200 had counted as the delivery, and a
    /// 307 would send the signed event to whatever host the answer names. Made once and kept
    /// for the process's life.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = connectDeadline
        return HTTPClient(configuration: configuration, backgroundActivityLogger: Logger(label: "advocate.webhooks.client", factory: { _ in SwiftLogNoOpLogHandler() }))
    }()

    /// Why an attempt failed, in words for the log and `advocate webhooks status`.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within \(answerDeadline.nanoseconds / 1_000_000_000) s"
            case .connectTimeout: return "could not connect within \(connectDeadline.nanoseconds / 1_000_000_000) s"
            default: break
            }
        }
        if let error = error as? IOError { return "cannot connect: \(String(cString: strerror(error.errnoCode)))" }
        return "\(error)"
    }
}

/// Runs the dispatcher for as long as the server runs.
struct WebhookService: Service {
    let dispatcher: WebhookDispatcher

    func run() async throws {
        await cancelWhenGracefulShutdown { await dispatcher.run() }
    }
}
