import Advocate
import Foundation

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

    /// How many journal events the killed run started with; nil after a clean stop.
    func eventsAtStartOfKilledRun() -> Int? {
        guard let data = FileManager.default.contents(atPath: marker) else { return nil }
        return Int(String(decoding: data, as: UTF8.self).trimmingWhitespace())
    }

    /// Records that a run has started with `events` journal events.
    func markRunning(events: Int) throws {
        try FileManager.default.createDirectory(atPath: outbox.directory, withIntermediateDirectories: true)
        try AtomicFile.write(Array("\(events)\n".utf8), to: marker)
    }

    /// Records a clean stop: everything queued is in the outbox.
    func markStopped() {
        unlink(marker)
    }

    /// The emails of `referrals` that neither the outbox nor `sent/` holds.
    static func missingEmails(of referrals: [Referral], site: Site, outbox: Outbox) -> [EmailMessage] {
        let notifier = Notifier(site: site)
        return referrals.flatMap { notifier.messages(forReferral: $0, at: $0.at) }.filter { !outbox.holds($0) }
    }
}
