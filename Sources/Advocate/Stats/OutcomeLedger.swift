/// Every referral's outcome as far as it does not depend on the as-of (acceptance, statuses,
/// whether it converted within the attribution window), with running totals per referrer and
/// for the program.
///
/// A build makes one from the store in one pass over the journal. The server keeps one and
/// applies each event it records, so a refresh after a referral computes the figures from the
/// totals (work in the number of referrers) instead of from a million journal events.
public struct OutcomeLedger: Sendable {
    let program: Program
    /// Referrers in roster order, and what the figures need of each.
    private(set) var codes: [String] = []
    private var referrerIndex: [String: Int] = [:]
    private var ownEmails: [String] = []
    private(set) var segments: [Segment] = []
    private var joinedFrom: [Instant?] = []
    /// In journal order; `isMatured` is left false here and set by ``Figures`` for its as-of.
    private(set) var outcomes: [ReferralOutcome] = []
    /// Each outcome's referrer by roster position, parallel to `outcomes`.
    private var referrerOfOutcome: [Int] = []
    private var indexByID: [String: Int] = [:]
    /// One entry for each event taken in, in order (the store's, then each one applied; a ledger
    /// made from a summary starts with none): the index in `outcomes` of the referral it records
    /// or gives a status to, -1 for none. ``BuildSnapshot`` reads it instead of hashing a million
    /// ids again.
    private(set) var outcomeOfEvent: [Int32] = []
    /// Every accepted friend email, normalized.
    private(set) var acceptedEmails: Set<String> = []
    /// Indices into `outcomes`, per referrer.
    private(set) var outcomesOfReferrer: [[Int]] = []
    private(set) var referrerTallies: [ReferrerTally] = []
    private(set) var tally = ProgramTally()
    /// The `at` of the newest event taken in.
    public private(set) var newestEvent: Instant?

    /// Takes in the store's journal events up to `asOf` (all of them by default).
    public init(store: Store, through asOf: Instant = Instant(milliseconds: .max)) {
        program = store.program
        codes.reserveCapacity(store.referrers.count)
        for referrer in store.referrers { addReferrer(referrer) }
        // Sized up front: growing these one by one (rehashing a million ids) was an eighth of a
        // server refresh at 100,000 referrers (perf).
        let referralCount = store.journal.count { if case .referral = $0 { true } else { false } }
        outcomes.reserveCapacity(referralCount)
        referrerOfOutcome.reserveCapacity(referralCount)
        indexByID.reserveCapacity(referralCount)
        acceptedEmails.reserveCapacity(referralCount)
        outcomeOfEvent = Array(repeating: -1, count: store.journal.count)
        // Referrals first, then statuses: a status counts whatever its place in the journal.
        for (position, event) in store.journal.enumerated() where event.at <= asOf {
            if newestEvent.map({ event.at > $0 }) ?? true { newestEvent = event.at }
            if case .referral(let referral) = event, let index = admit(referral) { outcomeOfEvent[position] = Int32(index) }
        }
        for (position, event) in store.journal.enumerated() {
            guard case .status(let change) = event, let index = indexByID[change.id] else { continue }
            outcomeOfEvent[position] = Int32(index)
            if change.at <= asOf { record(change, at: index) }
        }
        for index in outcomes.indices {
            settle(index)
            count(index, sign: 1)
        }
    }

    /// A ledger made from its ``summary``: every figure as before, and new referrals can be
    /// taken in, but it holds no outcome from before and does not know earlier ids or emails
    /// (``AppendedReferrals`` checks those against ``BuildSnapshot``'s digests first).
    init(summary: LedgerSummary, program: Program) {
        self.program = program
        codes = summary.codes
        referrerIndex.reserveCapacity(codes.count)
        for (index, code) in codes.enumerated() { referrerIndex[code] = index }
        ownEmails = summary.ownEmails
        segments = summary.segments
        joinedFrom = summary.joinedFrom
        outcomesOfReferrer = Array(repeating: [], count: codes.count)
        referrerTallies = summary.referrerTallies
        tally = summary.tally
        newestEvent = summary.newestEvent
    }

    /// What the ledger keeps per referrer and for the program, without the outcomes.
    var summary: LedgerSummary {
        LedgerSummary(codes: codes, ownEmails: ownEmails, segments: segments, joinedFrom: joinedFrom,
                      referrerTallies: referrerTallies, tally: tally, newestEvent: newestEvent)
    }

    /// The roster position of the referrer of outcome `index`.
    func referrer(ofOutcome index: Int) -> Int { referrerOfOutcome[index] }

    /// A referrer's normalized email, by roster position.
    func ownEmail(ofReferrer index: Int) -> String { ownEmails[index] }

    /// Takes in one event appended to the journal after those already taken in.
    public mutating func apply(_ event: JournalEvent) {
        if newestEvent.map({ event.at > $0 }) ?? true { newestEvent = event.at }
        switch event {
        case .referral(let referral):
            let index = admit(referral)
            outcomeOfEvent.append(Int32(index ?? -1))
            guard let index else { return }
            settle(index)
            count(index, sign: 1)
        case .status(let change):
            let index = indexByID[change.id]
            outcomeOfEvent.append(Int32(index ?? -1))
            guard let index, outcomes[index].isAccepted else { return }
            count(index, sign: -1)
            record(change, at: index)
            settle(index)
            count(index, sign: 1)
        case .referrer(let referrer, _):
            outcomeOfEvent.append(-1)
            if referrerIndex[referrer.code] == nil { addReferrer(referrer) }
        }
    }

