import Advocate
import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the store, content and templates without writing anything.",
        discussion: """
            Checks the store (every rule), front matter, templates and the values they use, every \
            internal link and asset reference in the pages as they would be built, and messages \
            over their channel's limit. Reports every problem as file:line:column: error|warning: \
            message, then a count. Exits 1 when there is any error. Goes on past errors: a \
            broken store or template does not hide the other problems. On a terminal, a progress \
            bar shows the pages checked when that takes more than a second.

            Example:
              advocate check --source my-program
            """)

    @OptionGroup var site: SiteOptions

    func run() throws {
        let bar = ProgressBar.forStandardError(quiet: false)
        let report = SiteChecker.check(site.buildOptions(), progress: bar?.progress)
        bar?.finish()
        DiagnosticPrinter.print(report.diagnostics)
        let errors = report.diagnostics.count { $0.severity == .error }
        let warnings = report.diagnostics.count - errors
        if let reason = report.pagesNotChecked { print(reason) }
        print("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode.failure }
    }
}
