import Foundation
import Testing
@testable import Advocate

/// The team's workflow through the `advocate` executable, on real folders.
@Suite(.serialized) struct WorkflowCLITests {
    @Test func initThenBuildThenCheckPassFromAnEmptyFolder() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let created = try CLIRunner.run(["init", folder.path, "--name", "Zoë's Rewards"])
        #expect(created.status == 0, "\(created.stderr)")
        let program = try StoreLoader.load(from: folder.appendingPathComponent("content/data").path).store.program
        let analytics = "https://refer.example.com/stats/\(program.analyticsToken)/"
        #expect(created.stderr.contains("the analytics page, private to your team: \(analytics)") && !created.stdout.contains(analytics), "\(created)")
        // On standard error, so that a saved or pasted table does not carry the private link.
        let stats = try CLIRunner.run(["stats", "--source", folder.path])
        #expect(stats.stderr.contains("the analytics page (private to the team): \(analytics)") && !stats.stdout.contains(analytics), "\(stats)")
        let roster = try CLIRunner.run(["referrers", "list", "--source", folder.path])
        #expect(roster.stdout.contains("/stats/") && roster.stderr.hasPrefix("note: the last column is each referrer's private stats link"), "\(roster)")
        let build = try CLIRunner.run(["build", "--source", folder.path])
        #expect(build.status == 0, "\(build.stderr)")
        let check = try CLIRunner.run(["check", "--source", folder.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("0 errors"), "\(check.stdout)\(check.stderr)")
        // The starter theme uses only values its pages provide, with no story yet too (`hasByline`
        // was named unknown). The SMS may warn: "Zoë" is not GSM-7, so the text goes as UCS-2
        // with 70 characters a segment. Diagnostics go to standard error.
        #expect(!check.stderr.contains("is not a value any page provides"), "\(check.stderr)")
        let again = try CLIRunner.run(["init", folder.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("is not empty"))
    }

    /// `advocate init` with no folder starts the program in the current one, .gitignore included
    /// (it keeps the outbox's emails out of git); a file given as the folder is named as one.
    @Test func initStartsAProgramInTheCurrentFolder() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let created = try CLIRunner.run(["init"], in: folder)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent(".gitignore"), encoding: .utf8).contains(".advocate/"))
        #expect(created.stderr.contains("the analytics page"), "\(created.stderr)")
        // The command to run next can be pasted into a shell whatever the folder's name.
        let spaced = try CLIRunner.run(["init", "new prog's"], in: folder)
        let hint = try #require(spaced.stdout.split(separator: "\n").first { $0.hasPrefix("next: advocate build --source ") })
        let word = hint.dropFirst("next: advocate build --source ".count).components(separatedBy: "   ")[0]
        #expect(word == "'new prog'\\''s'", "\(hint)")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "printf %s " + word]
        let echoed = Pipe()
        shell.standardOutput = echoed
        try shell.run()
        shell.waitUntilExit()
        #expect(String(decoding: echoed.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "new prog's", "\(word)")
        // A name like an option is written as a path, which the command reads as one.
        let dashed = try CLIRunner.run(["init", "--", "-dash"], in: folder)
        #expect(dashed.stdout.contains("next: advocate build --source ./-dash   "), "\(dashed.stdout)")
        let file = folder.appendingPathComponent("notes.txt")
        try "mine".write(to: file, atomically: true, encoding: .utf8)
        let onAFile = try CLIRunner.run(["init", "notes.txt"], in: folder)
        #expect(onAFile.status == 1)
        #expect(onAFile.stderr.contains("\(file.path) is a file, not a folder"), "\(onAFile.stderr)")
        // Below a file, or through a link to nowhere: named, not a raw NSCocoaErrorDomain error.
        let belowAFile = try CLIRunner.run(["init", "notes.txt/program"], in: folder)
        #expect(belowAFile.status == 1 && belowAFile.stderr.contains("program/templates/404.mustache: Not a directory"), "\(belowAFile.stderr)")
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link"), withDestinationURL: folder.appendingPathComponent("nowhere"))
        let dangling = try CLIRunner.run(["init", "link"], in: folder)
        #expect(dangling.status == 1 && dangling.stderr.contains("link is a symbolic link to \(folder.path)/nowhere, which does not exist"), "\(dangling.stderr)")
    }

    /// A program that grows only through the join form starts with no referrer and no journal
    /// event: its public leaderboard and its analytics page say so rather than "as of 1970-01-01".
    @Test func aProgramWithNothingYetSaysSoInsteadOfA1970AsOf() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        try "[]\n".write(to: folder.appendingPathComponent("content/data/referrers.json"), atomically: true, encoding: .utf8)
        try "".write(to: folder.appendingPathComponent("content/data/referrals.jsonl"), atomically: true, encoding: .utf8)
        let build = try CLIRunner.run(["build", "--source", folder.path])
        #expect(build.status == 0, "\(build.stderr)")
        let program = try StoreLoader.load(from: folder.appendingPathComponent("content/data").path).store.program
        for page in ["public/stats/\(program.analyticsToken)/index.html", "public/leaderboard/index.html"] {
            let url = folder.appendingPathComponent(page)
            // The leaderboard is there when the program's referrers may opt in to it.
            guard FileManager.default.fileExists(atPath: url.path) || page.contains("/stats/") else { continue }
            let html = try String(contentsOf: url, encoding: .utf8)
            #expect(html.contains("No referrals yet."), "\(page)")
            #expect(!html.contains("1970"), "\(page)")
        }
    }

    /// `referrers add` dates the new referrer today, and `build -q` prints nothing when all is well.
    @Test func addingAReferrerThenAQuietBuild() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        let added = try CLIRunner.run(["referrers", "add", "--name", "Pat Jones", "--email", "pat@example.com", "--source", folder.path])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("added pat\n"))
        let store = try StoreLoader.load(from: folder.appendingPathComponent("content/data").path).store
        #expect(store.referrers.first { $0.code == "pat" }?.joined == Instant.now.day)
        let quiet = try CLIRunner.run(["build", "-q", "--source", folder.path])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("public/r/pat/index.html").path))
    }

    @Test func verboseBuildTimesEachStepAfterTheSummary() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        let full = try CLIRunner.run(["build", "--source", folder.path, "--verbose"])
        #expect(full.status == 0, "\(full.stderr)")
        let steps = full.stdout.split(separator: "\n").drop { !$0.contains(" files: ") }.dropFirst()
        #expect(steps.map { $0.split(separator: "  ").first?.trimmingCharacters(in: .whitespaces) } == [
            "compare with the last build", "load the store, content and theme", "compute the figures", "plan the pages",
            "render and stage the pages", "move the staged files into place", "remove old files, record the output",
            "finish the snapshot, save the stamp",
        ])
        #expect(steps.allSatisfy { $0.hasSuffix(" ms") })
        let again = try CLIRunner.run(["build", "--source", folder.path, "--verbose"])
        let againSteps = again.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.hasSuffix(" ms") }
        #expect(againSteps.count == 1 && againSteps[0].contains("compare with the last build"), "\(again.stdout)")
        let quiet = try CLIRunner.run(["build", "--source", folder.path])
        #expect(!quiet.stdout.contains("compare with the last build"))
    }

    /// A mistyped address must not read as an erasure done: the request is logged, nothing else
    /// changes, and the site is not rebuilt.
    @Test func forgettingAnAddressNobodyHasSaysSoAndChangesOnlyTheLog() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        #expect(try CLIRunner.run(["build", "--source", folder.path]).status == 0)
        let before = CLIRunner.snapshot(folder)
        let forget = try CLIRunner.run(["forget", "nobody@example.org", "--source", folder.path])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("nobody@example.org is not in the store: no referrer or referral has it, so nothing was erased"),
                "\(forget.stdout)")
        #expect(!forget.stdout.contains(" files: "), "no rebuild: \(forget.stdout)")
        let after = CLIRunner.snapshot(folder)
        let changed = Set(after.keys).union(before.keys).filter { before[$0] != after[$0] }
        #expect(changed.subtracting(["content/data/erasures.log", "content/data/referrals.jsonl.lock"]).isEmpty, "\(changed.sorted())")
        #expect(changed.contains("content/data/erasures.log"))
        // Only in a torn line set aside: that line goes, and the command says so.
        try Data(#"{"type":"referral","id":"rf_x","name":"Torn","email":"torn@exa"#.utf8)
            .write(to: folder.appendingPathComponent("content/data/referrals.jsonl.torn-2026-03-02T00:00:00.000Z"))
        let torn = try CLIRunner.run(["forget", "torn@example.org", "--source", folder.path])
        #expect(torn.stdout.contains("torn@example.org is not in the store: no referrer or referral has it; deleted 1 torn journal line(s) set aside that named them"), "\(torn.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("content/data/referrals.jsonl.torn-2026-03-02T00:00:00.000Z").path))
    }

    /// `init --force` over a store that does not load says so at once, not at the first build.
    @Test func initOverAStoreThatDoesNotLoadSaysSo() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("content/data"), withIntermediateDirectories: true)
        try Data("{\"name\": \"Mine\",\n".utf8).write(to: folder.appendingPathComponent("content/data/program.json"))
        let created = try CLIRunner.run(["init", folder.path, "--force"])
        #expect(created.status == 1, "invalid input: `init --force && advocate build` must stop here")
        #expect(created.stderr.contains("program.json:2:1: error:"), "\(created.stderr)")
        #expect(created.stderr.contains("has errors: fix them before building"), "\(created.stderr)")
        #expect(!created.stderr.contains("analytics page") && !created.stdout.contains("next: advocate build"), "\(created)")
    }

    /// An erasure whose rebuild fails stands, and the command says that the pages still show
    /// the person, where it read as undone and a second `forget` then found nothing.
    @Test func anErasureWhoseRebuildFailsSaysThePagesStillShowThem() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        #expect(try CLIRunner.run(["referrers", "add", "--name", "Grace Hopper", "--email", "grace@example.org", "--source", folder.path]).status == 0)
        try Data("{{#page.title}}\n".utf8).write(to: folder.appendingPathComponent("templates/home.mustache"))
        let forget = try CLIRunner.run(["forget", "grace@example.org", "--source", folder.path])
        #expect(forget.status == 1)
        #expect(forget.stdout.contains("erased 1 referrer record(s)"), "\(forget.stdout)")
        #expect(forget.stderr.hasSuffix("the erasure is done, but the site was not rebuilt and its pages still show them: fix the error above, then run `advocate build`\n"),
                "\(forget.stderr)")
        #expect(try !String(contentsOf: folder.appendingPathComponent("content/data/referrers.json"), encoding: .utf8).contains("grace@example.org"))
    }

    /// Arguments that cannot be meant are usage errors (64) that say what to do, before any work.
    @Test func contradictoryOrMalformedArgumentsAreUsageErrors() throws {
        let forget = try CLIRunner.run(["forget", "grace", "--source", "examples/none"])
        #expect(forget.status == 64, "\(forget.stderr)")
        #expect(forget.stderr.contains("'grace' is not an email address"), "\(forget.stderr)")
        let build = try CLIRunner.run(["build", "--quiet", "--verbose", "--source", "examples/none"])
        #expect(build.status == 64, "\(build.stderr)")
        #expect(build.stderr.contains("--quiet and --verbose contradict each other"), "\(build.stderr)")
        // A negative number is the option's value, refused for its range (it read as a missing value).
        for (option, message) in [("--port", "--port must be between 0 and 65535"), ("--ip-limit", "limits must be 0 (off) or more"),
                                  ("--idle-timeout", "--idle-timeout must be between 1 and 3600 seconds")] {
            let serve = try CLIRunner.run(["serve", option, "-1", "--source", "examples/none"])
            #expect(serve.status == 64 && serve.stderr.contains(message), "\(option): \(serve.stderr)")
        }
        // An option for another status, which would be recorded and mean nothing.
        for (arguments, message) in [(["contacted", "--value", "10"], "--value is the order's value and goes with converted, not with contacted"),
                                     (["rewarded", "--reason", "foo"], "--reason says why a referral was rejected and goes with rejected, not with rewarded"),
                                     (["rejected", "--reason", " "], "--reason is empty: say why the referral was rejected"),
                                     (["rejected", "--reason", " \n "], "--reason is empty: say why the referral was rejected")] {
            let status = try CLIRunner.run(["referral", "status", "rf_1"] + arguments + ["--source", "examples/none"])
            #expect(status.status == 64 && status.stderr.contains(message), "\(status.stderr)")
        }
        // A year typed wrong, which the journal would refuse in a time.
        let stats = try CLIRunner.run(["stats", "--as-of", "9999-12-31", "--source", "examples/none"])
        #expect(stats.status == 64, "\(stats.stderr)")
        #expect(stats.stderr.contains("--as-of 9999-12-31 is outside the years 1970 to 2199 that the journal takes; check the year"), "\(stats.stderr)")
        // `--output` is the site's folder: a file named there by a command that prints is refused
        // with the redirection meant (the CSV had filled the terminal, the option ignored).
        for (arguments, expected) in [(["export", "referrers", "--output", "my list.csv"], "write advocate export referrers > 'my list.csv'"),
                                      (["export", "stats", "--format", "json", "--output", "s.JSON"], "write advocate export stats --format json > s.JSON"),
                                      (["stats", "--output", "README.md"], "write advocate stats > README.md")] {
            let printed = try CLIRunner.run(arguments)
            #expect(printed.status == 64 && printed.stderr.contains("--output is the folder a build writes the site into; advocate \(arguments[0])"), "\(printed.stderr)")
            #expect(printed.stderr.contains(expected) && printed.stdout.isEmpty, "\(printed.stderr)")
        }
        let intoFolder = try CLIRunner.run(["stats", "--output", "public"])
        #expect(intoFolder.status == 0 && intoFolder.stdout.contains("ada"), "\(intoFolder.stderr)")
        // A day after today is a forecast: allowed, with a warning.
        let forecast = try CLIRunner.run(["stats", "--as-of", "2199-12-31", "--format", "json"])
        #expect(forecast.status == 0, "\(forecast.stderr)")
        #expect(forecast.stderr.contains("warning: --as-of 2199-12-31 is after today ("), "\(forecast.stderr)")
        #expect(forecast.stdout.contains(#""asOf" : "2199-12-31T23:59:59.999Z""#) || forecast.stdout.contains(#""asOf": "2199-12-31T23:59:59.999Z""#), "\(forecast.stdout.prefix(200))")
    }

    /// A mistyped command is named, with the one meant, at any level; the parser had said only
    /// "Unexpected argument" (or "Unknown option '--name'" for `referrers ad --name`).
    @Test func aMistypedCommandIsNamedWithTheOneMeant() throws {
        for (arguments, expected) in [(["biuld"], "Error: 'biuld' is not a command of 'advocate'. Did you mean 'build'?"),
                                      (["referrers", "ad", "--name", "X"], "Error: 'ad' is not a command of 'advocate referrers'. Did you mean 'add'?"),
                                      (["imp", "statuses", "x.csv"], "Did you mean 'import'?"),
                                      (["help", "biuld"], "Error: 'biuld' is not a command of 'advocate'. Did you mean 'build'?"),
                                      (["deploy"], "Error: 'deploy' is not a command of 'advocate'.\nIts commands: init, build, serve,")] {
            let run = try CLIRunner.run(arguments)
            #expect(run.status == 64 && run.stderr.contains(expected), "\(arguments): \(run.stderr)")
        }
        let help = try CLIRunner.run(["help", "build"])
        #expect(help.status == 0 && help.stdout.contains("OVERVIEW: Build the portal"), "\(help.stderr)")
    }

    /// A journal event dated after now (a year typed wrong) makes every figure a forecast: stats
    /// and build say so, which --as-of, taken as asked, silences.
    @Test func aNewestEventAfterNowIsWarnedOf() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent("content/data/referrals.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"type":"referral","id":"rf_ahead","at":"2199-01-15T10:00:00Z","referrer":"ada","name":"Kim Lee","email":"kim@example.org","source":"link","consent":true}"#.utf8 + [0x0A]))
        try handle.close()
        let warning = "warning: the figures are as of 2199-01-15T10:00:00Z, after now ("
        for command in [["stats"], ["build", "--quiet"]] {
            let run = try CLIRunner.run(command + ["--source", folder.path])
            #expect(run.status == 0 && run.stderr.contains(warning), "\(command): \(run.stderr)")
        }
        let asked = try CLIRunner.run(["stats", "--as-of", "2026-06-30", "--source", folder.path])
        #expect(asked.status == 0 && !asked.stderr.contains("after now"), "\(asked.stderr)")
        let check = try CLIRunner.run(["check", "--source", folder.path])
        #expect(check.stderr.contains("referrals.jsonl:"), "\(check.stderr)")
        #expect(check.stderr.contains("field 'at': the newest event is dated 2199-01-15T10:00:00Z, after now ("), "\(check.stderr)")
        // A new program's referrers joined today: its figures are as of today's end, no forecast.
        let fresh = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: fresh.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", fresh.path]).status == 0)
        let first = try CLIRunner.run(["build", "--source", fresh.path])
        #expect(first.status == 0 && !first.stderr.contains("after now"), "\(first.stderr)")
    }

    /// A status change is emailed to its referrer, unless --no-emails (a backlog of old changes,
    /// which its referrers heard of long ago): recorded all the same.
    @Test func aStatusChangeIsEmailedUnlessNoEmails() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outbox = folder.appendingPathComponent(".advocate/outbox")
        let emails = { ((try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []).filter { $0.hasSuffix(".eml") }.count }
        let quiet = try CLIRunner.run(["referral", "status", "rf_0063", "contacted", "--at", "2026-06-26T10:00:00Z", "--no-emails", "--source", folder.path])
        #expect(quiet.status == 0 && emails() == 0, "\(quiet.stderr)")
        let csv = folder.appendingPathComponent("backlog.csv")
        try Data("id,status,at\nrf_0063,converted,2026-06-27T10:00:00Z\n".utf8).write(to: csv)
        let backlog = try CLIRunner.run(["import", "statuses", csv.path, "--no-emails", "--source", folder.path])
        #expect(backlog.status == 0 && emails() == 0, "\(backlog.stderr)")
        let journal = try String(contentsOf: folder.appendingPathComponent("content/data/referrals.jsonl"), encoding: .utf8)
        #expect(journal.contains(#""id":"rf_0063","at":"#) && journal.contains(#""status":"converted""#))
        let told = try CLIRunner.run(["referral", "status", "rf_0063", "rewarded", "--at", "2026-06-29T10:00:00Z", "--source", folder.path])
        #expect(told.status == 0 && emails() == 1, "\(told.stdout)\(told.stderr)")
        // A referrer's address no mail command takes: the change is recorded and the email's loss said.
        let referrers = folder.appendingPathComponent("content/data/referrers.json")
        try Data(try String(contentsOf: referrers, encoding: .utf8).replacingOccurrences(of: #""ada@example.com""#, with: #""ada@example.com>, eve@example.com""#).utf8)
            .write(to: referrers)
        let unmailable = try CLIRunner.run(["referral", "status", "rf_0043", "contacted", "--at", "2026-06-30T10:00:00Z", "--source", folder.path])
        #expect(unmailable.status == 0 && emails() == 1, "\(unmailable.stdout)\(unmailable.stderr)")
        #expect(unmailable.stderr.contains("warning: 1 email (rf_0043.contacted.") && unmailable.stderr.contains(") could not be addressed and was not queued"),
                "\(unmailable.stderr)")
    }

    /// A command that appends sets an unfinished last line aside, and says so: it had done so
    /// without a word, then recorded its own line after it.
    @Test func anUnfinishedLastLineSetAsideIsToldOf() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("content/data/referrals.jsonl")
        for command in [["referral", "status", "rf_0063", "contacted"], ["referrers", "add", "--name", "Tom Tailor", "--email", "tom@example.com"],
                        ["forget", "nobody@example.com", "--no-build"]] {
            let handle = try FileHandle(forWritingTo: journal)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"type":"status","id":"rf_0063","at":"2026-06-28T17:00:00Z","status":"rejected","reason":"refu"#.utf8))
            try handle.close()
            let run = try CLIRunner.run(command + ["--source", folder.path])
            #expect(run.stderr.contains("warning: the journal's last line was unfinished (a crash mid-write, or a line still being typed): kept in "), "\(command): \(run.stderr)")
        }
    }

    /// `--value` is read as an import reads a value: `1.200` (a thousand two hundred) had been
    /// recorded as 1.2.
    @Test func aValueOfAmbiguousDecimalsIsRefused() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try String(contentsOf: folder.appendingPathComponent("content/data/referrals.jsonl"), encoding: .utf8)
        let status = try CLIRunner.run(["referral", "status", "rf_0063", "converted", "--value", "1.200", "--source", folder.path])
        #expect(status.status == 1)
        #expect(status.stderr.contains("error: --value \"1.200\" has more than 2 decimals"), "\(status.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("content/data/referrals.jsonl"), encoding: .utf8) == journal)
    }

    /// An import names what is wrong with the file itself before reading any line of it.
    @Test func importingAMissingOrNonUTF8FileSaysWhich() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("program")
        #expect(try CLIRunner.run(["init", site.path]).status == 0)
        let missing = try CLIRunner.run(["import", "statuses", folder.appendingPathComponent("nope.csv").path, "--source", site.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.csv: no such file"), "\(missing.stderr)")
        let latin1 = folder.appendingPathComponent("latin1.csv")
        try Data("id,status\nrf_caf\u{E9},converted\n".data(using: .isoLatin1)!).write(to: latin1)
        let notUTF8 = try CLIRunner.run(["import", "statuses", latin1.path, "--source", site.path])
        #expect(notUTF8.status == 1)
        #expect(notUTF8.stderr.contains("latin1.csv is not UTF-8 text from line 2, column 7 on: export the CSV as UTF-8"), "\(notUTF8.stderr)")
        let aFolder = try CLIRunner.run(["import", "statuses", folder.path, "--source", site.path])
        #expect(aFolder.status == 1 && aFolder.stderr.contains("is a folder; give the CSV file (or - to read standard input)"), "\(aFolder.stderr)")
        // `-` reads standard input, a CRM tool's output piped in; its problems are placed in <stdin>.
        let piped = try CLIRunner.run(["import", "statuses", "-", "--source", site.path], input: Data("id,status\nrf_nobody,contacted\n".utf8))
        #expect(piped.status == 1 && piped.stderr.contains("<stdin>:2:"), "\(piped.stderr)")
    }

    /// SIGHUP makes a running `advocate serve` reread its inputs and rebuild the site, as daemons
    /// reload their configuration, instead of ending it; SIGTERM still stops it cleanly.
    @Test func sighupRebuildsARunningServersSiteFromTheChangedInputs() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        let log = folder.deletingLastPathComponent().appendingPathComponent("serve.log")
        let server = try CLIRunner.start(["serve", "--source", folder.path, "--port", "0"], log: log)
        defer { if server.isRunning { server.terminate() } }
        try #require(try CLIRunner.waitFor("Serving http://127.0.0.1:", in: log, from: server))

        let faq = folder.appendingPathComponent("content/faq.md")
        try (try String(contentsOf: faq, encoding: .utf8) + "\nAdded while the server ran.\n").write(to: faq, atomically: true, encoding: .utf8)
        let roster = folder.appendingPathComponent("content/data/referrers.json")
        var referrers = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: roster)) as? [[String: Any]])
        referrers.append(["code": "hup-test", "name": "Hup Test", "email": "hup@example.org", "statsToken": "q8Zr3LmV0xTk5Wn2Yb7Hc1Jd"])
        try JSONSerialization.data(withJSONObject: referrers).write(to: roster)
        kill(server.processIdentifier, SIGHUP)

        #expect(try CLIRunner.waitFor("rebuilt on SIGHUP", in: log, from: server), "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        #expect(server.isRunning)
        let page = try String(contentsOf: folder.appendingPathComponent("public/faq/index.html"), encoding: .utf8)
        #expect(page.contains("Added while the server ran."))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("public/r/hup-test/index.html").path))
        let runMark = folder.appendingPathComponent(".advocate/outbox/.running").path
        #expect(FileManager.default.fileExists(atPath: runMark), "the run is marked while it runs")
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: runMark), "a clean stop leaves no mark of a killed run")
    }

    /// A page open in watch mode holds the reload stream open; SIGTERM (and Ctrl-C) must still
    /// stop the server, at once and cleanly. It waited on the stream for good.
    @Test func sigtermStopsAWatchingServerWithAPageOpen() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        let log = folder.deletingLastPathComponent().appendingPathComponent("serve.log")
        let server = try CLIRunner.start(["serve", "--source", folder.path, "--port", "0", "--watch"], log: log)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try #require(try CLIRunner.waitFor("Serving http://127.0.0.1:", in: log, from: server))
        let page = try #require(try Self.connect(toServerIn: log))
        defer { close(page) }
        let request = "GET /_advocate/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(page, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let received = recv(page, &buffer, buffer.count, 0)
        #expect(received > 0 && String(decoding: buffer.prefix(max(0, received)), as: UTF8.self).contains("text/event-stream"))

        let asked = Date()
        server.terminate()
        while server.isRunning && Date().timeIntervalSince(asked) < 10 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!server.isRunning, "SIGTERM did not stop a server with a reload stream open")
        if !server.isRunning { #expect(server.terminationReason == .exit && server.terminationStatus == 0) }
        // The log says the server is stopping and has stopped; it had ended at the last access line.
        let stopped = try String(contentsOf: log, encoding: .utf8)
        #expect(stopped.contains("stopping: finishing the page refresh under way and writing the queued emails"), "\(stopped)")
        #expect(stopped.split(separator: "\n").last?.contains("stopped") == true, "\(stopped)")
    }

    /// A socket connected to the server whose log is at `log` (its "Serving …" line names the port).
    static func connect(toServerIn log: URL) throws -> Int32? {
        let text = try String(contentsOf: log, encoding: .utf8)
        guard let port = text.split(separator: "Serving http://127.0.0.1:").last.flatMap({ Int($0.prefix { $0.isNumber }) }) else { return nil }
        let connection = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(connection, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else {
            close(connection)
            return nil
        }
        return connection
    }

    /// A request whose body never ends (sent a byte at a time) holds a stopping server for ten
    /// seconds at most, and a second signal stops it at once; it held the stop for good.
    @Test(arguments: [false, true]) func aRequestThatNeverEndsHoldsTheStopForTenSecondsAtMost(secondSignal: Bool) throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        let log = folder.deletingLastPathComponent().appendingPathComponent("serve.log")
        let server = try CLIRunner.start(["serve", "--source", folder.path, "--port", "0"], log: log)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try #require(try CLIRunner.waitFor("Serving http://127.0.0.1:", in: log, from: server))
        let slow = try #require(try Self.connect(toServerIn: log))
        defer { close(slow) }
        let head = "POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"
        _ = head.withCString { send(slow, $0, strlen($0), 0) }
        Thread.sleep(forTimeInterval: 0.5)

        let asked = Date()
        kill(server.processIdentifier, SIGTERM)
        if secondSignal {
            try #require(try CLIRunner.waitFor("a second signal stops at once", in: log, from: server, seconds: 5))
            kill(server.processIdentifier, SIGINT)
        }
        var sent = 0
        while server.isRunning && Date().timeIntervalSince(asked) < 30 {
            // A byte a second keeps the connection from going idle.
            if Date().timeIntervalSince(asked) > Double(sent) { _ = "x".withCString { send(slow, $0, 1, Int32(MSG_NOSIGNAL)) }; sent += 1 }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let took = Date().timeIntervalSince(asked)
        #expect(!server.isRunning, "the server did not stop")
        #expect(took < (secondSignal ? 3 : 14), "took \(took) s")
        if !server.isRunning {
            #expect(server.terminationReason == .exit && server.terminationStatus == (secondSignal ? 128 + SIGINT : 0))
        }
    }

    /// `advocate serve` started with a low soft limit on open files (1,024 is common) raises it
    /// to the hard limit, so that a thousand idle sockets cannot take every descriptor.
    @Test func serveRaisesItsOpenFileLimitToTheHardLimit() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        let log = folder.deletingLastPathComponent().appendingPathComponent("serve.log")
        let server = try CLIRunner.start(["serve", "--source", folder.path, "--port", "0"], log: log, openFileSoftLimit: 256)
        defer { if server.isRunning { server.terminate() } }
        try #require(try CLIRunner.waitFor("Serving http://127.0.0.1:", in: log, from: server))
        let limits = try String(contentsOfFile: "/proc/\(server.processIdentifier)/limits", encoding: .utf8)
        let openFiles = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let figures = openFiles.split(separator: " ").compactMap { Int($0) }
        #expect(figures.count == 2 && figures[0] == figures[1] && figures[0] > 256, "\(openFiles)")
    }

    /// A build while `advocate serve` holds the store says that the server's refreshes keep what
    /// it loaded at start, and how to have the server rebuild instead; the same build without the
    /// server says nothing of it.
    @Test func aBuildWhileTheServerHoldsTheStoreWarnsThatItsRefreshesKeepTheOldTheme() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("program")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        #expect(try CLIRunner.run(["init", folder.path]).status == 0)
        let data = folder.appendingPathComponent("content/data").path
        let server = try JournalWriter(dataDirectory: data)
        let held = try CLIRunner.run(["build", "--source", folder.path])
        #expect(held.status == 0, "\(held.stderr)")
        #expect(held.stderr.contains("warning: advocate serve (pid \(ProcessInfo.processInfo.processIdentifier)) is running on this store"), "\(held.stderr)")
        #expect(held.stderr.contains("have it rebuild instead: kill -HUP \(ProcessInfo.processInfo.processIdentifier)."), "\(held.stderr)")
        #expect(held.stderr.contains("if that folder is this build's output (\(folder.appendingPathComponent("public").path))"), "\(held.stderr)")
        server.close()
        let free = try CLIRunner.run(["build", "--source", folder.path])
        #expect(free.status == 0 && !free.stderr.contains("advocate serve"), "\(free.stderr)")
    }

    /// `--output public` typed in two working folders is two outputs: a build in one had taken
    /// the other's record for its own, and after an appended referral left 14 stats pages of
    /// an older theme in place.
    /// Paths as people type them: an empty one (an unset variable) or a `~` the shell left is a
    /// usage error; a relative output below a one-letter folder is made; the same source spelt
    /// another way (`./site`, from inside it) finds the last build's stamp (nothing rendered).
    @Test func foldersAreTakenHoweverTheyAreSpelt() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        for arguments in [["--output", ""], ["--source", ""], ["--output=~/www"]] {
            let refused = try CLIRunner.run(["build"] + arguments, in: folder)
            #expect(refused.status == 64, "\(arguments): \(refused.stderr)")
        }
        #expect(try CLIRunner.run(["build", "--output", "~/www"], in: folder).stderr.contains("the shell did not expand ~"))
        let parent = folder.deletingLastPathComponent()
        let name = folder.lastPathComponent
        let first = try CLIRunner.run(["build", "--source", name, "--output", "\(name)/x/public"], in: parent)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x/public/index.html").path))
        for (arguments, directory) in [(["--source", "./\(name)", "--output", "\(name)/x/public"], parent), (["--output", "x/public"], folder)] {
            let again = try CLIRunner.run(["build"] + arguments, in: directory)
            #expect(again.status == 0 && again.stdout.contains(" 0 written") && again.stdout.contains("(0 rendered)"), "\(arguments): \(again.stdout)")
        }
    }

    @Test func aRelativeOutputFromAnotherFolderIsAnotherOutput() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let prod = folder.appendingPathComponent("prod"), staging = folder.appendingPathComponent("staging")
        for place in [prod, staging] { try FileManager.default.createDirectory(at: place, withIntermediateDirectories: false) }
        #expect(try CLIRunner.run(["build", "--source", folder.path, "--output", "public"], in: prod).status == 0)
        let stats = folder.appendingPathComponent("templates/stats.mustache")
        try (String(contentsOf: stats, encoding: .utf8) + "<!-- new footer -->\n").write(to: stats, atomically: false, encoding: .utf8)
        #expect(try CLIRunner.run(["build", "--source", folder.path, "--output", "public"], in: staging).status == 0)
        let journal = folder.appendingPathComponent("content/data/referrals.jsonl")
        let text = try String(contentsOf: journal, encoding: .utf8)
        let newest = text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))).flatMap { ($0 as? [String: Any])?["at"] as? String }
        }.max()!
        try (text + #"{"type":"referral","id":"rf_rel","at":"\#(newest)","referrer":"ada","name":"Rel Friend","email":"rel@example.org","source":"email","consent":true}"# + "\n")
            .write(to: journal, atomically: false, encoding: .utf8)
        #expect(try CLIRunner.run(["build", "--source", folder.path, "--output", "public"], in: prod).status == 0)
        #expect(try CLIRunner.run(["build", "--source", folder.path, "--output", folder.appendingPathComponent("fresh").path]).status == 0)
        let built = CLIRunner.snapshot(prod.appendingPathComponent("public"))
        #expect(!built.isEmpty && built == CLIRunner.snapshot(folder.appendingPathComponent("fresh")))
    }

    @Test func aReferralAppendedToTheExampleRebuildsOnlyItsPagesLikeAFullBuild() throws {
        let folder = try CLIRunner.copyOfExample()
        let fresh = try CLIRunner.temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: fresh)
        }
        let first = try CLIRunner.run(["build", "--source", folder.path])
        #expect(first.status == 0, "\(first.stderr)")
        let journal = folder.appendingPathComponent("content/data/referrals.jsonl")
        let text = try String(contentsOf: journal, encoding: .utf8)
        let newest = text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))).flatMap { ($0 as? [String: Any])?["at"] as? String }
        }.max()!
        let line = #"{"type":"referral","id":"rf_cli_new","at":"\#(newest)","referrer":"ada","name":"Cli Friend","email":"cli.friend@example.org","source":"qr","consent":true}"#
        try (text + line + "\n").write(to: journal, atomically: false, encoding: .utf8)
        let second = try CLIRunner.run(["build", "--source", folder.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("(3 rendered)"), "ada's stats page, the analytics page and the leaderboard: \(second.stdout)")

        for name in ["content", "templates"] {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: fresh.appendingPathComponent(name))
        }
        #expect(try CLIRunner.run(["build", "--source", fresh.path]).status == 0)
        let built = CLIRunner.snapshot(folder.appendingPathComponent("public"))
        #expect(!built.isEmpty)
        #expect(built == CLIRunner.snapshot(fresh.appendingPathComponent("public")))
    }

    /// DESIGN.md: check "goes on past a file it cannot read or parse and reports every problem
    /// it can find": a broken journal line, a broken messaging template and a template syntax
    /// error do not hide the page-level checks (links, template values, message lengths).
    @Test func checkReportsEveryProblemOfABrokenCopyOnItsOwnLine() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("content/data/referrals.jsonl")
        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[4] = "{\"type\": \"referral\", oops}"
        try lines.joined(separator: "\n").write(to: journal, atomically: false, encoding: .utf8)
        try "---\nchannel: sms\n---\nHi {{referrer.nickname}}! {{link}}\n"
            .write(to: folder.appendingPathComponent("content/messaging/zz-typo.md"), atomically: false, encoding: .utf8)
        try "---\nchannel: sms\n---\nHi {{referrer.name}}! \(String(repeating: "Long text. ", count: 20)) {{link}}\n"
            .write(to: folder.appendingPathComponent("content/messaging/zz-long.md"), atomically: false, encoding: .utf8)
        try "{{#never-closed}}\n".write(to: folder.appendingPathComponent("templates/zz-broken.mustache"), atomically: false, encoding: .utf8)
        let thanks = folder.appendingPathComponent("templates/thanks.mustache")
        try (try String(contentsOf: thanks, encoding: .utf8)).replacingOccurrences(of: "{{/main}}", with: "<a href=\"/nowhere/\">x</a>{{page.titel}}{{/main}}")
            .write(to: thanks, atomically: false, encoding: .utf8)
        let result = try CLIRunner.run(["check", "--source", folder.path])
        #expect(result.status == 1)
        let problems = result.stderr.split(separator: "\n")
        #expect(problems.contains { $0.contains("content/data/referrals.jsonl:5:") && $0.contains("error: malformed journal line") })
        #expect(problems.contains { $0.contains("content/messaging/zz-typo.md:4:") && $0.contains("unknown variable '{{referrer.nickname}}'") })
        #expect(problems.contains { $0.contains("templates/zz-broken.mustache:1:1: error: template syntax error") })
        #expect(problems.contains { $0.contains("templates/thanks.mustache:") && $0.contains("warning: 'page.titel' is not a value any page provides") })
        #expect(problems.contains { $0.contains("thanks") && $0.contains("error: broken internal link: /nowhere/") })
        #expect(problems.contains { $0.contains("content/messaging/zz-long.md:4:1: warning: SMS message is longer than one SMS (sent and billed as 2 messages)") })
        #expect(result.stdout.contains("4 errors"), "\(result.stdout)")
    }

    /// A file or folder the user may not read is said to be unreadable, not missing (a build
    /// stops), and an unreadable roster does not make every journal line's referrer unknown.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func permissionsAreNamedAsSuch() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let data = folder.appendingPathComponent("content/data")
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: data.path)
        if getuid() != 0 { try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: data.path) }
        let closed = try CLIRunner.run(["check", "--source", folder.path], unprivileged: folder)
        #expect(closed.status == 1)
        #expect(closed.stderr.contains("program.json:1:1: error: cannot read the file (check its permissions and its folder's)"), "\(closed.stderr)")
        #expect(!closed.stderr.contains("not found"), "\(closed.stderr)")

        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: data.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: data.appendingPathComponent("referrers.json").path)
        let roster = try CLIRunner.run(["check", "--source", folder.path], unprivileged: folder)
        #expect(roster.status == 1)
        #expect(roster.stderr.contains("referrers.json:1:1: error: cannot read the file"), "\(roster.stderr)")
        #expect(!roster.stderr.contains("unknown referrer code"), "\(roster.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: data.appendingPathComponent("referrers.json").path)

        // A stories folder or an asset the build cannot read is an error, not a site without them.
        let stories = folder.appendingPathComponent("content/stories")
        let script = folder.appendingPathComponent("templates/assets/site.js")
        let pictures = folder.appendingPathComponent("content/assets/pictures")
        try FileManager.default.createDirectory(at: pictures, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try "a".write(to: pictures.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: stories.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: script.path)
        let content = try CLIRunner.run(["build", "--source", folder.path, "--output", folder.appendingPathComponent("out").path], unprivileged: folder)
        #expect(content.status == 1)
        #expect(content.stderr.contains("content/stories:1:1: error: cannot read the folder: Permission denied"), "\(content.stderr)")
        #expect(content.stderr.contains("templates/assets/site.js:1:1: error: cannot read the asset: Permission denied"), "\(content.stderr)")
        #expect(content.stderr.contains("content/assets/pictures:1:1: error: cannot read the folder: Permission denied"), "\(content.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/index.html").path))

        // A site folder the build may not write its record into is named before any page is
        // written (every page had been written, then the build said the output was as it was).
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stories.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: script.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: pictures.path)
        let writable = folder.appendingPathComponent("writable")
        try FileManager.default.createDirectory(at: writable, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        let readOnly = try CLIRunner.run(["build", "--source", folder.path, "--output", writable.appendingPathComponent("public").path], unprivileged: folder)
        #expect(readOnly.status == 1)
        #expect(readOnly.stderr.contains("cannot keep the build's record in \(folder.path)/.advocate (Permission denied)"), "\(readOnly.stderr)")
        #expect(readOnly.stderr.contains("the output folder was left as it was"))
        #expect(!FileManager.default.fileExists(atPath: writable.appendingPathComponent("public/index.html").path))

        // A store this user may not write: what to do, not the note about the server's join form.
        let added = try CLIRunner.run(["referrers", "add", "--name", "Ro Test", "--email", "ro@example.com", "--source", folder.path], unprivileged: folder)
        #expect(added.status == 1)
        #expect(added.stderr.contains("Permission denied; run as the user who owns \(data.path)"), "\(added.stderr)")
        #expect(!added.stderr.contains("join form"), "\(added.stderr)")
    }

    /// Without a program there is nothing to render the pages with; check says what it left out.
    @Test func checkSaysWhatItCouldNotCheck() throws {
        let folder = try CLIRunner.copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{\"name\": ".write(to: folder.appendingPathComponent("content/data/program.json"), atomically: false, encoding: .utf8)
        let result = try CLIRunner.run(["check", "--source", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("content/data/program.json:1:"), "\(result.stderr)")
        #expect(result.stdout.contains("links, template values and message lengths were not checked"), "\(result.stdout)")
    }
}
