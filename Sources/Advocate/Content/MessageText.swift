import Mustache

/// One Mustache text of a message (a subject, a body), parsed by swift-mustache and compiled once:
/// share links render one message per channel for every referrer page, so this is on a build's
/// hot path.
public struct MessageText: Sendable {
    let template: MustacheTemplate
    /// Nil when the text uses what only swift-mustache renders (see ``TemplateCompiler``).
    let compiled: CompiledTemplates?

    /// The name the text is compiled under: a partial's name cannot hold a space, so no
    /// `{{> name}}` in it finds the text itself.
    static let name = " message"

    /// Parses `text` behind the `{{%CONTENT_TYPE:…}}` pragma that makes `{{name}}` escape as `escaping`.
    ///
    /// - Throws: swift-mustache's `MustacheTemplate.ParserError` for a syntax error.
    init(parsing text: String, contentType: String, escaping: CompiledTemplates.Escaping) throws {
        // swift-mustache's parser runs past the end of a text whose last character is a lone `{`
        // ("see you :-{") and calls the tag unclosed; a line end after it, which a message loses
        // when it is trimmed, lets it read the brace as text.
        let source = Self.pragma(contentType) + text + (text.hasSuffix("{") && !text.hasSuffix("{{") ? "\n" : "")
        template = try MustacheTemplate(string: source)
        compiled = (try? TemplateCompiler.compile(source, contentType: contentType))
            .map { CompiledTemplates(templates: [Self.name: $0], escaping: escaping) }
    }

    /// What goes before a text, on its first line, to set its content type.
    static func pragma(_ contentType: String) -> String {
        "{{%CONTENT_TYPE:\(contentType)}}"
    }

    func render(_ context: TemplateValue) -> String {
        if let compiled, let bytes = compiled.render(Self.name, context) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return template.render(context.any)
    }
}
