import Foundation
import Testing
@testable import Advocate

/// End-to-end: the `advocate` executable on the bundled example in content/ and templates/.
@Suite(.serialized) struct ExampleSiteTests {
    @Test func freshBuildReproducesTheCommittedPublicFolderByteForByte() throws {
        let output = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let source = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: source) }
        let result = try CLIRunner.run(["build", "--source", source.path, "--output", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("files:"))
        let built = CLIRunner.snapshot(output)
        let committed = CLIRunner.snapshot(CLIRunner.packageRoot.appendingPathComponent("public"))
        #expect(built.count > 40)
        #expect(Set(built.keys) == Set(committed.keys))
        for (path, bytes) in built where committed[path] != bytes {
            Issue.record("public/\(path) differs from a fresh build: run `swift run advocate build` and commit public/")
        }
    }

    /// The 404 page is served at every missing address, so it names no canonical one (it named
    /// /404.html, which a crawler would then index for each of them); other pages keep theirs.
    @Test func theNotFoundPageNamesNoCanonicalAddress() throws {
        let public_ = CLIRunner.packageRoot.appendingPathComponent("public")
        let notFound = try String(contentsOf: public_.appendingPathComponent("404.html"), encoding: .utf8)
        #expect(!notFound.contains("canonical") && !notFound.contains("og:url") && notFound.contains("<title>Page not found"))
        let terms = try String(contentsOf: public_.appendingPathComponent("terms/index.html"), encoding: .utf8)
        #expect(terms.contains(#"<link rel="canonical" href="https://refer.acme.example/terms/">"#))
    }

    /// /messaging/ shows an email as it goes out, plain text, with its Markdown's formatting
    /// (which the email does not carry) folded away below it.
    @Test func theMessagingPreviewShowsAnEmailAsPlainText() throws {
        let page = try String(contentsOf: CLIRunner.packageRoot.appendingPathComponent("public/messaging/index.html"), encoding: .utf8)
        let email = try #require(page.components(separatedBy: "<article").first { $0.contains("message-email") })
        let text = try #require(email.range(of: #"<pre class="message-text">"#))
        let formatted = try #require(email.range(of: #"<details class="email-markdown">"#))
        #expect(text.upperBound < formatted.lowerBound)
        #expect(email[text.upperBound..<formatted.lowerBound].contains("Through Acme Rewards, my link"))
        #expect(email[formatted.upperBound...].contains("Through <strong>Acme Rewards</strong>"))
    }

    /// The menu tells assistive technology which page is open, not by bold text alone; a friend's
    /// or referrer's name in a table cell is isolated, so a right-to-left name keeps its own order.
    @Test func theMenuMarksTheCurrentPageAndTableCellsIsolateNames() throws {
        let public_ = CLIRunner.packageRoot.appendingPathComponent("public")
        for (page, current) in [("index.html", "home"), ("faq/index.html", "faq"), ("terms/index.html", "terms"), ("leaderboard/index.html", "leaderboard")] {
            let html = try String(contentsOf: public_.appendingPathComponent(page), encoding: .utf8)
            #expect(html.components(separatedBy: #"aria-current="page""#).count == 2, "\(page)")
            #expect(html.contains(#"class="nav-\#(current)" href="/\#(current == "home" ? "" : current + "/")" aria-current="page">"#), "\(page)")
        }
        let leaderboard = try String(contentsOf: public_.appendingPathComponent("leaderboard/index.html"), encoding: .utf8)
        #expect(leaderboard.contains(#"<th scope="row"><bdi>"#))
        #expect(!(try String(contentsOf: public_.appendingPathComponent("r/ada/index.html"), encoding: .utf8)).contains("aria-current"))
    }

    @Test func exampleMeetsTheIssuesBar() throws {
        let loaded = try StoreLoader.load(from: CLIRunner.packageRoot.appendingPathComponent("content/data").path)
        let store = loaded.store
        #expect(store.referrers.count >= 12)
        #expect(Set(store.referrers.map(\.segment)) == Set(Segment.allCases))
        #expect(store.journal.count >= 80)
        let figures = FigureCalculator.compute(store, asOf: AsOf.resolve(nil, store: store))
        #expect(figures.program.duplicates > 0)
        #expect(figures.program.selfReferrals > 0)
        #expect(Set(figures.referrers.compactMap(\.tier?.name)) == Set(store.program.tiers.map(\.name)))
        #expect(figures.referrers.contains { $0.pending > 0 } && figures.referrers.contains { $0.earned > 0 })
        let outcomes = figures.allOutcomes
        #expect(outcomes.contains { $0.firstConvertedAt != nil && !$0.isConversion && $0.latestStatus == .converted }, "a late conversion")
        #expect(outcomes.contains { $0.firstConvertedAt != nil && $0.latestStatus == .rejected }, "a refund after conversion")
    }

    /// An export or the figures written to a full disk end in an error and exit 1, not in a
    /// cut-off file and exit 0.
    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full")), arguments: [
        ["export", "referrals", "--format", "csv"], ["stats", "--format", "json"], ["stats"], ["referrers", "list"], ["preview", "--all"],
    ])
    func outputThatCannotBeWrittenIsAnError(arguments: [String]) throws {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = CLIRunner.packageRoot
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(said.contains("error: the output could not be written whole (No space left on device)"), "\(said)")
    }

    /// A template can be named by its file or its name (with or without ".md"); a wrong one lists
    /// the site's templates.
    @Test func previewFindsATemplateByName() throws {
        let byName = try CLIRunner.run(["preview", "sms", "--referrer", "ada"])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byName.stdout.hasPrefix("content/messaging/sms.md · SMS"))
        let withExtension = try CLIRunner.run(["preview", "sms.md", "--referrer", "ada"])
        #expect(withExtension.status == 0 && withExtension.stdout == byName.stdout, "\(withExtension.stderr)")
        let wrong = try CLIRunner.run(["preview", "smss"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("smss is not a messaging template of this site") && wrong.stderr.contains("email, linkedin,"))
        // A path written from the site folder, run from outside it: said what to write instead.
        let site = CLIRunner.packageRoot.lastPathComponent
        let outside = try CLIRunner.run(["preview", "content/messaging/sms.md", "--source", site], in: CLIRunner.packageRoot.deletingLastPathComponent())
        #expect(outside.status == 1 && outside.stderr.contains("error: content/messaging/sms.md is not a file here: a path is read from the current folder; give \(site)/content/messaging/sms.md or the template's name, sms"),
                "\(outside.stderr)")
        #expect(try CLIRunner.run(["preview", "sms", "--all"]).status == 64)
    }

    /// The body is variant a, in a template without variants too; a variant a template does
    /// not have is refused with the ones it has.
    @Test func previewTakesTheBodyAsVariantA() throws {
        let body = try CLIRunner.run(["preview", "x", "--variant", "a"])
        #expect(body.status == 0, "\(body.stderr)")
        #expect(body.stdout == (try CLIRunner.run(["preview", "x"])).stdout)
        let missing = try CLIRunner.run(["preview", "sms", "--variant", "z"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("error: no variant \"z\" in sms (there: a, b)"), "\(missing.stderr)")
    }

    /// Writing a template and previewing it should not wait on another file: the named one is
    /// previewed, the other's error is printed; a broken template named is its own error.
    @Test func previewShowsATemplateWhileAnotherIsBroken() throws {
        let source = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: source) }
        try "---\ntitle: no channel\n---\nbody\n".write(to: source.appendingPathComponent("content/messaging/zz.md"), atomically: true, encoding: .utf8)
        let other = try CLIRunner.run(["preview", "sms", "--source", source.path])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stdout.contains("· SMS"), "\(other.stdout)")
        #expect(other.stderr.contains("zz.md:1:1: error: front matter needs 'channel'"), "\(other.stderr)")
        #expect(other.stderr.contains("1 error in other files"), "\(other.stderr)")
        let all = try CLIRunner.run(["preview", "--all", "--source", source.path])
        #expect(all.status == 1 && all.stdout.contains("· SMS") && all.stderr.contains("zz.md:1:1: error"), "\(all.stderr)")
        let named = try CLIRunner.run(["preview", "zz", "--source", source.path])
        #expect(named.status == 1 && named.stdout.isEmpty, "\(named.stdout)")
        #expect(named.stderr.contains("zz.md:1:1: error: front matter needs 'channel'") && !named.stderr.contains("not a messaging template"), "\(named.stderr)")
    }

    @Test func statsJSONForScripts() throws {
        let result = try CLIRunner.run(["stats", "--format", "json", "--as-of", "2026-06-30"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["asOf"] as? String == "2026-06-30T23:59:59.999Z")
        #expect(json["currency"] as? String == "USD")
        let referrers = try #require(json["referrers"] as? [[String: Any]])
        #expect(referrers.count >= 12)
        #expect(Set(referrers[0].keys) == ["code", "referrals", "converted", "conversionRate", "earned", "pending", "tier", "nextTier"])
        #expect(json["program"] is [String: Any])
    }

    @Test func badInputExitsNonZeroNamingFileLineAndField() throws {
        let source = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: source) }
        let referrers = source.appendingPathComponent("content/data/referrers.json")
        var text = try String(contentsOf: referrers, encoding: .utf8)
        let firstCode = try #require(text.range(of: #""code": ""#))
        text.insert(contentsOf: "../", at: firstCode.upperBound)
        try text.write(to: referrers, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["build", "--source", source.path, "--output", source.appendingPathComponent("out").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("content/data/referrers.json:"))
        #expect(result.stderr.contains(": error: referrer #1: code \"../ada\" must be 2 to 40 characters"))
        #expect(result.stderr.contains("nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: source.appendingPathComponent("out/index.html").path))
    }

    /// `--bom` starts a CSV with the byte-order mark Excel needs to read UTF-8 ("Zoë" showed as
    /// "ZoÃ«"); without it the CSV starts with its header, and JSON takes none.
    @Test func aCSVForExcelStartsWithAByteOrderMark() throws {
        let excel = try CLIRunner.run(["export", "referrers", "--bom"])
        #expect(excel.status == 0 && excel.stdout.unicodeScalars.first == "\u{FEFF}" && excel.stdout.dropFirst().hasPrefix("code,"), "\(excel.stdout.prefix(40))")
        #expect(excel.stdout.contains("Zoë"))
        let plain = try CLIRunner.run(["export", "referrers"])
        #expect(plain.stdout.hasPrefix("code,"))
        let json = try CLIRunner.run(["export", "referrers", "--bom", "--format", "json"])
        #expect(json.status == 64 && json.stderr.contains("--bom is for CSV"), "\(json.stderr)")
    }

    @Test func checkPassesOnTheExample() throws {
        let result = try CLIRunner.run(["check"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("0 errors, 0 warnings"), "\(result.stdout)")
    }

    @Test(arguments: [["--help"], ["init", "--help"], ["build", "--help"], ["stats", "--help"], ["check", "--help"], ["serve", "--help"],
                      ["preview", "--help"], ["referrers", "add", "--help"], ["referrers", "list", "--help"],
                      ["referral", "status", "--help"], ["import", "statuses", "--help"], ["export", "--help"], ["forget", "--help"],
                      ["webhooks", "status", "--help"], ["referrers", "--help"], ["referral", "--help"], ["import", "--help"],
                      ["webhooks", "--help"]])
    func everyCommandHasHelpWithAnExample(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("advocate "))
        #expect(result.stdout.contains("Example"))
    }

    /// A program that gives friends nothing (an employee program, say) leaves out
    /// `rewards.friend`: it loads, the bundled theme words every page without it, and check names
    /// each message that would write the missing reward as nothing.
    @Test func aProgramWithoutAFriendRewardBuildsAndSaysSo() throws {
        let folder = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let programFile = folder.appendingPathComponent("content/data/program.json")
        var program = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: programFile)) as? [String: Any])
        var rewards = try #require(program["rewards"] as? [String: Any])
        rewards["friend"] = nil
        program["rewards"] = rewards
        program["offers"] = (program["offers"] as? [[String: Any]])?.map { $0.filter { $0.key != "friend" } }
        try JSONSerialization.data(withJSONObject: program).write(to: programFile)
        // A message may guard the reward, which is then absent, not blank.
        try "---\nchannel: whatsapp\n---\nHi!{{#reward.friend}} Here's {{reward.friend}}.{{/reward.friend}} {{link}}\n"
            .write(to: folder.appendingPathComponent("content/messaging/whatsapp.md"), atomically: false, encoding: .utf8)
        let check = try CLIRunner.run(["check", "--source", folder.path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("content/messaging/sms.md:8:41: warning: '{{reward.friend}}' writes nothing: program.json gives no rewards.friend"), "\(check.stderr)")
        #expect(!check.stderr.contains("whatsapp.md"), "\(check.stderr)")
        let build = try CLIRunner.run(["build", "--source", folder.path, "--quiet"])
        #expect(build.status == 0, "\(build.stderr)")
        let page = try String(contentsOf: folder.appendingPathComponent("public/r/ada/index.html"), encoding: .utf8)
        #expect(page.contains("<p class=\"lead\"><bdi>Ada Lovelace</bdi> thinks you would like Acme Rewards.</p>"))
        #expect(page.contains(">Accept the invitation</button>") && page.contains("<strong>Place your first order</strong>.</li>"))
        #expect(!page.contains("<strong></strong>") && !page.contains("Claim </button>") && !page.contains("your friend gets"))
        #expect(page.contains("https://wa.me/?text=Hi%21%20https%3A%2F%2Frefer.acme.example%2Fr%2Fada%2F%3Fsrc%3Dwhatsapp"), "\(page)")
        let home = try String(contentsOf: folder.appendingPathComponent("public/index.html"), encoding: .utf8)
        #expect(home.contains("<p>Acme Rewards: you get $40 for each friend who orders.</p>"), "the summer offer's amount")
    }

    /// While an offer runs, the referrer's reward is its amount wherever it is worded (the join
    /// page's lead had said the base "$25 account credit" above a banner saying "$40"), and the
    /// emails sent meanwhile say the same; before and after it, the base reward's wording.
    @Test func theReferrersRewardIsTheRunningOffersAmount() throws {
        let join = try String(contentsOf: CLIRunner.packageRoot.appendingPathComponent("public/join/index.html"), encoding: .utf8)
        #expect(join.contains("get <strong>$40</strong> for every friend who orders") && !join.contains("$25 account credit"), "\(join)")
        let folder = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let build = try CLIRunner.run(["build", "--source", folder.path, "--as-of", "2026-08-01", "--quiet"])
        #expect(build.status == 0, "\(build.stderr)")
        let after = try String(contentsOf: folder.appendingPathComponent("public/join/index.html"), encoding: .utf8)
        #expect(after.contains("get <strong>$25 account credit</strong> for every friend who orders"), "\(after)")
    }

    /// A referrer's page is the friend's: its offer banner gives the friend's terms; the
    /// referrer's ("refer a friend by … and earn $40") stand beside the share links, on screen.
    @Test func theOfferOnAReferrersPageSpeaksToWhoReadsEachPart() throws {
        let page = try String(contentsOf: CLIRunner.packageRoot.appendingPathComponent("public/r/ada/index.html"), encoding: .utf8)
        let share = try #require(page.range(of: "class=\"panel share-panel\""))
        let beforeShare = page[..<share.lowerBound], shareOnwards = page[share.lowerBound...]
        #expect(beforeShare.contains("<strong>Summer bonus weeks</strong>: claim by 2026-07-05 to get 25% off the first order."))
        #expect(!beforeShare.contains("earn <strong>$40</strong>"))
        #expect(shareOnwards.contains("<p class=\"screen-only\"><strong>Summer bonus weeks</strong>: refer a friend by 2026-07-05 and earn <strong>$40</strong> when they order.</p>"))
        // An offer that gives friends the base reward sets no deadline for it on the friend's banner.
        let folder = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let build = try CLIRunner.run(["build", "--source", folder.path, "--as-of", "2026-03-17", "--quiet"])
        #expect(build.status == 0, "\(build.stderr)")
        let during = try String(contentsOf: folder.appendingPathComponent("public/r/ada/index.html"), encoding: .utf8)
        #expect(during.contains("Friends of the bakery week</strong>: refer a friend by") && !during.contains("claim by"), "\(during)")
    }

    /// A program without tiers shows no tier wording: no "Tier: None yet" on a stats page, no
    /// column of dashes on the leaderboard or the analytics page.
    @Test func aProgramWithoutTiersShowsNoTierLabels() throws {
        let folder = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let programFile = folder.appendingPathComponent("content/data/program.json")
        var program = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: programFile)) as? [String: Any])
        program["tiers"] = []
        try JSONSerialization.data(withJSONObject: program).write(to: programFile)
        let result = try CLIRunner.run(["build", "--source", folder.path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let store = try StoreLoader.load(from: folder.path + "/content/data").store
        let pages = [SiteURLs.statsPath(store.referrers[0].statsToken), SiteURLs.statsPath(store.program.analyticsToken), "/leaderboard/"]
        for page in pages {
            let html = try String(contentsOf: folder.appendingPathComponent("public" + page + "index.html"), encoding: .utf8)
            #expect(!html.contains(">Tier<"), "\(page)")
        }
        let withTiers = try String(contentsOf: CLIRunner.packageRoot.appendingPathComponent("public/leaderboard/index.html"), encoding: .utf8)
        #expect(withTiers.contains(">Tier<"))
    }

    /// A roster imported with an address in the name column: no public page, share message or
    /// structured data shows it, and the build says which names to fix.
    @Test func anEmailAddressInAReferrersNameIsLeftOffThePages() throws {
        let folder = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rosterFile = folder.appendingPathComponent("content/data/referrers.json")
        let roster = try String(contentsOf: rosterFile, encoding: .utf8)
            .replacingOccurrences(of: #""name": "Ada Lovelace""#, with: #""name": "ada.lovelace@example.com""#)
            .replacingOccurrences(of: #""name": "Grace Hopper""#, with: #""name": "Grace Hopper <grace.hopper@example.com>""#)
        try roster.write(to: rosterFile, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["build", "--source", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("referrers.json:2:"), "\(result.stderr)")
        #expect(result.stderr.contains("name holds an email address, which no public page may show: pages and share messages show \"a.\" instead"), "\(result.stderr)")
        #expect(result.stderr.contains("show \"Grace Hopper\" instead"), "\(result.stderr)")
        let output = folder.appendingPathComponent("public")
        let files = try #require(FileManager.default.enumerator(atPath: output.path)).compactMap { $0 as? String }
        var checked = 0
        for file in files where !file.hasPrefix("stats/") && (file.hasSuffix(".html") || file.hasSuffix(".xml") || file.hasSuffix(".svg")) {
            let text = try String(contentsOf: output.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("ada.lovelace@") && !text.contains("grace.hopper@"), "\(file)")
            checked += 1
        }
        #expect(checked > 20)
        let grace = try String(contentsOf: output.appendingPathComponent("r/grace/index.html"), encoding: .utf8)
        #expect(grace.contains("<title>Grace invites you to"), "\(grace.prefix(600))")
    }

    /// A logo or a link-preview picture whose file name has `#`, `?` or `%` in it is linked
    /// percent-encoded: as written, `#` and `?` would end the path, and `%` start an escape.
    @Test func brandFileNamesAreLinkedPercentEncoded() throws {
        let folder = try copyOfExample()
        defer { try? FileManager.default.removeItem(at: folder) }
        let assets = folder.appendingPathComponent("content/assets")
        try FileManager.default.moveItem(at: assets.appendingPathComponent("logo.svg"), to: assets.appendingPathComponent("a#b%20.svg"))
        try FileManager.default.moveItem(at: assets.appendingPathComponent("share.png"), to: assets.appendingPathComponent("s?1.png"))
        let programFile = folder.appendingPathComponent("content/data/program.json")
        let program = try String(contentsOf: programFile, encoding: .utf8)
            .replacingOccurrences(of: #""logo": "logo.svg""#, with: #""logo": "a#b%20.svg""#)
            .replacingOccurrences(of: #""image": "share.png""#, with: #""image": "s?1.png""#)
        try program.write(to: programFile, atomically: true, encoding: .utf8)
        let build = try CLIRunner.run(["build", "--source", folder.path, "--quiet"])
        #expect(build.status == 0, "\(build.stderr)")
        let home = try String(contentsOf: folder.appendingPathComponent("public/index.html"), encoding: .utf8)
        #expect(home.contains("src=\"/assets/a%23b%2520.svg\""), "\(home.prefix(3000))")
        #expect(home.contains("content=\"https://refer.acme.example/assets/s%3F1.png\""), "\(home.prefix(3000))")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("public/assets/a#b%20.svg").path))
        let check = try CLIRunner.run(["check", "--source", folder.path])
        #expect(check.status == 0 && !check.stderr.contains("broken"), "\(check.stderr)")
    }

    /// content/ and templates/ copied to a temporary site folder.
    func copyOfExample() throws -> URL {
        try CLIRunner.copyOfExample()
    }
}
