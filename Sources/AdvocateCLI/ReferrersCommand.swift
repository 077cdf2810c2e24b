import Advocate
import ArgumentParser

struct ReferrersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referrers",
        abstract: "List the roster or add a referrer.",
        discussion: """
            Examples:
              advocate referrers list
              advocate referrers add --name "Ada Lovelace" --email ada@example.com
            """,
        subcommands: [List.self, Add.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every referrer with their share URL and private stats URL.",
            discussion: """
                Example:
                  advocate referrers list
                """)

        @OptionGroup var site: SiteOptions

        func run() throws {
            let store = try StoreCommandSupport.loadStore(site.buildOptions())
            let urls = SiteURLs(baseURL: store.program.baseURL)
            StandardError.write("note: the last column is each referrer's private stats link (anyone with a link sees their figures); share the list only with those who need it")
            try StandardOutput.write(store.referrers.map { referrer in
                "\(referrer.code)\t\(referrer.name)\t\(referrer.segment.rawValue)\t\(urls.referrerLink(referrer.code))\t\(urls.statsURL(referrer.statsToken))\n"
            }.joined())
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a referrer to referrers.json with a readable code and a fresh random stats token.",
            discussion: """
                The code is derived from the name where it is free (ada, then ada-lovelace, then \
                ada-lovelace-2) unless --code is given. referrers.json is rewritten atomically.

                Example:
                  advocate referrers add --name "Ada Lovelace" --email ada@example.com \\
                    --segment partner
                """)

        @Option(help: "The referrer's name, as pages show it.")
        var name: String

        @Option(help: "The referrer's email (never shown on public pages).")
        var email: String

        @Option(help: "The share code, [a-z0-9-]{2,40} (default: derived from the name).")
        var code: String?

        @Option(help: "customer, partner, employee or affiliate.")
        var segment: Segment = .customer

        @Option(help: ArgumentHelp("The day they joined (default: today, in UTC).", valueName: "YYYY-MM-DD"),
                transform: { text in
                    guard let day = CalendarDay(text) else { throw ValidationError("--joined must be a date YYYY-MM-DD, such as 2026-03-31; got \(CalendarDay.quoted(text))") }
                    return day
                })
        var joined: CalendarDay?

        @OptionGroup var site: SiteOptions

        func run() throws {
            let options = site.buildOptions()
            try StoreCommandSupport.checkSourceFolder(options)
            var store: Store?
            do {
                // The store is read once, under the store's lock (the roster as it is then).
                let referrer = try RosterEditor.add(name: name, email: email, code: code, segment: segment, joined: joined ?? Instant.now.day,
                                                    dataDirectory: options.dataDirectory, warn: { StandardError.write("warning: \($0)") }) {
                    let read = try StoreCommandSupport.loadStore(options)
                    store = read
                    return read
                }
                let urls = SiteURLs(baseURL: store!.program.baseURL)
                print("added \(referrer.code)")
                print("  share page: \(urls.referrerLink(referrer.code))")
                print("  stats page: \(urls.statsURL(referrer.statsToken))  (private: send it to them only)")
                print("run `advocate build` to publish their pages")
            } catch let exit as ExitCode {
                throw exit  // the store's problems, already printed
            } catch {
                StandardError.write("error: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

extension Segment: ExpressibleByArgument {}
