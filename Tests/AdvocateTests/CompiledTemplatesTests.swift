@testable import Advocate
import Foundation
import Mustache
import PropertyBased
import Testing

/// The compiled theme must render exactly what swift-mustache renders: themes are documented as
/// swift-mustache templates. swift-mustache is the reference in every test here.
@Suite struct CompiledTemplatesTests {
    /// Both engines over the same template texts, wired as `Theme.load` wires them.
    struct Engines {
        let library: MustacheLibrary
        let compiled: CompiledTemplates

        init(_ texts: [String: String]) throws {
            let sources = texts.mapValues(HTMLEscaping.themeSource)
            library = MustacheLibrary(templates: try sources.mapValues { try MustacheTemplate(string: $0) })
            compiled = CompiledTemplates(templates: try sources.mapValues { try TemplateCompiler.compile($0, contentType: HTMLEscaping.name) },
                                         escaping: .html)
        }

        func compare(_ name: String, _ context: TemplateValue, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            let expected = library.render(context.any, withTemplate: name)
            let rendered = compiled.render(name, context).map { String(decoding: $0, as: UTF8.self) }
            #expect(rendered == expected, sourceLocation: sourceLocation)
        }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyPageOfTheExampleIsTheSameByteForByte() throws {
        let inputs = try SiteInputs.load(BuildOptions(source: Self.repository.path))
        let theme = inputs.theme
        let compiled = try #require(theme.compiled, "the bundled theme compiles")
        let renderer = PageRenderer(site: Site(inputs: inputs, asOf: AsOf.resolve(nil, store: inputs.store)))
        var compared = 0
        for spec in SitePlan.plan(renderer.site) {
            guard let (name, context) = renderer.templateAndContext(spec) else { continue }
            let expected = try #require(theme.library.render(TemplateValue.object(context).any, withTemplate: name))
            let rendered = try #require(compiled.render(name, .object(context)))
            #expect(String(decoding: rendered, as: UTF8.self) == expected, "\(spec)")
            compared += 1
        }
        #expect(compared > 20)
        let form = FormState(name: "<b>Eve</b>", email: "eve\"@example.org", consent: true, source: "email", variant: "b",
                             errors: ["email": "Enter an email address like name@example.org.", "form": "Try again & <soon>."])
        let index = try #require(renderer.site.index(ofReferrer: "ada"))
        try Engines.compare(theme, "referrer", PageContext(site: renderer.site).referrer(index, form: form))
        try Engines.compare(theme, "join", PageContext(site: renderer.site).join(form: form))
    }

    @Test func everyMessageOfTheExampleIsTheSameWithHostileValues() throws {
        let (content, diagnostics) = ContentLoader.load(from: Self.repository.appendingPathComponent("content").path)
        #expect(!diagnostics.contains { $0.severity == .error })
        var values = MessageValues(referrerName: "*Zoë* <img src=x> & 'Ada' [link](javascript:x)", referrerCode: "zoe_1",
                                   link: "https://example.org/r/zoe_1/?a=1&b=<2>", friendReward: "20% off \"first\" order",
                                   referrerReward: "$10 `credit`", programName: "Acme & Co.\nRewards",
                                   programURL: "https://example.org/a&b")
        values.friendName = "Bob\r\n# Heading"
        var compared = 0
        for message in content.messages {
            for variant in message.variants {
                for text in [variant.subject, variant.text, variant.markdown].compactMap({ $0 }) {
                    let compiled = try #require(text.compiled, "\(message.name)")
                    let rendered = try #require(compiled.render(MessageText.name, values.context))
                    #expect(String(decoding: rendered, as: UTF8.self) == text.template.render(values.context.any), "\(message.name)")
                    compared += 1
                }
            }
        }
        #expect(compared >= 8)
    }

