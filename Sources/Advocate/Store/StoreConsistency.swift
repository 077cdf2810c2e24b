/// The rules that span records: unique codes, tokens and ids, and references that resolve.
enum StoreConsistency {
    /// `invalidCodes` are codes of referrers that failed validation, lower-cased: already
    /// reported, so their referrals are not reported again; without `rosterIsKnown` (referrers.json is not a list)
    /// no referral's code is checked.
    static func check(program: Program?, referrers: [Referrer], invalidCodes: Set<String>, rosterIsKnown: Bool,
                      journal: JournalReader.Result, journalFile: String, diagnostics: inout DiagnosticList) {
        // Sized up front: grown one by one, they rehashed a million-line journal's ids about
        // twenty times (perf of loading such a store: this check's samples 4,835 -> 3,389; it
        // runs beside the ledger, so the load's wall time did not measurably change).
        var codes: [String: Origin] = [:]
        var tokens: [String: (token: String, origin: Origin)] = [:]
        var emails: [String: String] = [:]
        codes.reserveCapacity(referrers.count)
        tokens.reserveCapacity(referrers.count)
        emails.reserveCapacity(referrers.count)
        for referrer in referrers {
            let file = referrer.origin.file
            let location = referrer.origin.location
            if let first = codes[referrer.code] {
                diagnostics.error(file, location, "duplicate code \"\(referrer.code)\" (already used at \(first)); codes must be unique")
                // The same person entered twice is that one error, not also a shared email.
                continue
            } else {
                codes[referrer.code] = referrer.origin
            }
            // Keyed in lower case: tokens that differ only in case are one folder on a file
            // system that ignores case (macOS, Windows), one referrer's page at the other's address.
            let folded = referrer.statsToken.lowercased()
            if let first = tokens[folded] {
                let same = first.token == referrer.statsToken
                diagnostics.error(file, location, "referrer \"\(referrer.code)\": " + (same
                    ? "statsToken is already used at \(first.origin); every stats token must be unique"
                    : "statsToken differs from the one at \(first.origin) only in letter case; on a file system that ignores case (macOS, Windows) both pages would be one folder: make it unique (`advocate referrers add` makes random ones)"))
            } else {
                tokens[folded] = (referrer.statsToken, referrer.origin)
            }
            // A warning, not an error: such a store has loaded before. But `forget` would erase
            // both, and the join form would send its links to one only.
            let email = StoreRules.normalizedEmail(referrer.email)
            if let other = emails[email] {
                diagnostics.warning(file, location, "referrer \"\(referrer.code)\": email \(referrer.email) is also referrer \"\(other)\"'s; one person, one referrer (merge them, or correct the address)")
            } else {
                emails[email] = referrer.code
            }
            if let program, folded == program.analyticsToken.lowercased() {
                diagnostics.error(file, location, "referrer \"\(referrer.code)\": statsToken equals the program's analyticsToken; give it its own")
            }
        }
        // Each referral's place in `referrals`, where its line and date are kept with its last
        // status so far: a status then costs one hash of its id, not three.
        var referralIDs: [String: Int] = [:]
        var referrals: [(line: Int, at: Instant)] = []
        referralIDs.reserveCapacity(journal.events.count)
        referrals.reserveCapacity(journal.events.count)
        // The lines of each unknown code, in the order first seen: one error a code, not one a
        // line (a referrer lost from referrers.json had an error for each of thousands of lines).
        var unknownCodes: [(code: String, lines: [Int])] = []
        var unknownCodeIndex: [String: Int] = [:]
        for (event, line) in zip(journal.events, journal.lines) {
            guard case .referral(let referral) = event else { continue }
            let location = SourceLocation(line: line, column: 1)
            if let first = referralIDs[referral.id] {
                diagnostics.error(journalFile, location, "line \(line): referral id \"\(referral.id)\" is already used on line \(referrals[first].line); ids must be unique")
            } else {
                referralIDs[referral.id] = referrals.count
                referrals.append((line, referral.at))
            }
            if rosterIsKnown && codes[referral.referrer] == nil && !invalidCodes.contains(referral.referrer.lowercased())
                && !journal.unloadedReferrerCodes.contains(referral.referrer.lowercased()) {
                if let index = unknownCodeIndex[referral.referrer] {
                    unknownCodes[index].lines.append(line)
                } else {
                    unknownCodeIndex[referral.referrer] = unknownCodes.count
                    unknownCodes.append((referral.referrer, [line]))
                }
            }
        }
        for (code, lines) in unknownCodes {
            let others = lines.dropFirst()
            let listed = others.prefix(5).map(String.init).joined(separator: ", ") + (others.count > 5 ? ", …" : "")
            let also = others.isEmpty ? "" : ", also on \(others.count) more line\(others.count == 1 ? "" : "s") (\(listed))"
            let problem = "line \(lines[0]): field 'referrer': unknown referrer code \"\(code)\"\(also); "
            if codes[code.lowercased()] != nil {
                diagnostics.error(journalFile, SourceLocation(line: lines[0], column: 1),
                                  problem + "codes are lower-case: write \"\(code.lowercased())\"")
                continue
            }
            diagnostics.error(journalFile, SourceLocation(line: lines[0], column: 1),
                              problem + "no referrer in referrers.json or the journal has it: "
                              + "restore the referrer in referrers.json from your backup or version control (with their statsToken, so their private link still works), or correct the code")
        }
        // Each referral's last status so far (in journal order), and whether one was `converted`.
        var lastStatus = [(line: Int, status: ReferralStatus, at: Instant, converted: Bool)?](repeating: nil, count: referrals.count)
        var rewardedUnconverted: [(id: String, referral: Int, line: Int)] = []
        for (event, line) in zip(journal.events, journal.lines) {
            guard case .status(let change) = event else { continue }
            if let position = referralIDs[change.id] {
                let referral = referrals[position]
                let location = SourceLocation(line: line, column: 1)
                // Each counted as it is (a conversion before its referral is within the window),
                // but almost surely a typo in a date or an import in the wrong order.
                let previous = lastStatus[position]
                if change.at < referral.at {
                    diagnostics.warning(journalFile, location,
                                        "line \(line): field 'at': the \(change.status.rawValue) status is dated \(change.at.iso8601), before its referral (line \(referral.line), \(referral.at.iso8601)); check the date")
                } else if let previous, change.at < previous.at {
                    diagnostics.warning(journalFile, location,
                                        "line \(line): field 'at': the \(change.status.rawValue) status is dated \(change.at.iso8601), before the \(previous.status.rawValue) status on line \(previous.line) (\(previous.at.iso8601)); statuses count in the journal's order, so this one is the referral's latest: check the date")
                }
                let converted = (previous?.converted ?? false) || change.status == .converted
                if change.status == .rewarded && !converted { rewardedUnconverted.append((change.id, position, line)) }
                lastStatus[position] = (line, change.status, change.at, converted)
            } else if !journal.unloadedReferralIDs.contains(change.id) {
                diagnostics.error(journalFile, SourceLocation(line: line, column: 1),
                                  "line \(line): field 'id': status for unknown referral id \"\(change.id)\"")
            }
        }
        // Told once the whole journal is read: a `converted` line after the `rewarded` one
        // makes the referral a conversion (its latest status), and the advice would be wrong.
        // Not for a referral with a status line in error: that line may be the conversion.
        for (id, position, line) in rewardedUnconverted where lastStatus[position]?.converted == false && !journal.unloadedStatusIDs.contains(id) {
            diagnostics.warning(journalFile, SourceLocation(line: line, column: 1),
                                "line \(line): field 'status': rewarded, but the referral has no converted status, so it counts as no conversion; record the conversion (advocate referral status \(id) converted)")
        }
    }
}
