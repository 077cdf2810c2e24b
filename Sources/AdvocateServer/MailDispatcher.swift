import Advocate
import Foundation
import Logging

/// Puts the server's emails in the outbox and, with `--sendmail`, hands them to the mail
/// command in the background, retrying failures with growing pauses. It never blocks or fails
/// a referral: the referral is on disk before any email is made.
actor MailDispatcher {
    private let outbox: Outbox
    private let sendmail: Sendmail?
    private let logger: Logger
    private var delivering = false
    private var retryDelay: Duration = .seconds(2)
    private static let longestRetryDelay: Duration = .seconds(600)

    init(outbox: Outbox, sendmail: Sendmail?, logger: Logger) {
        self.outbox = outbox
        self.sendmail = sendmail
        self.logger = logger
    }

    /// Writes the messages to the outbox and starts a delivery.
    func queue(_ messages: [EmailMessage]) {
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
