import Foundation
@testable import Advocate
import Testing

@Suite struct ThemeWarningTests {
    /// A templates/ folder with every page template (`page(name)` its text) and `others`.
    func themeFolder(page: (String) -> String, others: [String: String] = [:]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for name in Theme.pageTemplates {
            try directory.write("templates/\(name).mustache", page(name))
        }
        for (name, text) in others {
            try directory.write("templates/\(name).mustache", text)
        }
        return directory
    }

    /// A file in templates/ that is neither a template nor an asset is named: never read.
    @Test func aFileThatIsNoTemplateIsNamed() throws {
        let directory = try themeFolder(page: { "<p>\($0)</p>" })
        try directory.write("templates/extra.html", "<p>x</p>")
        try directory.write("templates/partials/home.mustache.bak", "x")
        try directory.write("templates/assets/site.css", "body{}")
        try directory.write("templates/.DS_Store", "x")
        try FileManager.default.createDirectory(atPath: directory.file("templates/home2.mustache"), withIntermediateDirectories: false)
        #expect(ThemeLint.filesNotRead(directory: directory.file("templates")).map(\.description) == [
            "\(directory.file("templates/extra.html")):1:1: warning: not read: only *.mustache files are templates, and only what is in templates/assets/ is copied into the site",
            "\(directory.file("templates/partials/home.mustache.bak")):1:1: warning: not read: only *.mustache files are templates, and only what is in templates/assets/ is copied into the site",
            "\(directory.file("templates/home2.mustache")):1:1: warning: not read: a folder, not a template (a template is a *.mustache file)",
        ])
    }

    /// An empty layout (a parent every page is built on) or page template blanks whole pages and
    /// is warned about; an empty partial, which a theme may keep as a hook, is not.
    @Test func anEmptyLayoutOrPageTemplateIsWarnedAboutAndAnEmptyPartialIsNot() throws {
        let directory = try TemporaryDirectory()
        for name in Theme.pageTemplates where name != "404" {
            try directory.write("templates/\(name).mustache", "{{<layout}}{{$body}}<p>\(name)</p>{{/body}}{{/layout}}{{>hook}}\n")
        }
        try directory.write("templates/404.mustache", " \n\n")
        try directory.write("templates/layout.mustache", "\n")
        try directory.write("templates/hook.mustache", "")
        let (theme, diagnostics) = Theme.load(from: directory.file("templates"))
        #expect(theme != nil, "\(diagnostics)")
        let warnings = diagnostics.map(\.description).sorted()
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.contains { $0.hasSuffix("templates/404.mustache:1:1: warning: the template is empty, so every page it renders will be blank") },
                "\(warnings)")
        #expect(warnings.contains { $0.hasSuffix("templates/layout.mustache:1:1: warning: the template is empty, so every page built on it will be blank") },
                "\(warnings)")
    }

    /// A partial that includes itself, two that include each other, or a layout built on a page
    /// that is built on it recursed until the stack overflowed: a crash with no message. Each
    /// cycle is an error at the tag that closes it, and its templates are left out, so that
    /// `check` can still render the rest.
    @Test func aTemplateThatLeadsBackToItselfIsAnError() throws {
        let directory = try themeFolder(page: { "<p>\($0)</p>\n" }, others: [
            "form": "<form>\n{{> form}}</form>\n",
            "a": "{{> b}}\n",
            "b": "x\n{{#flag}}{{> a}}{{/flag}}\n",
            "layout": "{{<thanks}}{{/thanks}}\n",
            "thanks": "{{<layout}}{{$body}}thanks{{/body}}{{/layout}}{{> form}}{{> a}}\n",
        ])
        let (theme, diagnostics) = Theme.load(from: directory.file("templates"))
        let errors = diagnostics.filter { $0.severity == .error }.map(\.description).sorted()
        #expect(errors.count == 3, "\(errors)")
        #expect(errors.contains { $0.hasSuffix("templates/form.mustache:2:1: error: partial 'form' leads back to this template (form → form); a template cannot include itself, directly or through others") }, "\(errors)")
        #expect(errors.contains { $0.hasSuffix("templates/b.mustache:2:10: error: partial 'a' leads back to this template (a → b → a); a template cannot include itself, directly or through others") }, "\(errors)")
        #expect(errors.contains { $0.hasSuffix("templates/thanks.mustache:1:1: error: parent template 'layout' leads back to this template (layout → thanks → layout); a template cannot include itself, directly or through others") }, "\(errors)")
        let kept = try #require(theme)
        #expect(kept.render("home", TemplateObject()) == "<p>home</p>\n")
        #expect(!kept.templateNames.contains("form") && kept.templateNames.contains("404"))
    }

    /// A dynamic partial could name its own template (`{{>*page.kind}}` in thanks.mustache),
    /// which swift-mustache followed until the stack overflowed and `check` died without a word:
    /// it is an error at its tag, and `check` goes on without the template.
    @Test func aDynamicPartialIsAnErrorAndCheckGoesOn() throws {
        let directory = try TemporaryDirectory()
        let site = directory.file("program")
        _ = try Scaffold.create(in: site, name: "Acme", baseURL: "https://refer.acme.example", force: false, today: try #require(CalendarDay("2026-12-04")))
        let thanks = directory.file("program/templates/thanks.mustache")
        let text = try String(contentsOfFile: thanks, encoding: .utf8)
        try (text.replacingOccurrences(of: "{{$main}}", with: "{{$main}}{{>*page.kind}}", options: [], range: text.range(of: "{{$main}}")))
            .write(toFile: thanks, atomically: true, encoding: .utf8)
        let found = SiteChecker.check(BuildOptions(source: site)).diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(found.count == 1 && found[0].hasPrefix("\(thanks):1:21: error: dynamic partials ({{>*name}}) are not supported"), "\(found)")
    }

    /// A byte order mark (some Windows editors write one) is not text of the template: it was
    /// copied into every page, before `<!doctype html>` or in the middle of a partial's place.
    @Test func aByteOrderMarkIsNotPartOfTheTemplate() throws {
        let directory = try themeFolder(page: { _ in "\u{FEFF}<!doctype html>{{> part}}\n" }, others: ["part": "\u{FEFF}<p>part</p>"])
        let (theme, _) = Theme.load(from: directory.file("templates"))
        #expect(try #require(theme).render("home", TemplateObject()) == "<!doctype html><p>part</p>\n")
    }

    /// A page template that is not UTF-8 is one error at its first such byte, not that and
    /// "missing template" too.
    @Test func aTemplateThatIsNotUTF8IsOneError() throws {
        let directory = try themeFolder(page: { "<p>\($0)</p>\n" })
        try Data("<p>\n<b>".utf8 + [0xE9] + Data("</b>\n".utf8)).write(to: URL(fileURLWithPath: directory.file("templates/thanks.mustache")))
        let (_, diagnostics) = Theme.load(from: directory.file("templates"))
        #expect(diagnostics.map(\.description) == ["\(directory.file("templates/thanks.mustache")):2:4: error: the template is not valid UTF-8 text from here on; save it as UTF-8"])
    }

    /// A block filled in a parent that has no such block (`{{$mian}}` for `{{$main}}`) is never
    /// shown: a warning from `check` that names the parent's blocks. Blocks a parent inherits
    /// count, and so do blocks a middle layout offers inside one it fills. Not a build warning
    /// (``ThemeLint``).
    @Test func aBlockTheParentDoesNotHaveIsAWarning() throws {
        let directory = try themeFolder(page: { "{{<page-shell}}{{$main}}<p>\($0)</p>{{/main}}{{$body}}b{{/body}}{{/page-shell}}\n" }, others: [
            "layout": "<main>{{$main}}default{{/main}}</main>{{$scripts}}{{/scripts}}\n",
            "page-shell": "{{<layout}}{{$scripts}}<script></script>{{/scripts}}{{$main}}{{$body}}{{/body}}{{/main}}{{/layout}}\n",
            "story": "{{<layout}}{{$mian}}<p>story</p>{{/mian}}{{/layout}}\n",
        ])
        #expect(Theme.load(from: directory.file("templates")).1.isEmpty)
        #expect(ThemeLint.warnings(directory: directory.file("templates")).map(\.description)
            == ["\(directory.file("templates/story.mustache")):1:12: warning: block 'mian' is not one of layout.mustache's (main, scripts), so what it holds is never shown"])
    }

    /// With a transform, the theme is rendered by swift-mustache; an object written as a value
    /// (`{{page}}`) is nothing there too, as in the compiled renderer, and every build is the
    /// same: a dictionary's description came out in a different order from run to run.
    @Test func anObjectWrittenAsAValueIsNothingInEitherRenderer() throws {
        let directory = try themeFolder(page: { _ in "{{uppercased(page.kind)}}[{{page}}]{{#page}}{{title}}{{/page}} {{count(page)}}" })
        let (theme, _) = Theme.load(from: directory.file("templates"))
        let page: TemplateValue = .object(TemplateObject([("kind", .text("home")), ("title", .text("t")), ("path", .text("/")), ("noindex", .bool(false))]))
        #expect(try #require(theme).render("home", TemplateObject([("page", page)])) == "HOME[]t 4", "an object's transforms still work")
    }

    /// A template no page renders and none includes (a misspelt `leaderbaord.mustache`) is a
    /// warning that names the page template it most likely meant; a partial in use is not.
    @Test func aTemplateNothingUsesIsAWarning() throws {
        let directory = try themeFolder(page: { "{{> part}}<p>\($0)</p>\n" }, others: ["part": "<p>part</p>", "leaderbaord": "<p>board</p>"])
        #expect(Theme.load(from: directory.file("templates")).1.isEmpty)
        #expect(ThemeLint.warnings(directory: directory.file("templates")).map(\.description) == ["\(directory.file("templates/leaderbaord.mustache")):1:1: warning: leaderbaord.mustache is not a page template and no template includes it, so it is never used (did you mean leaderboard.mustache?)"])
    }
}

extension ThemeLint {
    /// The theme rules' warnings for the templates below `directory`, as `check` gives them.
    static func warnings(directory: String) -> [Diagnostic] {
        warnings(sources(directory: directory))
    }
}
