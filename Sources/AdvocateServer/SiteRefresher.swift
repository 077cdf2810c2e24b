import Advocate
import Foundation
import Logging

/// Re-renders the pages a new referral touches (the referrer's stats page and the program
/// analytics; for a referrer who just joined, their share page too), gathering the referrals
/// that arrive within `delay` into one refresh. One refresh runs at a time; referrals that
/// arrive during it are picked up by the next.
///
/// It owns the figures' ``OutcomeLedger`` and applies each recorded event to it, so a refresh
/// costs work in the number of referrers, not in the length of the journal.
actor SiteRefresher {
    private let delay: Duration
    private let logger: Logger
    private var outcomes: OutcomeLedger
    private var pendingCodes: Set<String> = []
    /// Referrers who joined since the last refresh: their share page is made too.
    private var pendingNewCodes: Set<String> = []
    private var desk: ReferralDesk?
    private var scheduled = false
    private var running = false
    /// Refreshes failed in a row (a full disk): the next try waits longer, up to a minute.
    private var failuresInARow = 0
    /// The referrers of failed refreshes, tried again on their own (``retryLater()``), so that
    /// one page that cannot be written does not hold back every other referrer's.
    private var failedCodes: Set<String> = []
    private var failedNewCodes: Set<String> = []
    private var retryScheduled = false
    /// Set when a reload's rebuild failed after the desk took the new inputs in (a full disk):
    /// until a whole build succeeds, each refresh is one, so that no page of the new inputs is
    /// written among the old (a program renamed on SIGHUP showed its new name on the three pages
    /// a referral refreshed, and its old one on the other forty).
    private var owedWholeBuild: InputDigests?

    init(outcomes: OutcomeLedger, delay: Duration, logger: Logger) {
        self.outcomes = outcomes
        self.delay = delay
        self.logger = logger
    }

    /// Takes the outcomes of a store reloaded from disk, which hold every event so far; the ones
    /// they replace are freed on another thread (a million outcomes at 100,000 referrers).
    func reset(_ outcomes: OutcomeLedger) {
        releaseInBackground(self.outcomes)
        self.outcomes = outcomes
        // The rebuild that comes with a reload makes every page: a failed refresh is over.
        failedCodes = []
        failedNewCodes = []
        failuresInARow = 0
        owedWholeBuild = nil
    }

    /// Owes the site a whole build of the inputs the desk holds (``owedWholeBuild``), tried
    /// again as failed refreshes are, whether or not a referral comes.
    func oweWholeBuild(_ digests: InputDigests, desk: ReferralDesk) {
        owedWholeBuild = digests
        self.desk = desk
        retryLater()
    }

    /// Asks for a refresh of `code`'s pages; the roster, theme and events recorded since the last
    /// refresh are taken from `desk` when the refresh runs, so a burst of referrals costs one
    /// snapshot of them, not one each.
    func touch(_ code: String, desk: ReferralDesk, isNew: Bool = false) {
        pendingCodes.insert(code)
        if isNew { pendingNewCodes.insert(code) }
        self.desk = desk
        guard !scheduled else { return }
        scheduled = true
        Task {
            try? await Task.sleep(for: delay)
            await runPending()
        }
    }

    /// Runs a pending refresh now, after any refresh in progress (at shutdown, and in tests).
    func flush() async {
        await waitWhileRunning()
        scheduled = true
        await runPending()
    }

    /// Runs `work` (a reload's rebuild) while no refresh runs, then any refresh asked for
    /// meanwhile: two writers of the output folder at once could move a page rendered from the
    /// old theme in after the rebuild, or rename each other's temporary files away.
    func exclusively<Result: Sendable>(_ work: @Sendable () async -> Result) async -> Result {
        await waitWhileRunning()
        running = true
        let result = await work()
        running = false
        if scheduled { await runPending() }
        return result
    }

    private func waitWhileRunning() async {
        while running { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Refreshes until nothing is pending. The actor is re-entered while a refresh renders, so
    /// `running` keeps a second loop from starting; `scheduled` stays set, so touches only add codes.
    private func runPending() async {
        guard !running else { return }
        running = true
        defer {
            running = false
            scheduled = false
        }
        var first = true
        while !pendingCodes.isEmpty {
            // Under a steady stream, leave `delay` between refreshes so they cannot take a core.
            if !first { try? await Task.sleep(for: delay) }
            first = false
            let codes = pendingCodes
            let newCodes = pendingNewCodes
            pendingCodes = []
            pendingNewCodes = []
            await refreshBatch(codes, newCodes: newCodes)
        }
    }

    /// Refreshes the pages of `codes`; when that fails, keeps them to be tried again, whether or
    /// not another referral comes.
    private func refreshBatch(_ codes: Set<String>, newCodes: Set<String>) async {
        guard let desk else { return }
        let start = ContinuousClock.now
        // Taken together, so the ledger's roster grows exactly as the desk's did.
        let (inputs, events) = await desk.takeRecordedEvents()
        for event in events { outcomes.apply(event) }
        let asOf = outcomes.newestEvent ?? AsOf.resolve(nil, store: inputs.store)
        let site = Site(inputs: inputs, figures: outcomes.figures(asOf: asOf))
        if let digests = owedWholeBuild {
            if await rebuild(site, digests: digests) {
                owedWholeBuild = nil
                failedCodes = []
                failedNewCodes = []
                return
            }
        } else if await refresh(site, codes: codes, newCodes: newCodes, start: start) {
            return
        }
        failedCodes.formUnion(codes)
        failedNewCodes.formUnion(newCodes)
        retryLater()
    }

    /// The pages of failed refreshes (a full disk, a folder where a page goes) again, on their
    /// own, after 2 s, then 4, 8… up to a minute while they keep failing: a stats page had stayed
    /// stale until its referrer's next referral.
    private func retryLater() {
        failuresInARow += 1
        guard !retryScheduled else { return }
        retryScheduled = true
        let wait = Duration.seconds(min(60, 1 << min(failuresInARow, 6)))
        logger.notice("refreshing the pages that failed again in \(wait.components.seconds) s")
        Task {
            try? await Task.sleep(for: wait)
            await retryFailed()
        }
    }

    private func retryFailed() async {
        retryScheduled = false
        guard !failedCodes.isEmpty || owedWholeBuild != nil else { return }
        await waitWhileRunning()
        running = true
        let (codes, newCodes) = (failedCodes, failedNewCodes)
        failedCodes = []
        failedNewCodes = []
        await refreshBatch(codes, newCodes: newCodes)
        running = false
        if !pendingCodes.isEmpty { await runPending() }
    }

    /// Builds every page off the actor; returns whether the whole site was written.
    private func rebuild(_ site: Site, digests: InputDigests) async -> Bool {
        let logger = logger
        let succeeded = await runBlocking {
            do {
                let report = try SiteBuilder.rebuild(site, digests: digests)
                logger.info("rebuilt the site the reload could not: \(report.written) written, \(report.unchanged) unchanged")
                return true
            } catch {
                logger.error("the site is still not rebuilt (the reload's new inputs are not on every page): \(error)")
                return false
            }
        }
        if succeeded { failuresInARow = 0 }
        return succeeded
    }

    /// Renders the pages off the actor; logs the time since `start` (taking in the events and the figures included).
    /// Returns whether every page was written.
    private func refresh(_ site: Site, codes: Set<String>, newCodes: Set<String>, start: ContinuousClock.Instant) async -> Bool {
        let logger = logger
        let succeeded = await runBlocking {
            do {
                let report = try SiteBuilder.refresh(site, referrerCodes: codes, newReferrerCodes: newCodes)
                let milliseconds = (ContinuousClock.now - start).wholeMilliseconds
                logger.info("refreshed \(report.written) page(s) for \(codes.count) referrer(s) as of \(report.asOf.iso8601) in \(milliseconds) ms")
                return true
            } catch {
                logger.error("refresh failed: \(error)")
                return false
            }
        }
        if succeeded && failedCodes.isEmpty { failuresInARow = 0 }
        return succeeded
    }
}
