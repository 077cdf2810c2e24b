import Advocate
import ArgumentParser
import Foundation

struct ReferralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral",
        abstract: "Record what happened to a referral.",
        discussion: """
            Examples:
              advocate referral status rf_0042 contacted
              advocate referral status rf_0042 converted --value 1200
              advocate referral status --help
            """,
        subcommands: [Status.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append a status event (contacted, converted, rejected or rewarded) to the journal.",
            discussion: """
                Refuses an unknown id, a referral that was not counted, and an impossible move such as \
                rewarded before converted. The journal is the store's: stop `advocate serve` first.

                Examples:
                  advocate referral status rf_0042 contacted
                  advocate referral status rf_0042 converted --value 1200
                  advocate referral status rf_0042 rejected --reason refunded
                """)

        @Argument(help: "The referral's id (see `advocate export referrals`).")
        var id: String

        @Argument(help: "contacted, converted, rejected or rewarded.")
        var status: ReferralStatus

        // Unconditional, so that `--value -5` is read as a value (and refused) rather than as an option.
        @Option(parsing: .unconditional, help: "The order value, with converted: digits with a point before the decimals (1200.50).")
        var value: String?

        @Option(help: "Why, with rejected (for example: refunded).")
        var reason: String?

        @Option(help: ArgumentHelp("When it happened (default: now); a day is its start, or the time of the referral's latest event that day.",
                                   valueName: "ISO 8601 time or YYYY-MM-DD"),
                transform: { text in
                    if let instant = Instant(iso8601: text) { return (instant, false) }
                    guard let day = CalendarDay(text) else {
                        throw ValidationError("--at must be a date such as 2026-03-20 or a time with its zone such as 2026-03-20T16:00:00Z, found \"\(text)\"")
                    }
                    return (day.start, true)
                })
        var at: (instant: Instant, isDay: Bool)?

        @Flag(help: "Record the change without emailing the referrer about it.")
        var noEmails = false

        @OptionGroup var site: SiteOptions

        func validate() throws {
            if value != nil, status != .converted {
                throw ValidationError("--value is the order's value and goes with converted, not with \(status.rawValue)")
            }
            if let reason, reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--reason is empty: say why the referral was rejected (refunded, cancelled…), or leave --reason out")
            }
            if reason != nil, status != .rejected {
                throw ValidationError("--reason says why a referral was rejected and goes with rejected, not with \(status.rawValue)")
            }
        }

        func run() throws {
            let options = site.buildOptions()
            let recording = StatusRecording(command: "advocate referral status")
            let (writer, store) = try StoreCommandSupport.lockAndLoadStore(options)
            var amount: Double?
            if let value {
                // As an import reads one: `1.200` (a thousand two hundred) had been recorded as 1.2.
                switch StatusImport.orderValue(value, decimals: Money.decimals(of: store.program.currency)) {
                case .success(let number): amount = number
                case .failure(let problem):
                    StandardError.write("error: --value \"\(value)\" \(problem.message)")
                    throw ExitCode.failure
                }
            }
            let update = StatusRecorder.placingDays([StatusUpdate(id: id, status: status, value: amount, reason: reason, at: at?.instant ?? .now,
                                                                  isDay: at?.isDay ?? false)], store: store)[0]
            if let problem = StatusRecorder.problems([update], store: store).first {
                StandardError.write("error: \(problem.message)")
                throw ExitCode.failure
            }
            do {
                try recording.record([update], with: writer, options: options, emails: !noEmails)
            } catch {
                StandardError.write("error: \(error)")
                throw ExitCode.failure
            }
            print("\(id) is now \(status.rawValue)")
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import status changes from a CRM export.",
        discussion: """
            Examples:
              advocate import statuses crm-export.csv
              advocate import statuses --help    # the columns it reads
            """,
        subcommands: [Statuses.self])

    struct Statuses: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append the status changes of a CSV file (columns id and status; value, at and reason optional), all or nothing.",
            discussion: """
                Every line is checked first (known id, counted referral, possible move, valid value and \
                time); any problem is reported with its line number and nothing is recorded. A line \
                giving the status its referral already has (a CRM's full export) is skipped, with a note.

                Examples:
                  advocate import statuses crm-export.csv
                  advocate import statuses backlog.csv --no-emails   # old changes: no emails
                  crm-export-tool | advocate import statuses -
                """)

        @Argument(help: "The CSV file, with a header row; - reads standard input.")
        var file: String

        @Flag(help: "Record the changes without emailing referrers about them (a backlog of old changes, say).")
        var noEmails = false

        @OptionGroup var site: SiteOptions

        /// The most an import reads: a CRM's export of a million status changes is about 60 MB,
        /// and a pipe that never ends (`yes |`) must not grow until the process is killed.
        static let maximumBytes = 256 << 20

        /// The CSV's bytes and the name its problems are placed in: standard input for `-`, else
        /// the file (a pipe or `/dev/stdin` too, which are no regular files); read before the
        /// store's lock is taken, so a slow pipe does not hold up the server or another command.
        private func readCSV() throws -> (data: Data, name: String) {
            let name = file == "-" ? "<stdin>" : file
            let handle: FileHandle
            if file == "-" {
                handle = FileHandle.standardInput
            } else {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else {
                    StandardError.write("error: cannot read \(file): no such file")
                    throw ExitCode.failure
                }
                guard !isFolder.boolValue else {
                    StandardError.write("error: \(file) is a folder; give the CSV file (or - to read standard input)")
                    throw ExitCode.failure
                }
                guard let opened = FileHandle(forReadingAtPath: file) else {
                    StandardError.write("error: cannot read \(file): permission denied")
                    throw ExitCode.failure
                }
                handle = opened
            }
            var data = Data()
            do {
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    data.append(chunk)
                    guard data.count <= Self.maximumBytes else {
                        StandardError.write("error: \(name) is larger than \(Self.maximumBytes >> 20) MiB; import it in parts")
                        throw ExitCode.failure
                    }
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                StandardError.write("error: cannot read \(name): \(fileSystemReason(error))")
                throw ExitCode.failure
            }
            return (data, name)
        }

        func run() throws {
            let options = site.buildOptions()
            let (data, name) = try readCSV()
            let recording = StatusRecording(command: "advocate import statuses")
            let (writer, store) = try StoreCommandSupport.lockAndLoadStore(options)
            let text: String
            switch StatusImport.text(ofCSV: data) {
            case .success(let decoded): text = decoded
            case .failure(let problem):
                StandardError.write("error: \(name) \(problem)")
                throw ExitCode.failure
            }
            switch StatusImport.updates(csv: text, file: name, store: store, now: .now) {
            case .failure(let error):
                DiagnosticPrinter.print(error.diagnostics)
                StandardError.write("\(error.errors.count) error\(error.errors.count == 1 ? "" : "s"); nothing was imported")
                throw ExitCode.failure
            case .success(let imported):
                DiagnosticPrinter.print(imported.warnings)
                let updates = imported.updates
                do {
                    try recording.record(updates, with: writer, options: options, emails: !noEmails)
                } catch {
                    StandardError.write("error: \(error)")
                    throw ExitCode.failure
                }
                print("imported \(updates.count) status change\(updates.count == 1 ? "" : "s")"
                      + (imported.unchanged > 0 ? " (\(imported.unchanged) unchanged line\(imported.unchanged == 1 ? "" : "s") skipped)" : ""))
            }
        }
    }
}

extension ReferralStatus: ExpressibleByArgument {}
