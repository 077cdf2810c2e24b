import Advocate
import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the store, content and templates without writing anything.",
        discussion: """
            Reports every problem as file:line:column: error|warning: message, then a count. \
            Exits 1 when there is any error.

            Example:
              advocate check --source my-program
            """)

    @OptionGroup var site: SiteOptions

    func run() throws {
        do {
            let inputs = try SiteInputs.load(site.buildOptions())
            DiagnosticPrinter.print(inputs.warnings)
            print("0 errors, \(inputs.warnings.count) warning\(inputs.warnings.count == 1 ? "" : "s")")
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            let errors = error.errors.count
            let warnings = error.diagnostics.count - errors
            print("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
            throw ExitCode.failure
        }
    }
}
