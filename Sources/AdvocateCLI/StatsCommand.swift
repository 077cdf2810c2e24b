import Advocate
import ArgumentParser

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print each referrer's figures and the program totals.",
        discussion: """
            Figures follow README.md's rules (accepted referrals, conversions within the attribution \
            window, rewards earned after the hold and pending before it, tiers and their bonuses).

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

    func run() throws {
        let options = site.buildOptions(asOf: asOf.asOf)
        let loaded = try StoreCommandSupport.loadStore(options, makingLedger: true)
        let store = loaded.store
        let figures = loaded.figures(asOf: AsOf.resolve(options.asOf, store: store))
        switch format {
        case .json: print(figures.json.serialized(pretty: true))
        case .table: print(StatsTable.render(figures, store: store))
        }
    }
}
