import Foundation
import Testing
@testable import Advocate

@Suite struct ScaffoldTests {
    @Test func newProgramBuildsAtOnce() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        let written = try Scaffold.create(in: site, name: "Zoë's \"Rewards\"", baseURL: "https://refer.zoe.example", force: false)
        #expect(written.contains("templates/layout.mustache"))
        #expect(written.contains("content/data/program.json"))
        let report = try SiteBuilder.build(BuildOptions(source: site))
        #expect(report.filesByKind.first { $0.kind == "referrer" }?.count == 2)
        let store = try StoreLoader.load(from: site + "/content/data").store
        #expect(store.program.name == "Zoë's \"Rewards\"")
        #expect(StoreRules.isValidToken(store.program.analyticsToken))
        #expect(store.referrers.allSatisfy { StoreRules.isValidToken($0.statsToken) })
    }

    @Test func refusesANonEmptyFolderAndNeverOverwrites() throws {
        let directory = try TemporaryDirectory()
        try directory.write("content/index.md", "mine")
        #expect(throws: Scaffold.Refusal.self) {
            try Scaffold.create(in: directory.path, name: "X", baseURL: "https://x.example", force: false)
        }
        let written = try Scaffold.create(in: directory.path, name: "X", baseURL: "https://x.example", force: true)
        #expect(!written.contains("content/index.md"))
        #expect(try directory.read("content/index.md") == "mine")
    }

    @Test func embeddedStarterThemeMatchesTemplates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let templates = root.appendingPathComponent("templates").path
        let onDisk = ContentLoader.listFiles(templates)
        #expect(StarterTheme.files.map(\.path) == onDisk, "run scripts/embed-theme")
        for file in StarterTheme.files {
            let text = try String(contentsOfFile: templates + "/" + file.path, encoding: .utf8)
            #expect(text == file.text, "\(file.path) changed: run scripts/embed-theme")
        }
    }
}