    @Test func sectionsListsAndNamesAsSwiftMustache() throws {
        let engines = try Engines([
            "main": """
                {{#list}}<{{a}}|{{x}}>{{/list}}{{#strings}}{{.}},{{/strings}}{{^empty}}none{{/empty}}{{#empty}}never{{/empty}}
                {{#yes}}[{{a}}]{{/yes}}{{#no}}never{{/no}}{{^no}}[not no]{{/no}}{{^yes}}never{{/yes}}
                {{#text}}{{.}}:{{a}}{{/text}}{{#blank}}(blank is truthy){{/blank}}{{^blank}}never{{/blank}}{{#zero}}{{.}}{{/zero}}
                {{#b}}{{c}} {{.c}} {{a}} {{.a}}{{/b}} {{b.c}} {{b.missing.c}} {{missing}} {{yes}} {{no}} {{zero}}
                {{#b}}{{#d}}{{c}}{{/d}}{{/b}} {{& a}} {{{a}}} {{a}} {{ b.c }} {{#b.d}}deep{{/b.d}}{{^b.missing}}gone{{/b.missing}}
                """,
        ])
        engines.compare("main", [
            "a": "<Tom & 'Jerry'>", "list": [["a": "1"], ["x": "2"], "three"], "strings": ["x", "y"], "empty": [], "yes": true, "no": false,
            "text": "word", "blank": "", "zero": 0, "b": ["c": "see", "d": true],
        ])
    }

    @Test func standaloneLinesIndentedPartialsAndInheritanceAsSwiftMustache() throws {
        let engines = try Engines([
            "main": "<ul>\n  {{#list}}\n  <li>{{.}}</li>\n  {{/list}}\n</ul>\n  {{> part}}\n\t{{>part}}\nx {{> part}} y\r\n{{! note }}\n  {{! inline }} z\n",
            "part": "first\n{{#list}}\n- {{.}}\n{{/list}}\nlast {{a}}\r\nend\n",
            "page": "{{<layout}}\n  {{$title}}Mine{{/title}}\n  {{$body}}\n    <p>{{a}}</p>\n      <p>deeper</p>\n  {{/body}}\n{{/layout}}\n",
            "layout": "<h1>{{$title}}Default{{/title}}</h1>\n<main>\n  {{$body}}empty{{/body}}\n</main>\n{{$unused}}kept{{/unused}}\n",
            "nested": "{{<page}}{{$title}}Outer wins{{/title}}{{/page}}",
            "delimiters": "{{=<% %>=}}\n<% a %> {{a}}\n<%={{ }}=%>\n{{a}}\n",
        ])
        for name in ["main", "part", "page", "layout", "nested", "delimiters"] {
            engines.compare(name, ["a": "<A>", "list": ["one", "two"]])
        }
    }

    @Test func anyGeneratedTemplateRendersAsSwiftMustache() async {
        // Pieces of Mustache chosen at random; sections are closed in order, so most texts parse.
        let pieces = ["{{a}}", "{{{a}}}", "{{&b.c}}", "{{.}}", "{{b.d}}", "{{ missing }}", "{{> part}}", "{{! c }}", "\n", "  ", "\t",
                      "\r\n", "x", "<&>", "{{#list}}", "{{#b}}", "{{^empty}}", "{{#yes}}", "{{^no}}", "{{#s}}", "{{/}}", "{{/}}",
                      "{{$block}}", "{{<parent}}{{$block}}\n  over {{a}}\n{{/block}}{{/parent}}", "  {{<parent}}\n{{/parent}}\n"]
        await propertyCheck(count: 400, input: Gen<UInt8>.value(in: 0...UInt8(pieces.count - 1)).array(of: 0...30),
                            Gen<UInt8>.value(in: 0...UInt8(pieces.count - 1)).array(of: 0...12), Gen<UInt8>.value(in: 0...4)) { main, part, pick in
            let texts = ["main": Self.template(main, pieces), "part": Self.template(part, pieces.filter { $0 != "{{> part}}" }),
                         "parent": "<h1>\n  {{$block}}default {{a}}\n  {{/block}}\n</h1>\n{{$other}}o{{/other}}\n"]
            guard let engines = try? Engines(texts) else {
                // swift-mustache refused it, or it parsed and this compiler did not: only the second is a failure.
                #expect((try? MustacheLibrary(templates: texts.mapValues { try MustacheTemplate(string: HTMLEscaping.themeSource($0)) })) == nil,
                        "\(texts)")
                return
            }
            let sections: [TemplateValue] = ["text", true, false, ["a": "inner", "c": "sc"], [["a": "i1"], "i2"]]
            let context: TemplateValue = ["a": "<Tom & \"Jerry\">", "empty": [], "yes": true, "no": false, "b": ["c": "bc", "d": true],
                                          "list": ["l1", ["a": "l2"]], "s": sections[Int(pick)]]
            // The pieces never write "[": one in swift-mustache's output is Swift's description of a
            // list or dictionary named in {{name}}, which the compiled theme leaves out (see below).
            guard let expected = engines.library.render(context.any, withTemplate: "main"), !expected.contains("[") else { return }
            #expect(engines.compiled.render("main", context).map { String(decoding: $0, as: UTF8.self) } == expected, "\(texts)")
        }
    }

