import Advocate
import ArgumentParser
import Foundation

/// The folders every command works on.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site folder, holding content/ and templates/.", valueName: "dir"))
    var source: String = "."

    @Option(name: .long, help: ArgumentHelp("The JSON store (default: <source>/content/data).", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Where the site is written (default: <source>/public).", valueName: "dir"))
    var output: String?

    /// An empty folder (a script's unset variable) would be the current one, where a build
    /// replaces and removes pages; a `~` the shell left as it is names no folder anyone meant.
    func validate() throws {
        for (flag, path) in [("--source", source), ("--data", data), ("--output", output)] {
            guard let path else { continue }
            if path.isEmpty { throw ValidationError("\(flag) is empty: give a folder (an unset variable in a script?)") }
            if path == "~" || path.hasPrefix("~/"), !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(flag) \(path): the shell did not expand ~ (it does not after = or inside quotes); "
                                      + "write \(flag) \(path) with a space, or $HOME\(path.dropFirst())")
            }
        }
    }

    /// For a command that prints what it makes (`stats`, `export`): `--output referrers.csv` is
    /// refused with the redirection to write instead, rather than ignored while the CSV fills
    /// the terminal. `--output` is the site's folder for every command (DESIGN.md).
    func refuseOutputFile(printedBy command: String) throws {
        guard let output else { return }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isFolder)
        let fileSuffixes = [".csv", ".json", ".jsonl", ".tsv", ".txt"]
        guard exists ? !isFolder.boolValue : fileSuffixes.contains(where: { output.lowercased().hasSuffix($0) }) else { return }
        throw ValidationError("--output is the folder a build writes the site into; advocate \(command) prints to standard output: "
                              + "write advocate \(command) > \(ShellWord.quoted(output))")
    }

    func buildOptions(asOf: CalendarDay? = nil) -> BuildOptions {
        BuildOptions(source: source, data: data, output: output, asOf: asOf)
    }
}

/// `--as-of YYYY-MM-DD`.
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Compute figures as of the end of this UTC day (default: the newest journal event).", valueName: "YYYY-MM-DD"),
        transform: { text in
            guard let day = CalendarDay(text) else {
                throw ValidationError("--as-of must be a date YYYY-MM-DD, such as 2026-03-31; got \(CalendarDay.quoted(text))")
            }
            guard StoreRules.journalTimes.contains(day.end) else {
                throw ValidationError("--as-of \(text) is \(StoreRules.journalTimesRequirement)")
            }
            return day
        })
    var asOf: CalendarDay?

    /// Warns of a day after today, allowed (a forecast) but easy to type by mistake.
    func validate() {
        let today = Instant.now.day
        if let asOf, today < asOf {
            StandardError.write("warning: --as-of \(asOf.iso8601) is after today (\(today.iso8601)): the figures are a forecast, "
                                + "counting as earned each reward whose hold ends by then")
        }
    }

    /// Warns of figures as of a time after now taken from the store (no --as-of given).
    func warnIfStoreIsDatedAhead(_ figuresAsOf: Instant) {
        if asOf == nil, let ahead = AsOf.storeDatedAhead(figuresAsOf, now: .now) {
            StandardError.write("warning: \(ahead)")
        }
    }
}

/// Prints diagnostics to standard error, then a count.
enum DiagnosticPrinter {
    static func print(_ diagnostics: [Diagnostic]) {
        for diagnostic in Diagnostic.inReadingOrder(diagnostics) {
            StandardError.write(diagnostic.description)
        }
    }

    static func printFailure(_ error: BuildError) {
        if case .invalidInput(let diagnostics) = error {
            print(diagnostics.diagnostics)
            let count = diagnostics.errors.count
            StandardError.write("\(count) error\(count == 1 ? "" : "s"); nothing was written")
        } else {
            StandardError.write(error.description)
            if error.leftOutputAsItWas { StandardError.write("the output folder was left as it was") }
        }
    }
}
