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
    var inputs: SiteInputs
    var ledger: ReferralLedger
    let journal: JournalWriter
    let refresher: SiteRefresher
    let mailer: MailDispatcher
    let webhooks: WebhookDispatcher?
    let logger: Logger
    /// The place in the journal (from 0) the next event takes, for the webhooks' order.
    private var nextSequence: Int
    /// For the 422 page: the referrer page with the form as typed (it shows no figures).
    private(set) var renderer: PageRenderer
    /// Set when a referrer joined since ``renderer`` was made: it is remade when next needed, so
    /// a run of joins costs no figures.
    var rendererIsStale = false

    init(inputs: SiteInputs, journal: JournalWriter, refresher: SiteRefresher, mailer: MailDispatcher, webhooks: WebhookDispatcher?,
         logger: Logger) {
        self.inputs = inputs
        self.ledger = ReferralLedger(store: inputs.store)
        self.journal = journal
        self.refresher = refresher
        self.mailer = mailer
        self.webhooks = webhooks
        self.logger = logger
        self.nextSequence = inputs.store.journal.count
        self.renderer = PageRenderer(site: Site(inputs: inputs, asOf: AsOf.resolve(nil, store: inputs.store)))
    }

    nonisolated var isJournalWritable: Bool { journal.isWritable }

    /// Takes inputs reloaded from disk after a change (watch mode): the roster, content and theme.
    func reload(_ fresh: SiteInputs) {
        inputs = fresh
        ledger = ReferralLedger(store: fresh.store)
        renderer = PageRenderer(site: Site(inputs: fresh, asOf: AsOf.resolve(nil, store: fresh.store)))
        rendererIsStale = false
    }

    /// For the 422 pages and the emails: the site with every referrer who joined so far.
    func formRenderer() -> PageRenderer {
        if rendererIsStale {
            renderer = PageRenderer(site: Site(inputs: inputs, asOf: AsOf.resolve(nil, store: inputs.store)))
            rendererIsStale = false
        }
        return renderer
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
        // Reserve the friend's email before the write, so a concurrent duplicate is refused.
        ledger.record(referral)
        do {
            try await write(.referral(referral))
        } catch {
            ledger.forget(referral)
            logger.error("could not record a referral: \(error)")
            return .failed("\(error)")
        }
        inputs.store.journal.append(.referral(referral))
        await refresher.touch(referral.referrer, desk: self)
        let site = formRenderer().site
        mailer.queue { Notifier(site: site).messages(forReferral: referral, at: now) }
        return .recorded(id: id)
    }

    /// Queues the event's line (so the journal holds events in the order of their times), waits
    /// until it is on disk, then hands it to the webhooks at its place in the journal.
    func write(_ event: JournalEvent) async throws {
        let sequence = nextSequence
        nextSequence += 1
        let ticket = journal.enqueue([event.journalLine])
        do {
            try await Self.waitUntilDurable(ticket, in: journal)
        } catch {
            await webhooks?.skipped(sequence)
            throw error
        }
        await webhooks?.recorded(sequence, event)
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
