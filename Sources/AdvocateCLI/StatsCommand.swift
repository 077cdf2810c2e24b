import Advocate
import ArgumentParser

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print each referrer's figures and the program totals.",
        discussion: """
            A referral counts when it is accepted (the first one of a friend's email, and not the \
            referrer's own); a conversion counts when it came within the attribution window, and a \
            refund takes it back; its reward is earned once the hold has passed and pending before; \
            tiers add their bonuses the same way.

            Examples:
              advocate stats
              advocate stats --as-of 2026-03-31 --format json > stats.json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var site: SiteOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "table for people, json for scripts and CRMs.")
    var format: Format = .table

    func validate() throws {
        try site.refuseOutputFile(printedBy: "stats\(format == .json ? " --format json" : "")")
    }

    func run() throws {
        let options = site.buildOptions(asOf: asOf.asOf)
        let (store, figures) = try StoreCommandSupport.loadStoreWithFigures(options)
        asOf.warnIfStoreIsDatedAhead(figures.asOf)
        switch format {
        case .json: try StandardOutput.write(figures.json.serialized(pretty: true) + "\n")
        case .table:
            try StandardOutput.write(StatsTable.render(figures, store: store) + "\n")
            // On standard error: a table saved or pasted into a chat must not carry the private link.
            StandardError.write("the analytics page (private to the team): \(SiteURLs.analyticsURL(of: store.program))")
        }
    }
}
