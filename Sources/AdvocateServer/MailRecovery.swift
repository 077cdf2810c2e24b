import Advocate
import Foundation
import Logging

/// The emails of referrals a killed server had recorded but not yet put in the outbox, made
/// again at the next start. The server renders and writes emails after it answers, so SIGKILL or
/// a power cut can lose thousands under load while their referrals are safe in the journal.
///
/// While the server runs, `<outbox>/.running` holds how many journal events it started with; a
/// clean stop removes it. Found at start, it means the last run was killed: every referral
/// recorded since then gets its emails, unless the outbox or its `sent/` already holds them.
struct MailRecovery {
    let outbox: Outbox
    private var marker: String { Paths.join(outbox.directory, ".running") }

    /// At start: queues the emails a killed run may not have written, and marks this run. The
    /// mark keeps a killed run's start until a clean stop, so that a start killed before it
    /// wrote them makes them at the next one (the outbox's own files keep them from doubling).
    func begin(inputs: SiteInputs, mailer: MailDispatcher, logger: Logger) {
        let events = inputs.store.journal
        var runStart = events.count
        if let start = eventsAtStartOfKilledRun(), start < events.count {
            runStart = start
            let referrals = events[start...].compactMap { event -> Referral? in if case .referral(let referral) = event { referral } else { nil } }
            if !referrals.isEmpty {
                logger.warning("the last run was stopped without writing its outbox (killed?): the emails of the \(referrals.count) referral\(referrals.count == 1 ? "" : "s") it recorded are made again where the outbox lacks them")
                let site = Site(inputs: inputs)
                Task { [outbox] in await mailer.queue { Self.missingEmails(of: referrals, site: site, outbox: outbox) } }
            }
        }
        do {
            try markRunning(events: runStart)
        } catch {
            logger.warning("cannot mark the outbox as in use (\(error)): emails queued when this run is killed will not be made again")
        }
    }

    /// How many journal events the killed run started with; nil after a clean stop.
    private func eventsAtStartOfKilledRun() -> Int? {
        guard let data = FileManager.default.contents(atPath: marker) else { return nil }
        return Int(String(decoding: data, as: UTF8.self).trimmingWhitespace())
    }

    /// Records that a run has started with `events` journal events.
    private func markRunning(events: Int) throws {
        try FileManager.default.createDirectory(atPath: outbox.directory, withIntermediateDirectories: true)
        try AtomicFile.write(Array("\(events)\n".utf8), to: marker)
    }

    /// Records a clean stop, when everything queued is in the outbox. With `lost` emails that
    /// could not be written (a full disk), the mark stays: the next start makes them again, as
    /// after a killed run.
    func markStopped(unlessLost lost: Int) {
        guard lost == 0 else { return }
        unlink(marker)
    }

    /// The emails of `referrals` that neither the outbox nor `sent/` holds.
    private static func missingEmails(of referrals: [Referral], site: Site, outbox: Outbox) -> [EmailMessage] {
        let notifier = Notifier(site: site)
        return referrals.flatMap { notifier.messages(forReferral: $0, at: $0.at) }.filter { !outbox.holds($0) }
    }
}
