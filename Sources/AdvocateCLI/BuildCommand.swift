import Advocate
import ArgumentParser
import Foundation

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the portal into the output folder.",
        discussion: """
            Renders every page in parallel (with a progress bar on a terminal when it takes more \
            than a second), writes only files whose bytes changed (each replaced \
            atomically), removes files the site no longer has, and prints a summary. On any error \
            the output folder is left exactly as it was and the exit code is 1; Ctrl-C (or SIGTERM) \
            leaves it as it was too. Files a killed build left behind are removed by the next one.

            Examples:
              advocate build
              advocate build --source ~/acme-rewards --output /var/www/refer
              advocate build --as-of 2026-03-31
              advocate build --verbose      # and how long each step took
            """)

    @OptionGroup var site: SiteOptions
    @OptionGroup var asOf: AsOfOption

    @Flag(name: [.long, .short], help: "Print only errors and warnings.")
    var quiet = false

    @Flag(name: .long, help: "Also print how long each step of the build took.")
    var verbose = false

    func validate() throws {
        if quiet && verbose {
            throw ValidationError("--quiet and --verbose contradict each other; choose one.")
        }
    }

    func run() throws {
        let bar = ProgressBar.forStandardError(quiet: quiet)
        let options = site.buildOptions(asOf: asOf.asOf)
        let output = options.outputDirectory
        BuildInterruption.discardStagedFilesOnSignals { outputChanged in
            bar?.finish()  // the message on a line of its own, not after the bar
            return outputChanged
                ? "advocate build: interrupted while moving the new pages into place, which was finished first: \(output) has the new site, whole."
                : "advocate build: interrupted; \(output) is left as it was."
        }
        if let holder = JournalWriter.holder(dataDirectory: options.dataDirectory) {
            StandardError.write("""
                warning: advocate serve\(holder.isEmpty ? "" : " (pid \(holder))") is running on this store. It refreshes the \
                pages of each new referral in the folder it serves with the content and theme it loaded \
                when it started; if that folder is this build's output (\(output)), a page this build writes can \
                overwrite a fresher one it refreshed. To publish a change while it runs, have it rebuild \
                instead: \(holder.isEmpty ? "send it SIGHUP" : "kill -HUP \(holder)").
                """)
        }
        let report: BuildReport
        do throws(BuildError) {
            report = try SiteBuilder.build(options, progress: bar?.progress)
        } catch {
            bar?.finish()
            DiagnosticPrinter.printFailure(error)
            throw ExitCode.failure
        }
        bar?.finish()
        DiagnosticPrinter.print(report.warnings)
        if let removed = report.removedByPlaceWarning { StandardError.write("warning: \(removed)") }
        asOf.warnIfStoreIsDatedAhead(report.asOf)
        if !quiet { print(report.summary) }
        if verbose { print(report.stepSummary) }
    }
}
