/// Mustache templates compiled once (see ``TemplateCompiler``) and rendered into bytes: a
/// theme's, or one text of a message.
///
/// Why not swift-mustache's renderer: it resolves every `{{name}}` at render time by splitting
/// the name at its dots and casting each `Any` on the context stack to its protocols, which was
/// 55 % of a 10,000-referrer build's CPU (perf). Here names are split when the theme is loaded,
/// templates are laid out flat (``TemplateProgram``) and values are ``TemplateValue``s, so a
/// lookup is a scan of a ``TemplateObject``; the output is one byte buffer. The output is swift-mustache's,
/// byte for byte (`CompiledTemplatesTests` compare them), except that `{{name}}` of a list or an
/// object writes nothing (see `Renderer.write`).
struct CompiledTemplates: Sendable {
    /// How `{{name}}` escapes a value: the content type every one of the templates declares.
    enum Escaping: Sendable {
        case html, none, markdown
        /// A message's plain text: copied, its directional controls confined (``BidiControl``).
        case text
    }

    private let program: TemplateProgram
    let escaping: Escaping

    init(templates: [String: [TemplateNode]], escaping: Escaping) {
        program = TemplateProgram(templates)
        self.escaping = escaping
    }

    /// Renders template `name` with `context`; nil when there is no such template.
    func render(_ name: String, _ context: TemplateValue) -> [UInt8]? {
        guard let number = program.templateNumbers[name] else { return nil }
        return program.steps.withUnsafeBufferPointer { steps in
            program.bytes.withUnsafeBufferPointer { bytes in
                program.names.withUnsafeBufferPointer { names in
                    var renderer = Renderer(program: program, steps: steps, bytes: bytes, names: names, escaping: escaping, stack: [context])
                    renderer.output.reserveCapacity(16 * 1024)
                    renderer.run(program.templateSteps[Int(number)], indentation: [], overrides: [])
                    return renderer.output
                }
            }
        }
    }

    private struct Renderer {
        let program: TemplateProgram
        let steps: UnsafeBufferPointer<TemplateProgram.Step>
        let bytes: UnsafeBufferPointer<UInt8>
        let names: UnsafeBufferPointer<String>
        let escaping: Escaping
        var stack: [TemplateValue]
        var output: [UInt8] = []

        /// Renders the steps in `range` one after another. swift-mustache's rule for a partial's
        /// indentation: before each piece of output that follows a line break within this
        /// template's own output, the indentation is written.
        mutating func run(_ range: Range<Int32>, indentation: [UInt8], overrides: [TemplateProgram.Override]) {
            var index = Int(range.lowerBound)
            let end = Int(range.upperBound)
            guard !indentation.isEmpty else {
                while index < end { index = step(at: index, indentation: indentation, overrides: overrides) }
                return
            }
            let start = output.count
            while index < end {
                let mark = output.count
                let afterLineBreak = mark > start && output[mark - 1] == UInt8(ascii: "\n")
                    && !(mark - 1 > start && output[mark - 2] == UInt8(ascii: "\r"))
                index = step(at: index, indentation: indentation, overrides: overrides)
                if afterLineBreak, output.count > mark { output.insert(contentsOf: indentation, at: mark) }
            }
        }

        /// Renders the step at `index` (with its body); returns the index of the step after it.
        mutating func step(at index: Int, indentation: [UInt8], overrides: [TemplateProgram.Override]) -> Int {
            switch steps[index] {
            case .text(let range):
                output.append(contentsOf: slice(range))
                return index + 1
            case .variable(let path, let escaped):
                if let value = lookup(path) { write(value, escaped: escaped) }
                return index + 1
            case .section(let path, let inverted, let end):
                let body = Int32(index + 1)..<end
                let value = lookup(path)
                if inverted {
                    renderInverted(body, value, indentation: indentation, overrides: overrides)
                } else {
                    renderSection(body, value, indentation: indentation, overrides: overrides)
                }
                return Int(end)
            case .partial(let template, let indented, let set, let end):
                guard template >= 0 else { return Int(end) }
                var merged = overrides
                if set >= 0 {
                    // The outermost override of a block wins.
                    merged += program.overrideSets[Int(set)].filter { inner in !overrides.contains { $0.name == inner.name } }
                }
                run(program.templateSteps[Int(template)], indentation: indenting(indentation, by: indented), overrides: merged)
                return Int(end)
            case .block(let name, let indented, let end):
                let body = overrides.first { $0.name == name }?.body ?? Int32(index + 1)..<end
                run(body, indentation: indenting(indentation, by: indented), overrides: overrides)
                return Int(end)
            }
        }

        func slice(_ range: Range<Int32>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[Int(range.lowerBound)..<Int(range.upperBound)])
        }

        func indenting(_ indentation: [UInt8], by more: Range<Int32>) -> [UInt8] {
            more.isEmpty ? indentation : indentation + slice(more)
        }

        mutating func renderSection(_ body: Range<Int32>, _ value: TemplateValue?, indentation: [UInt8],
                                    overrides: [TemplateProgram.Override]) {
            switch value {
            case nil, .bool(false): return
            case .bool(true): run(body, indentation: indentation, overrides: overrides)
            case .list(let items):
                for item in items { renderPushing(item, body, indentation: indentation, overrides: overrides) }
            case .some(let value): renderPushing(value, body, indentation: indentation, overrides: overrides)
            }
        }

        mutating func renderInverted(_ body: Range<Int32>, _ value: TemplateValue?, indentation: [UInt8],
                                     overrides: [TemplateProgram.Override]) {
            switch value {
            case nil, .bool(false): run(body, indentation: indentation, overrides: overrides)
            case .list(let items) where items.isEmpty: renderPushing(.list(items), body, indentation: indentation, overrides: overrides)
            default: return
            }
        }

        mutating func renderPushing(_ value: TemplateValue, _ body: Range<Int32>, indentation: [UInt8],
                                    overrides: [TemplateProgram.Override]) {
            stack.append(value)
            run(body, indentation: indentation, overrides: overrides)
            stack.removeLast()
        }

        func lookup(_ path: TemplateProgram.Path) -> TemplateValue? {
            let names = Int(path.names.lowerBound)..<Int(path.names.upperBound)
            switch path.kind {
            case .current:
                return stack.last
            case .anchored:
                return descend(stack.last, names)
            case .climbing:
                guard let first = names.first else { return stack.last }
                let name = self.names[first]
                for level in stack.indices.reversed() {
                    if let child = stack[level].child(name) { return descend(child, names.dropFirst()) }
                }
                return nil
            }
        }

        func descend(_ value: TemplateValue?, _ names: Range<Int>) -> TemplateValue? {
            var value = value
            for index in names { value = value?.child(self.names[index]) }
            return value
        }

        mutating func write(_ value: TemplateValue, escaped: Bool) {
            switch value {
            case .text(let text):
                switch escaped ? escaping : .none {
                case .html: HTMLEscaping.append(text, to: &output)
                case .none: output.append(contentsOf: text.utf8)
                case .markdown: output.append(contentsOf: MarkdownContentType().escapeText(text).utf8)
                case .text: BidiControl.append(text, to: &output) { _ in nil }
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
