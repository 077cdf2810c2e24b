import Advocate
import Foundation
import Logging

/// The emails of referrals a killed server had recorded but not yet put in the outbox, made
/// again at the next start. The server renders and writes emails after it answers, so SIGKILL or
/// a power cut can lose thousands under load while their referrals are safe in the journal.
///
/// While the server runs, `<outbox>/.running` holds how many journal events it started with; a
/// clean stop removes it. Found at start, it means the last run was killed: every referral
/// recorded since then gets its emails, unless the outbox holds them, waiting or sent. A
/// clean stop that could not write some emails (a full disk) keeps it, with those referrals'
/// ids on the lines after: only theirs are made again.
struct MailRecovery {
    let outbox: Outbox
    private var marker: String { Paths.join(outbox.directory, ".running") }

    /// At start: queues the emails a killed run may not have written, and marks this run. The
    /// mark keeps a killed run's start until a clean stop, so that a start killed before it
    /// wrote them makes them at the next one (the outbox's own files keep them from doubling).
    func begin(inputs: SiteInputs, mailer: MailDispatcher, logger: Logger) {
        let events = inputs.store.journal
        var runStart = events.count
        if let (start, lost) = lastRun(), start < events.count {
            runStart = start
            let referrals = events[start...].compactMap { event -> Referral? in
                guard case .referral(let referral) = event, lost.isEmpty || lost.contains(referral.id) else { return nil }
                return referral
            }
            if !referrals.isEmpty {
                let why = lost.isEmpty ? "was stopped without writing its outbox (killed?)" : "could not write some emails (a full disk?)"
                logger.warning("the last run \(why): the emails of \(referrals.count) referral\(referrals.count == 1 ? "" : "s") it recorded are made again where the outbox lacks them")
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

    /// How many journal events the last run started with, and the referrals whose emails it
    /// could not write (empty: any since its start, as after a kill); nil after a clean stop.
    private func lastRun() -> (start: Int, lost: Set<String>)? {
        guard let data = FileManager.default.contents(atPath: marker) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { String($0).trimmingWhitespace() }
        guard let first = lines.first, let start = Int(first) else { return nil }
        return (start, Set(lines.dropFirst().filter { !$0.isEmpty }))
    }

    /// Records that a run has started with `events` journal events.
    private func markRunning(events: Int) throws {
        try FileManager.default.createDirectory(atPath: outbox.directory, withIntermediateDirectories: true)
        try AtomicFile.write(Array("\(events)\n".utf8), to: marker)
    }

    /// Records a clean stop, when everything queued is in the outbox. With referrals whose
    /// emails could not be written (a full disk), the mark stays and names them: the next start
    /// makes theirs again, and only theirs.
    func markStopped(lost: Set<String>) {
        guard !lost.isEmpty, let (start, _) = lastRun() else {
            unlink(marker)
            return
        }
        try? AtomicFile.write(Array(([String(start)] + lost.sorted()).joined(separator: "\n").utf8) + [0x0A], to: marker)
    }

    /// The emails of `referrals` that the outbox does not hold, waiting or sent (also when
    /// `sent/` was pruned: its `sent.log` keeps their names).
    private static func missingEmails(of referrals: [Referral], site: Site, outbox: Outbox) -> [EmailMessage] {
        let notifier = Notifier(site: site)
        let sentNames = outbox.sentNames()
        return referrals.flatMap { notifier.messages(forReferral: $0, at: $0.at) }.filter { !outbox.holds($0, sentNames: sentNames) }
    }
}
