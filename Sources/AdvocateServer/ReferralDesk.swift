import Advocate
import Foundation
import Logging

/// Receives referrals: validates them, refuses duplicates and self-referrals, writes each to the
/// journal (durably, before it is acknowledged) and asks for the affected pages to be refreshed.
actor ReferralDesk {
    /// What became of a submission.
    enum Outcome: Sendable {
        case recorded(id: String)
        /// The honeypot was filled: answered like a success with an id recorded nowhere.
        case ignoredBot(id: String)
        case invalid(FieldErrors)
        case conflict(ReferralLedger.Conflict)
        case failed(String)
    }

    /// The site's inputs with every referral recorded so far.
    private(set) var inputs: SiteInputs
    private var ledger: ReferralLedger
    private let journal: JournalWriter
    private let refresher: SiteRefresher
    private let mailer: MailDispatcher
    private let logger: Logger
    /// Honeypot hits since start, for the logs.
    private var botsTurnedAway = 0
    /// For the 422 page: the referrer page with the form as typed (it shows no figures).
    private(set) var formRenderer: PageRenderer

    init(inputs: SiteInputs, journal: JournalWriter, refresher: SiteRefresher, mailer: MailDispatcher, logger: Logger) {
        self.inputs = inputs
        self.ledger = ReferralLedger(store: inputs.store)
        self.journal = journal
        self.refresher = refresher
        self.mailer = mailer
        self.logger = logger
        self.formRenderer = PageRenderer(site: Site(inputs: inputs, asOf: AsOf.resolve(nil, store: inputs.store)))
    }

    nonisolated var isJournalWritable: Bool { journal.isWritable }

    /// Takes inputs reloaded from disk after a change (watch mode): the roster, content and theme.
    func reload(_ fresh: SiteInputs) {
        inputs = fresh
        ledger = ReferralLedger(store: fresh.store)
        formRenderer = PageRenderer(site: Site(inputs: fresh, asOf: AsOf.resolve(nil, store: fresh.store)))
    }

    func submit(_ submission: ReferralSubmission) async -> Outcome {
        let now = Instant.now
        let id = ReferralID.make(at: now)
        if submission.isBot {
            logger.notice("honeypot filled: answered as a success, not recorded", metadata: ["referrer": .string(String(submission.referrer.prefix(40)))])
            return .ignoredBot(id: id)
        }
        let referral: Referral
        do {
            referral = try ledger.validate(submission, id: id, at: now)
        } catch {
            return .invalid(error)
        }
        if let conflict = ledger.conflict(for: referral) { return .conflict(conflict) }
        // Reserve the friend's email before the write, so a concurrent duplicate is refused, and
        // queue the line here, so the journal holds referrals in the order of their times.
        ledger.record(referral)
        let ticket = journal.enqueue([referral.journalLine])
        do {
            try await Self.waitUntilDurable(ticket, in: journal)
        } catch {
            ledger.forget(referral)
            logger.error("could not record a referral: \(error)")
            return .failed("\(error)")
        }
        inputs.store.journal.append(.referral(referral))
        await refresher.touch(referral.referrer, desk: self)
        await mailer.queue(Notifier(site: formRenderer.site).messages(forReferral: referral, at: now))
        return .recorded(id: id)
    }

    /// Waits for the disk off the actor and off the event loop, so concurrent requests share fsyncs.
    private nonisolated static func waitUntilDurable(_ ticket: JournalWriter.Ticket, in journal: JournalWriter) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                do {
                    try journal.waitUntilDurable(ticket)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
