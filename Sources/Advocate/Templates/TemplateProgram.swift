/// Compiled templates laid out flat for rendering: every ``TemplateNode`` tree becomes a run of
/// ``Step``s in one array, texts become ranges of one byte buffer, names become indices, and a
/// partial's template is found when the program is made instead of by name on every render.
///
/// Why: rendering the node trees retained and released each node, text and name it visited, and
/// these are shared by every core rendering pages at once, so each count was a contended atomic
/// on the same cache line. That was over half of the renderer's CPU (perf, 10,000 referrers).
/// A step holds only integers, so reading one counts nothing.
struct TemplateProgram: Sendable {
    /// One step of a template. A step's body (a section's, a block's default) follows it directly
    /// and ends at `end`, where the template goes on.
    enum Step: Sendable {
        /// Bytes of `bytes`.
        case text(Range<Int32>)
        case variable(Path, escaped: Bool)
        case section(Path, inverted: Bool, end: Int32)
        /// Renders template `template` (-1: there is none by the name, which renders nothing),
        /// indented by bytes of `bytes`, with the block overrides of `overrides` (an index of
        /// ``TemplateProgram/overrideSets``, -1 for none). Their bodies lie between this step and `end`.
        case partial(template: Int32, indentation: Range<Int32>, overrides: Int32, end: Int32)
        /// Block `name` (an index of `names`), or its override, indented by bytes of `bytes`.
        case block(name: Int32, indentation: Range<Int32>, end: Int32)
    }

    /// A ``TemplatePath`` whose names are a range of `names`.
    struct Path: Sendable {
        enum Kind: Sendable { case current, anchored, climbing }
        let kind: Kind
        let names: Range<Int32>
    }

    /// A block's override: the block's name (an index of `names`) and the steps of its body.
    struct Override: Sendable {
        let name: Int32
        let body: Range<Int32>
    }

    private(set) var steps: [Step] = []
    private(set) var bytes: [UInt8] = []
    private(set) var names: [String] = []
    private(set) var overrideSets: [[Override]] = []
    /// Each template's number: its index in `templateSteps`, which partials hold.
    let templateNumbers: [String: Int32]
    private(set) var templateSteps: [Range<Int32>] = []

    private var nameIndex: [String: Int32] = [:]

    init(_ trees: [String: [TemplateNode]]) {
        let ordered = trees.keys.sorted()
        templateNumbers = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, Int32($0)) })
        for name in ordered {
            let start = Int32(steps.count)
            emit(trees[name]!)
            templateSteps.append(start..<Int32(steps.count))
        }
    }

    private mutating func emit(_ nodes: [TemplateNode]) {
        for node in nodes { emit(node) }
    }

    private mutating func emit(_ node: TemplateNode) {
        switch node {
        case .text(let text):
            steps.append(.text(store(text)))
        case .variable(let path, let escaped):
            steps.append(.variable(intern(path), escaped: escaped))
        case .section(let path, let body, let inverted):
            let path = intern(path)
            let at = placeholder()
            emit(body)
            steps[at] = .section(path, inverted: inverted, end: Int32(steps.count))
        case .partial(let name, let indentation, let overrides):
            let at = placeholder()
            var set: Int32 = -1
            if let overrides {
                var entries: [Override] = []
                for (block, body) in overrides.sorted(by: { $0.key < $1.key }) {
                    let start = Int32(steps.count)
                    emit(body)
                    entries.append(Override(name: intern(name: block), body: start..<Int32(steps.count)))
                }
                set = Int32(overrideSets.count)
                overrideSets.append(entries)
            }
            steps[at] = .partial(template: templateNumbers[name] ?? -1, indentation: store(indentation ?? []),
                                 overrides: set, end: Int32(steps.count))
        case .block(let name, let defaultBody, let indentation):
            let name = intern(name: name)
            let indentation = store(indentation)
            let at = placeholder()
            emit(defaultBody)
            steps[at] = .block(name: name, indentation: indentation, end: Int32(steps.count))
        case .blockOverride:
            // Only ever inside a partial's overrides, which the partial's case lays out.
            break
        }
    }

    /// Appends a step to be filled in once its body is laid out.
    private mutating func placeholder() -> Int {
        steps.append(.text(0..<0))
        return steps.count - 1
    }

    private mutating func store(_ text: [UInt8]) -> Range<Int32> {
        let start = Int32(bytes.count)
        bytes.append(contentsOf: text)
        return start..<Int32(bytes.count)
    }

    private mutating func intern(name: String) -> Int32 {
        if let index = nameIndex[name] { return index }
        names.append(name)
        nameIndex[name] = Int32(names.count - 1)
        return Int32(names.count - 1)
    }

    private mutating func intern(_ path: TemplatePath) -> Path {
        let (kind, parts): (Path.Kind, [String]) = switch path {
        case .current: (.current, [])
        case .anchored(let parts): (.anchored, parts)
        case .climbing(let parts): (.climbing, parts)
        }
        // A path's names are consecutive in `names`, so they are appended as they are.
        let start = Int32(names.count)
        names.append(contentsOf: parts)
        return Path(kind: kind, names: start..<Int32(names.count))
    }
}
