/// One piece of a compiled Mustache template (see ``TemplateCompiler``).
indirect enum TemplateNode: Sendable {
    case text([UInt8])
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}`.
    case variable(TemplatePath, escaped: Bool)
    /// `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when inverted.
    case section(TemplatePath, [TemplateNode], inverted: Bool)
    /// `{{> name}}`, or `{{< name}}…{{/name}}` with the blocks it overrides.
    case partial(String, indentation: [UInt8]?, overrides: [String: [TemplateNode]]?)
    /// `{{$name}}default{{/name}}` in a parent template.
    case block(String, defaultBody: [TemplateNode], indentation: [UInt8])
    /// A block override inside `{{< name}}`; gathered into the partial's overrides, never rendered.
    case blockOverride(String, [TemplateNode])
}

/// A variable or section name, split at its dots once, when the template is compiled.
enum TemplatePath: Sendable, Equatable {
    /// `.`: the value on top of the context stack.
    case current
    /// `.a.b`: looked up in the top value only.
    case anchored([String])
    /// `a.b`: `a` looked up from the top of the stack down, then `b` inside it.
    case climbing([String])

    init(_ name: String) {
        let parts = name.split(separator: ".").map(String.init)
        if name == "." {
            self = .current
        } else if name.first == "." {
            self = .anchored(parts)
        } else {
            self = .climbing(parts)
        }
    }
}
