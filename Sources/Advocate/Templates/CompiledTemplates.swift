/// Mustache templates compiled once (see ``TemplateCompiler``) and rendered into bytes: a
/// theme's, or one text of a message.
///
/// Why not swift-mustache's renderer: it resolves every `{{name}}` at render time by splitting
/// the name at its dots and casting each `Any` on the context stack to its protocols, which was
/// 55 % of a 10,000-referrer build's CPU (perf). Here names are split when the theme is loaded and
/// values are ``TemplateValue``s, so a lookup is a dictionary access; the output is one byte
/// buffer. The output is swift-mustache's, byte for byte (`CompiledTemplatesTests` compare
/// them), except that `{{name}}` of a list or an object writes nothing (see `Renderer.write`).
struct CompiledTemplates: Sendable {
    /// How `{{name}}` escapes a value: the content type every one of the templates declares.
    enum Escaping: Sendable {
        case html, none, markdown
    }

    let templates: [String: [TemplateNode]]
    let escaping: Escaping

    /// Renders template `name` with `context`; nil when there is no such template.
    func render(_ name: String, _ context: TemplateValue) -> [UInt8]? {
        guard let nodes = templates[name] else { return nil }
        var renderer = Renderer(templates: templates, escaping: escaping, stack: [context])
        renderer.output.reserveCapacity(16 * 1024)
        renderer.render(nodes, indentation: nil, overrides: nil)
        return renderer.output
    }

    private struct Renderer {
        let templates: [String: [TemplateNode]]
        let escaping: Escaping
        var stack: [TemplateValue]
        var output: [UInt8] = []

        /// swift-mustache's rule for a partial's indentation: before each piece of output that
        /// follows a line break within this template's own output, the indentation is written.
        mutating func render(_ nodes: [TemplateNode], indentation: [UInt8]?, overrides: [String: [TemplateNode]]?) {
            guard let indentation, !indentation.isEmpty else {
                for node in nodes { render(node, indentation: indentation, overrides: overrides) }
                return
            }
            let start = output.count
            for node in nodes {
                let mark = output.count
                let afterLineBreak = mark > start && output[mark - 1] == UInt8(ascii: "\n")
                    && !(mark - 1 > start && output[mark - 2] == UInt8(ascii: "\r"))
                render(node, indentation: indentation, overrides: overrides)
                if afterLineBreak, output.count > mark { output.insert(contentsOf: indentation, at: mark) }
            }
        }

        mutating func render(_ node: TemplateNode, indentation: [UInt8]?, overrides: [String: [TemplateNode]]?) {
            switch node {
            case .text(let bytes):
                output.append(contentsOf: bytes)
            case .variable(let path, let escaped):
                guard let value = lookup(path) else { return }
                write(value, escaped: escaped)
            case .section(let path, let body, let inverted):
                let value = lookup(path)
                if inverted {
                    renderInverted(body, value, indentation: indentation, overrides: overrides)
                } else {
                    renderSection(body, value, indentation: indentation, overrides: overrides)
                }
            case .partial(let name, let indented, let inheriting):
                guard let nodes = templates[name] else { return }
                let inner = indented.map { (indentation ?? []) + $0 } ?? indentation
                // The outermost override of a block wins.
                let merged = inheriting.map { overrides?.merging($0) { outer, _ in outer } ?? $0 } ?? overrides
                render(nodes, indentation: inner, overrides: merged)
            case .block(let name, let defaultBody, let indented):
                render(overrides?[name] ?? defaultBody, indentation: (indentation ?? []) + indented, overrides: overrides)
            case .blockOverride:
                break
            }
        }

        mutating func renderSection(_ body: [TemplateNode], _ value: TemplateValue?, indentation: [UInt8]?,
                                    overrides: [String: [TemplateNode]]?) {
            switch value {
            case nil, .bool(false): return
            case .bool(true): render(body, indentation: indentation, overrides: overrides)
            case .list(let items):
                for item in items { renderPushing(item, body, indentation: indentation, overrides: overrides) }
            case .some(let value): renderPushing(value, body, indentation: indentation, overrides: overrides)
            }
        }

        mutating func renderInverted(_ body: [TemplateNode], _ value: TemplateValue?, indentation: [UInt8]?,
                                     overrides: [String: [TemplateNode]]?) {
            switch value {
            case nil, .bool(false): render(body, indentation: indentation, overrides: overrides)
            case .list(let items) where items.isEmpty: renderPushing(.list(items), body, indentation: indentation, overrides: overrides)
            default: return
            }
        }

        mutating func renderPushing(_ value: TemplateValue, _ body: [TemplateNode], indentation: [UInt8]?,
                                    overrides: [String: [TemplateNode]]?) {
            stack.append(value)
            render(body, indentation: indentation, overrides: overrides)
            stack.removeLast()
        }

        func lookup(_ path: TemplatePath) -> TemplateValue? {
            switch path {
            case .current:
                return stack.last
            case .anchored(let names):
                return descend(stack.last, names[...])
            case .climbing(let names):
                guard let first = names.first else { return stack.last }
                for value in stack.reversed() {
                    if let child = value.child(first) { return descend(child, names.dropFirst()) }
                }
                return nil
            }
        }

        func descend(_ value: TemplateValue?, _ names: ArraySlice<String>) -> TemplateValue? {
            var value = value
            for name in names { value = value?.child(name) }
            return value
        }

        mutating func write(_ value: TemplateValue, escaped: Bool) {
            switch value {
            case .text(let text):
                switch escaped ? escaping : .none {
                case .html: HTMLEscaping.append(text, to: &output)
                case .none: output.append(contentsOf: text.utf8)
                case .markdown: output.append(contentsOf: MarkdownContentType().escapeText(text).utf8)
                }
            case .bool(let bool):
                output.append(contentsOf: (bool ? "true" : "false").utf8)
            case .list, .object:
                // swift-mustache prints Swift's debug description of a list or dictionary (in hash
                // order); a theme has no use for it, so nothing is written.
                break
            }
        }
    }
}
