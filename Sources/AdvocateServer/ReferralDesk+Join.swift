import Advocate
import Logging

extension ReferralDesk {
    /// What became of a join. A new member and a member joining again get the same answer, so
    /// the form never tells a stranger who is already in the program.
    enum JoinOutcome: Sendable {
        /// The links are on their way (a new referrer was recorded, or the existing one's were resent).
        case sent
        /// The honeypot was filled: answered like ``sent``, nothing recorded or sent.
        case ignoredBot
        case invalid(FieldErrors)
        case failed(String)

        /// Refused before anything was written or sent: invalid fields, or a journal that failed.
        var recordedNothing: Bool {
            switch self {
            case .invalid, .failed: true
            case .sent, .ignoredBot: false
            }
        }
    }

    /// Records a new referrer as a `referrer` event (durably, before answering), refreshes their
    /// share and stats pages, and emails them both links; an email already on the roster gets
    /// its links again instead.
    func join(_ submission: JoinSubmission) async -> JoinOutcome {
        await enter()
        defer { leave() }
        let now = Instant.now
        if submission.isBot {
            logger.notice("honeypot filled on the join form: answered as a success, not recorded")
            return .ignoredBot
        }
        let decision: JoinDecision
        do {
            decision = try ledger.decide(submission, at: now, file: journal.path)
        } catch {
            return .invalid(error)
        }
        let emailID = "join_" + ReferralID.make(at: now).dropFirst(3)
        switch decision {
        case .existing(let code):
            logger.info("join by an existing member: their links were sent again")
            let site = formRenderer().site
            if let index = site.index(ofReferrer: code) {
                let referrer = site.referrers[index]
                await mailer.queue { [Notifier(site: site).message(forJoin: referrer, at: now, id: emailID)].compactMap { $0 } }
            }
        case .new(let referrer):
            // Reserve the code and email before the write, so a concurrent join cannot take them.
            ledger.addReferrer(referrer)
            do {
                try await write(.referrer(referrer, at: now))
            } catch {
                ledger.removeReferrer(referrer)
                logger.error("could not record a new referrer: \(error)")
                return .failed("\(error)")
            }
            appendReferrer(referrer, at: now)
            await refresher.touch(referrer.code, desk: self, isNew: true)
            let site = renderer.site
            await mailer.queue { [Notifier(site: site).message(forJoin: referrer, at: now, id: emailID)].compactMap { $0 } }
        }
        return .sent
    }
}
