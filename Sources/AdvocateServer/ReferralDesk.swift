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

        /// Refused before anything was written: invalid fields, or a journal that failed.
        var recordedNothing: Bool {
            switch self {
            case .invalid, .failed: true
            case .recorded, .ignoredBot, .conflict: false
            }
        }
    }

    /// The site's inputs, with every referrer who joined so far but without the journal's events:
    /// those live in the refresher's ``OutcomeLedger`` and in `ledger`, and keeping a second
    /// copy here would cost memory and a copy of a million events whenever one was shared.
    private(set) var inputs: SiteInputs
    var ledger: ReferralLedger
    let journal: JournalWriter
    let refresher: SiteRefresher
    let mailer: MailDispatcher
    let webhooks: WebhookDispatcher?
    let logger: Logger
    /// The journal's events at start: the place (from 0) of the first line this server appends.
    private let eventsAtStart: Int
    /// Events recorded since the refresher last took them, in the order the roster grew.
    private var unrefreshedEvents: [JournalEvent] = []
    /// The `at` of the newest event recorded: the as-of of the pages the desk renders.
    private var newestEvent: Instant
    /// For the 422 page: the referrer page with the form as typed (it shows no figures).
    private(set) var renderer: PageRenderer
    /// Set when a referrer joined since ``renderer`` was made: it is remade when next needed, so
    /// a run of joins costs no figures.
    var rendererIsStale = false
    /// A reload holds new submissions while it takes in the journal lines recorded meanwhile.
    private var isHolding = false
    /// Submissions and joins between admission and their answer.
    private var inProgress = 0
    private var heldSubmissions: [CheckedContinuation<Void, Never>] = []
    private var holdWaiters: [CheckedContinuation<Void, Never>] = []

    init(inputs: SiteInputs, outcomes: OutcomeLedger, journal: JournalWriter, refresher: SiteRefresher, mailer: MailDispatcher,
         webhooks: WebhookDispatcher?, logger: Logger) {
        self.inputs = Self.withoutEvents(inputs)
        self.ledger = ReferralLedger(store: inputs.store, outcomes: outcomes)
        self.journal = journal
        self.refresher = refresher
        self.mailer = mailer
        self.webhooks = webhooks
        self.logger = logger
        self.eventsAtStart = inputs.store.journal.count
        self.newestEvent = AsOf.resolve(nil, store: inputs.store)
        self.renderer = Self.formRenderer(self.inputs, asOf: newestEvent)
    }

    /// Why the journal cannot take a referral now (for `/healthz`), or nil.
    nonisolated var journalUnwritableReason: String? { journal.unwritableReason }

    /// Holds new submissions and joins, and returns once those in progress have been answered:
    /// from then until ``reload(_:prepared:caughtUp:)`` or ``release()``, the journal on disk
    /// holds every event the desk recorded, so a store read or caught up from it now loses none.
    func hold() async {
        isHolding = true
        while inProgress > 0 { await withCheckedContinuation { holdWaiters.append($0) } }
    }

    /// Lets held submissions in again.
    func release() {
        isHolding = false
        let waiting = heldSubmissions
        heldSubmissions = []
        for submission in waiting { submission.resume() }
    }

    /// Waits while the desk is held, then counts the caller in progress until ``leave()``.
    func enter() async {
        while isHolding { await withCheckedContinuation { heldSubmissions.append($0) } }
        inProgress += 1
    }

    func leave() {
        inProgress -= 1
        guard inProgress == 0 else { return }
        let waiting = holdWaiters
        holdWaiters = []
        for waiter in waiting { waiter.resume() }
    }

    /// The desk's state made from reloaded inputs before the desk is held: at 100,000
    /// referrers the roster's indexes and the form page's renderer take the better part of a second.
    struct Reloaded: Sendable {
        fileprivate var inputs: SiteInputs
        fileprivate var ledger: ReferralLedger
        fileprivate var renderer: PageRenderer
        fileprivate var newestEvent: Instant
    }

    /// Makes the desk's state from `fresh`, off the desk.
    nonisolated static func prepare(_ fresh: SiteInputs) -> Reloaded {
        let inputs = withoutEvents(fresh)
        let newestEvent = AsOf.resolve(nil, store: fresh.store)
        return Reloaded(inputs: inputs, ledger: ReferralLedger(store: fresh.store, outcomes: fresh.loaded.outcomeLedger),
                        renderer: formRenderer(inputs, asOf: newestEvent), newestEvent: newestEvent)
    }

    /// Takes inputs reloaded from disk and caught up with the journal while the desk was held:
    /// the roster, content and theme, with every event recorded so far; `prepared` was made from
    /// them before the catch-up added `caughtUp`. Then lets held submissions in. The state it
    /// replaces is freed on another thread.
    func reload(_ fresh: SiteInputs, prepared: consuming Reloaded, caughtUp: [JournalEvent]) async {
        defer { release() }
        rendererIsStale = false
        for event in caughtUp {
            prepared.ledger.apply(event)
            prepared.newestEvent = max(prepared.newestEvent, event.at)
            if case .referrer(let referrer, _) = event {
                prepared.inputs.store.referrers.append(referrer)
                rendererIsStale = true
            }
        }
        releaseInBackground((inputs, ledger, renderer))
        inputs = prepared.inputs
        ledger = prepared.ledger
        renderer = prepared.renderer
        newestEvent = prepared.newestEvent
        unrefreshedEvents = []
        await refresher.reset(fresh.loaded.outcomeLedger)
    }

    /// The inputs and the events recorded since the last call, for the refresher.
    func takeRecordedEvents() -> (SiteInputs, [JournalEvent]) {
        defer { unrefreshedEvents = [] }
        return (inputs, unrefreshedEvents)
    }

    /// Adds a referrer who joined to the roster and to the events the refresher takes in, together.
    func appendReferrer(_ referrer: Referrer, at instant: Instant) {
        inputs.store.referrers.append(referrer)
        unrefreshedEvents.append(.referrer(referrer, at: instant))
        rendererIsStale = true
    }

    /// For the 422 pages and the emails: the site with every referrer who joined so far.
    func formRenderer() -> PageRenderer {
        if rendererIsStale {
            renderer = Self.formRenderer(inputs, asOf: newestEvent)
            rendererIsStale = false
        }
        return renderer
    }

    /// The renderer of pages that show no figures (the form page, the emails), so it is made
    /// from the roster alone.
    private nonisolated static func formRenderer(_ inputs: SiteInputs, asOf: Instant) -> PageRenderer {
        PageRenderer(site: Site(inputs: inputs, asOf: asOf))
    }

    private nonisolated static func withoutEvents(_ inputs: SiteInputs) -> SiteInputs {
        var inputs = inputs
        inputs.store.journal = []
        return inputs
    }

    func submit(_ submission: ReferralSubmission) async -> Outcome {
        await enter()
        defer { leave() }
        let now = Instant.now
        let id = ReferralID.make(at: now)
        if submission.isBot {
            logger.notice("honeypot filled: answered as a success, not recorded", metadata: ["referrer": .string(LogText.escapingControls(String(submission.referrer.prefix(40))))])
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
        unrefreshedEvents.append(.referral(referral))
        await refresher.touch(referral.referrer, desk: self)
        let site = formRenderer().site
        await mailer.queue { Notifier(site: site).messages(forReferral: referral, at: now) }
        return .recorded(id: id)
    }

    /// Queues the event's line (so the journal holds events in the order of their times), waits
    /// until it is on disk, then hands it to the webhooks at its place in the journal: the
    /// writer's count of lines appended before it, so a failed append (cut back off) takes none.
    func write(_ event: JournalEvent) async throws {
        newestEvent = max(newestEvent, event.at)
        let ticket = journal.enqueue([event.journalLine])
        // Suspends without holding a thread, so concurrent requests share fsyncs.
        let appendedBefore = try await journal.durable(ticket)
        await webhooks?.recorded(eventsAtStart + appendedBefore, event)
    }
}
