import Foundation

/// A status change the team asks for, from the CLI or a CRM export.
public struct StatusUpdate: Sendable, Equatable {
    public var id: String
    public var status: ReferralStatus
    public var value: Double?
    public var reason: String?
    public var at: Instant
    /// Whether `at` was given as a day (`2026-06-29`, a CRM's close date): see
    /// ``StatusRecorder/placingDays(_:store:)``.
    public var isDay: Bool

    public init(id: String, status: ReferralStatus, value: Double? = nil, reason: String? = nil, at: Instant, isDay: Bool = false) {
        self.id = id
        self.status = status
        self.value = value
        self.reason = reason
        self.at = at
        self.isDay = isDay
    }

    /// The journal line, keys in DESIGN.md's order.
    public var journalLine: String {
        var members: [(String, JSONOutput)] = [("type", .string("status")), ("id", .string(id)), ("at", .string(at.iso8601)),
                                               ("status", .string(status.rawValue))]
        if let value { members.append(("value", .number(value))) }
        if let reason { members.append(("reason", .string(reason))) }
        return JSONOutput.object(members).serialized()
    }
}

/// Checks status updates against the journal (known id, counted referral, a possible move) and
/// appends them, all or nothing.
public enum StatusRecorder {
    /// How far ahead of the clock a status time may be (clocks of machines differ a little).
    static let allowedClockSkew: Int64 = 5 * 60 * 1000

    /// Dates each update whose time was given as a day at that day's start, or at the time of
    /// its referral's latest event (the referral, a status, an update above it) when that falls
    /// on the same day: a status recorded by day on the day its referral came in had been
    /// refused as earlier than the referral.
    public static func placingDays(_ updates: [StatusUpdate], store: Store) -> [StatusUpdate] {
        guard updates.contains(where: \.isDay) else { return updates }
        var latest: [String: Instant] = [:]
        for event in store.journal {
            switch event {
            case .referral(let referral): latest[referral.id] = referral.at
            case .status(let change): latest[change.id] = max(latest[change.id] ?? change.at, change.at)
            default: break
            }
        }
        return updates.map { update in
            var update = update
            if update.isDay, let previous = latest[update.id], previous.day == update.at.day, previous > update.at {
                update.at = previous
            }
            latest[update.id] = max(latest[update.id] ?? update.at, update.at)
            return update
        }
    }

    /// What is said of an id no referral in the journal has.
    static func unknownID(_ id: String) -> String {
        "no referral has the id \"\(id)\" (see `advocate export referrals`)"
    }

    /// Returns a reason for each update that cannot be recorded, by position; empty when all can.
    /// Updates are checked in order, each seeing the ones before it. A status happens after the
    /// referral's latest one and not after `now`: the journal is in the order things happened,
    /// and a status dated in the future would move every page's as-of there.
    public static func problems(_ updates: [StatusUpdate], store: Store, now: Instant = .now) -> [(index: Int, message: String)] {
        var referrals: [String: ReferralOutcome] = [:]
        for outcome in FigureCalculator.outcomes(of: store, asOf: Instant(milliseconds: .max)) {
            referrals[outcome.referral.id] = outcome
        }
        var latest = StatusTransition.latestStatuses(store)
        var problems: [(Int, String)] = []
        for (index, update) in updates.enumerated() {
            guard let outcome = referrals[update.id] else {
                problems.append((index, unknownID(update.id)))
                continue
            }
            guard outcome.isAccepted else {
                let why = outcome.acceptance == .duplicate ? "the friend was already referred" : "it is a self-referral"
                problems.append((index, "referral \(update.id) was not counted (\(why)), so its status cannot change"))
                continue
            }
            if update.status == .converted, latest[update.id]?.status == .converted, let value = update.value {
                // A corrected order value in a CRM's export had been refused as "already converted".
                let recorded = outcome.conversionValue.map { "with the value \(JSONOutput.format($0))" } ?? "without a value"
                problems.append((index, "referral \(update.id) is already converted, \(recorded), and a recorded value is not changed (\(JSONOutput.format(value)) given)"))
                continue
            }
            if let refusal = StatusTransition.refusal(from: latest[update.id]?.status, to: update.status) {
                problems.append((index, "referral \(update.id) cannot become \(update.status.rawValue): \(refusal)"))
                continue
            }
            if update.at < outcome.referral.at {
                problems.append((index, "the time \(update.at.iso8601) is before the referral itself (\(outcome.referral.at.iso8601))"))
                continue
            }
            if let previous = latest[update.id], update.at < previous.at {
                problems.append((index, "the time \(update.at.iso8601) is before the referral's latest status (\(previous.status.rawValue) at \(previous.at.iso8601)); statuses are recorded in the order they happened"))
                continue
            }
            if update.at.milliseconds > now.milliseconds + allowedClockSkew {
                problems.append((index, "the time \(update.at.iso8601) is in the future (now is \(now.iso8601))"))
                continue
            }
            if let value = update.value, value < 0 || !value.isFinite || value > ObjectReader.largestNumber {
                // The loader's own bounds: a line it would refuse must not be written.
                problems.append((index, "value must be a number from 0 to 1,000,000,000, found \(value.isFinite ? JSONOutput.format(value) : "\(value)")"))
                continue
            }
            if let reason = update.reason, reason.count > StoreRules.maximumReasonLength {
                problems.append((index, "reason is longer than \(StoreRules.maximumReasonLength) characters"))
                continue
            }
            // A reason is a few words for people and CRMs: a line break or another control
            // character in it (pasted, or `$'…\n'`) would split it in exports and logs.
            if let reason = update.reason, !StoreRules.isOneLineWithoutControls(reason) {
                problems.append((index, "reason holds a line break or another control character; write it on one line"))
                continue
            }
            latest[update.id] = (update.status, update.at)
        }
        return problems
    }
}
