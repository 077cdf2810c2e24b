import Advocate
import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export referrals, referrers or figures as CSV (RFC 4180) or JSON for a CRM or spreadsheet.",
        discussion: """
            The referrals export holds friends' names and emails, the referrers export referrers' \
            emails and private stats links; each says so on standard error.

            Examples:
              advocate export stats --format csv > stats.csv
              advocate export referrers --bom > referrers.csv    # for Excel
              advocate export referrals --format json --as-of 2026-03-31 > referrals.json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @Argument(help: ArgumentHelp("What to export: referrals, referrers or stats.", valueName: "what"))
    var kind: ExportKind

    @Option(help: "csv (with a header row) or json.")
    var format: Format = .csv

    @Flag(help: "Start the CSV with a byte-order mark, which Excel needs to read it as UTF-8 (names such as Zoë).")
    var bom = false

    @OptionGroup var site: SiteOptions
    @OptionGroup var asOf: AsOfOption

    func validate() throws {
        if bom, format != .csv { throw ValidationError("--bom is for CSV; JSON is UTF-8 without one") }
        try site.refuseOutputFile(printedBy: "export \(kind.rawValue)\(format == .json ? " --format json" : "")")
    }

    func run() throws {
        let options = site.buildOptions(asOf: asOf.asOf)
        let (store, figures) = try StoreCommandSupport.loadStoreWithFigures(options)
        let table = Exporter.table(kind, store: store, figures: figures)
        if let note = kind.privacyNote {
            StandardError.write("note: " + note)
        }
        switch format {
        case .csv: try StandardOutput.write((bom ? "\u{FEFF}" : "") + table.text)
        case .json: try StandardOutput.write(Exporter.json(table).serialized(pretty: true) + "\n")
        }
    }
}

extension ExportKind: ExpressibleByArgument {}

/// Helpers shared by the commands that read the store.
enum StoreCommandSupport {
    /// Loads the store, printing its warnings; on errors prints them and exits 1.
    static func loadStore(_ options: BuildOptions) throws -> Store {
        try load(options, makingLedger: false).store
    }

    /// Says what is wrong with the site folder (it is missing, it holds no store) before a
    /// command takes the store's lock in it.
    static func checkSourceFolder(_ options: BuildOptions) throws {
        do {
            try options.checkSourceFolder()
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
    }

    /// Takes the store's lock, then loads the store, so that what is checked against it still
    /// holds when the writer appends (two imports run at once had both appended the same
    /// changes, and a status could follow one it was checked without).
    static func lockAndLoadStore(_ options: BuildOptions) throws -> (writer: JournalWriter, store: Store) {
        try checkSourceFolder(options)
        let writer: JournalWriter
        do {
            writer = try JournalWriter(dataDirectory: options.dataDirectory)
        } catch {
            StandardError.write("error: \(error)")
            throw ExitCode.failure
        }
        if let notice = writer.tornTailNotice { StandardError.write("warning: \(notice)") }
        return (writer, try loadStore(options))
    }

    /// Loads the store as ``loadStore(_:)`` does, with its figures as of the options' `--as-of`.
    static func loadStoreWithFigures(_ options: BuildOptions) throws -> (store: Store, figures: Figures) {
        let loaded = try load(options, makingLedger: true)
        return (loaded.store, loaded.figures(asOf: AsOf.resolve(options.asOf, store: loaded.store)))
    }

    private static func load(_ options: BuildOptions, makingLedger: Bool) throws -> LoadedStore {
        do {
            try options.checkSourceFolder()
            let loaded = try StoreLoader.load(from: options.dataDirectory, makingLedger: makingLedger)
            DiagnosticPrinter.print(loaded.warnings)
            return loaded
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
    }

    /// Puts the referrers' update emails for recorded status changes in the outbox, when the site
    /// has a `send: status-to-referrer` template (`advocate serve --sendmail` sends them), and
    /// warns of each change that earns nothing (``StatusNotices``).
    static func queueStatusEmails(_ updates: [StatusUpdate], options: BuildOptions) {
        let inputs: SiteInputs
        do {
            inputs = try SiteInputs.load(options)
        } catch {
            // The changes are recorded; the emails about them need the content and theme.
            DiagnosticPrinter.print(error.diagnostics)
            StandardError.write("warning: the changes are recorded, but no email about them was queued: the site's inputs have the errors above")
            return
        }
        let notices = StatusNotices(for: updates, site: Site(inputs: inputs, asOf: AsOf.resolve(nil, store: inputs.store)))
        for warning in notices.warnings { StandardError.write("warning: \(warning)") }
        let outbox = Outbox(options: options)
        var queued = 0
        var unaddressable: [String] = []
        var failure: String?
        for message in notices.messages {
            do {
                if try outbox.put(message) != nil { queued += 1 } else { unaddressable.append(message.id) }
            } catch {
                failure = failure ?? "\(error)"
            }
        }
        if queued > 0 { print("queued \(queued) email\(queued == 1 ? "" : "s") in \(outbox.directory)") }
        if !unaddressable.isEmpty {
            // As the server logs it: said, not dropped without a word.
            StandardError.write("warning: \(unaddressable.count) email\(unaddressable.count == 1 ? "" : "s") (\(unaddressable.prefix(5).joined(separator: ", "))\(unaddressable.count > 5 ? ", …" : "")) "
                                + "could not be addressed and \(unaddressable.count == 1 ? "was" : "were") not queued: \(EmailMessage.unaddressable); correct the referrer's email in the store")
        }
        let failed = notices.messages.count - queued - unaddressable.count
        if let failure {
            StandardError.write("warning: \(failed) email\(failed == 1 ? "" : "s") about the recorded changes could not be queued in \(outbox.directory): \(failure)")
        }
    }

    /// Loads every input of the site, printing its warnings; on errors prints them and exits 1.
    static func loadSite(_ options: BuildOptions) throws -> SiteInputs {
        do {
            let inputs = try SiteInputs.load(options)
            DiagnosticPrinter.print(inputs.warnings)
            return inputs
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
    }
}