    /// The roster position of a referrer, by code.
    public func index(ofReferrer code: String) -> Int? { referrerIndex[code] }

    /// How many referrers were in the program by `asOf`: those who had joined by then (a
    /// referrer without a joined date always counts) and those with a referral the program's
    /// sums hold, though their joined day is later (the day of an import, say). The ledger
    /// holds the events up to `asOf`; its tallies, unlike its outcomes, survive a ``summary``.
    func referrerCount(asOf: Instant) -> Int {
        joinedFrom.indices.count { index in
            joinedFrom[index].map { $0 <= asOf } ?? true || referrerTallies[index].referrals > 0
        }
    }

    private mutating func addReferrer(_ referrer: Referrer) {
        referrerIndex[referrer.code] = codes.count
        codes.append(referrer.code)
        ownEmails.append(StoreRules.normalizedEmail(referrer.email))
        segments.append(referrer.segment)
        joinedFrom.append(referrer.joined?.start)
        outcomesOfReferrer.append([])
        referrerTallies.append(ReferrerTally())
    }

    /// Decides whether a referral is accepted (in journal order) and adds its outcome; nil when
    /// it is not counted at all (an unknown referrer, or an id already seen).
    @discardableResult
    private mutating func admit(_ referral: Referral) -> Int? {
        guard let referrer = referrerIndex[referral.referrer] else { return nil }
        let index = outcomes.count
        // One hash of the id for the usual new one; an id seen before (an error the store's
        // checks report) keeps its first outcome.
        if let earlier = indexByID.updateValue(index, forKey: referral.id) {
            indexByID[referral.id] = earlier
            return nil
        }
        let email = StoreRules.normalizedEmail(referral.email)
        let acceptance: ReferralOutcome.Acceptance
        if email == ownEmails[referrer] {
            acceptance = .selfReferral
        } else if !acceptedEmails.insert(email).inserted {
            acceptance = .duplicate
        } else {
            acceptance = .accepted
        }
        outcomesOfReferrer[referrer].append(index)
        referrerOfOutcome.append(referrer)
        let offer = program.offer(at: referral.at)
        outcomes.append(ReferralOutcome(referral: referral, acceptance: acceptance, offer: offer?.name,
                                        reward: offer?.referrerAmount ?? program.referrerReward.amount, latestStatus: nil,
                                        firstConvertedAt: nil, conversionValue: nil, wasContacted: false,
                                        isConversion: false, isMatured: false))
        return index
    }

    /// Applies a status change to outcome `index`, when it is accepted.
    private mutating func record(_ change: StatusChange, at index: Int) {
        guard outcomes[index].isAccepted else { return }
        outcomes[index].latestStatus = change.status
        if change.status != .rejected { outcomes[index].wasContacted = true }
        if change.status == .converted {
            // The window and the hold count from the first conversion; the value is the latest
            // one given (converted again after a refund, or a value sent with a correction).
            if outcomes[index].firstConvertedAt == nil { outcomes[index].firstConvertedAt = change.at }
            if let value = change.value { outcomes[index].conversionValue = value }
        }
    }

    /// Decides whether an outcome counts as a conversion: latest status converted or rewarded,
    /// first converted within the attribution window.
    private mutating func settle(_ index: Int) {
        let outcome = outcomes[index]
        guard let convertedAt = outcome.firstConvertedAt, outcome.isAccepted,
              outcome.latestStatus == .converted || outcome.latestStatus == .rewarded
        else {
            outcomes[index].isConversion = false
            return
        }
        outcomes[index].isConversion = program.isWithinWindow(convertedAt, of: outcome.referral)
    }

    /// Counts an outcome into (`sign` 1) or out of (-1) its referrer's and the program's totals.
    private mutating func count(_ index: Int, sign: Int) {
        let outcome = outcomes[index]
        guard outcome.isAccepted else {
            tally.countRefused(outcome.acceptance, sign: sign)
            return
        }
        let referrer = referrerOfOutcome[index]
        tally.count(outcome, segment: segments[referrer], sign: sign)
        referrerTallies[referrer].count(outcome, at: index, sign: sign)
    }
}

/// An ``OutcomeLedger`` without its outcomes: per referrer and program totals.
struct LedgerSummary: Sendable {
    var codes: [String]
    /// Normalized.
    var ownEmails: [String]
    var segments: [Segment]
    var joinedFrom: [Instant?]
    var referrerTallies: [ReferrerTally]
    var tally: ProgramTally
    var newestEvent: Instant?
}

/// A referrer's accepted referrals and conversions, whatever the as-of.
struct ReferrerTally: Sendable {
    struct Conversion: Sendable {
        /// The outcome's place in the journal: conversions are kept in journal order, so sums
        /// come out the same however the ledger was built.
        var outcome: Int
        var at: Instant
        var reward: Double
    }

    var referrals = 0
    var conversions: [Conversion] = []

    /// Counts an accepted outcome in (`sign` 1) or out (-1).
    mutating func count(_ outcome: ReferralOutcome, at index: Int, sign: Int) {
        referrals += sign
        guard outcome.isConversion, let at = outcome.firstConvertedAt else { return }
        if sign < 0 {
            conversions.removeAll { $0.outcome == index }
        } else {
            let position = conversions.lastIndex { $0.outcome < index }.map { $0 + 1 } ?? 0
            conversions.insert(Conversion(outcome: index, at: at, reward: outcome.reward), at: position)
        }
    }
}
