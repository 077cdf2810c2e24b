@testable import Advocate
import Testing

@Suite struct ThemeWarningTests {
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
}