    /// The one deliberate difference: swift-mustache writes Swift's description of a list; the
    /// compiled theme writes nothing. An object is nothing in both (swift-mustache wrote a
    /// dictionary's description, its keys in hash order, so not even stable from run to run).
    @Test func aListOrObjectNamedAsAVariableWritesNothing() throws {
        let engines = try Engines(["main": "<{{list}}|{{{object}}}|{{#object}}{{.}}{{/object}}>"])
        let context: TemplateValue = ["list": ["a"], "object": ["k": "v"]]
        #expect(engines.library.render(context.any, withTemplate: "main") == "<[&quot;a&quot;]||>")
        #expect(engines.compiled.render("main", context) == Array("<||>".utf8))
    }

    @Test func aThemeWithTransformsFallsBackToSwiftMustache() throws {
        let directory = try TemporaryDirectory()
        for name in Theme.pageTemplates {
            try directory.write("templates/\(name).mustache", "<p>{{uppercased(value)}} {{#reversed(list)}}{{.}}{{/reversed(list)}}</p>\n")
        }
        let (loaded, problems) = Theme.load(from: directory.file("templates"))
        let theme = try #require(loaded, "\(problems)")
        #expect(theme.compiled == nil)
        #expect(theme.render("home", ["value": "<b>", "list": ["1", "2"]]) == "<p>&lt;B&gt; 21</p>\n")
    }

    /// Reads the choices as pieces, turning each `{{/}}` into the close of the innermost open
    /// section and closing what is still open at the end.
    static func template(_ choices: [UInt8], _ pieces: [String]) -> String {
        var open: [String] = []
        var text = ""
        for choice in choices {
            let piece = pieces[Int(choice) % pieces.count]
            if piece == "{{/}}" {
                if let name = open.popLast() { text += "{{/\(name)}}" }
            } else if ["{{#", "{{^", "{{$"].contains(where: piece.hasPrefix), piece.hasSuffix("}}"), piece.count < 12 {
                open.append(String(piece.dropFirst(3).dropLast(2)))
                text += piece
            } else {
                text += piece
            }
        }
        return text + open.reversed().map { "{{/\($0)}}" }.joined()
    }
}

extension CompiledTemplatesTests.Engines {
    /// Compares the engines on one of a loaded theme's templates.
    static func compare(_ theme: Theme, _ name: String, _ context: TemplateObject,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let compiled = try #require(theme.compiled, sourceLocation: sourceLocation)
        let expected = theme.library.render(TemplateValue.object(context).any, withTemplate: name)
        #expect(compiled.render(name, .object(context)).map { String(decoding: $0, as: UTF8.self) } == expected, sourceLocation: sourceLocation)
    }
}
