/// The figures as a plain-text table for a terminal.
public enum StatsTable {
    public static func render(_ figures: Figures, store: Store) -> String {
        let money = Formatting(program: store.program)
        // A program without tiers has no tier columns: every row would read "-".
        let hasTiers = !store.program.tiers.isEmpty
        let header = ["code", "referrals", "converted", "rate", "earned", "pending"] + (hasTiers ? ["tier", "next"] : [])
        var rows = figures.referrers.map { referrer -> [String] in
            [referrer.code, String(referrer.referrals), String(referrer.converted), Formatting.percent(referrer.conversionRate),
             money.money(referrer.earned), money.money(referrer.pending)]
                + (hasTiers ? [referrer.tier?.name ?? "-", referrer.nextTier.map { "\($0.name) in \($0.conversions - referrer.converted)" } ?? "-"] : [])
        }
        let program = figures.program
        rows.append(["total", String(program.referrals), String(program.converted), Formatting.percent(program.conversionRate),
                     money.money(program.earned), money.money(program.pending)] + (hasTiers ? ["", ""] : []))
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0 || column >= 6 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : cell.leftPadded(widths[column])
            }.joined(separator: "  ").trimmingWhitespace()
        }
        let asOf = figures.asOf == AsOf.nothingYet ? "no referrals yet" : "as of \(figures.asOf.iso8601)"
        var lines = ["\(asOf) · \(program.referrers) referrer\(program.referrers == 1 ? "" : "s") · not accepted: \(program.duplicates) duplicate, \(program.selfReferrals) self-referral",
                     line(header)]
        lines.append(contentsOf: rows.map(line))
        return lines.joined(separator: "\n")
    }
}
