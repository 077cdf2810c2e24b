/// The blocks (`{{$name}}`) each template defines, and those it fills in a parent it is built on
/// (`{{<layout}}{{$main}}…{{/main}}{{/layout}}`). A block the parent does not have is filled in
/// vain: a misspelt `{{$mian}}` gave every page the layout's default, silently.
struct TemplateBlocks {
    /// A block filled inside `{{<parent}}`.
    struct Filled {
        var template: String
        var parent: String
        var tag: MustacheTags.Tag
    }

    private var defined: [String: Set<String>] = [:]
    private var parents: [String: Set<String>] = [:]
    private var filled: [Filled] = []

    /// Takes in one template's tags.
    mutating func add(_ name: String, tags: [MustacheTags.Tag]) {
        var open: [(kind: MustacheTags.Kind, name: String)] = []
        for tag in tags {
            switch tag.kind {
            case .parent:
                parents[name, default: []].insert(tag.name)
                open.append((tag.kind, tag.name))
            case .section, .invertedSection:
                open.append((tag.kind, tag.name))
            case .block:
                // Directly inside `{{<parent}}` a block fills the parent's; anywhere else (at the
                // top, or nested in a block being filled) it is one this template offers.
                if let innermost = open.last, innermost.kind == .parent {
                    filled.append(Filled(template: name, parent: innermost.name, tag: tag))
                } else {
                    defined[name, default: []].insert(tag.name)
                }
                open.append((tag.kind, tag.name))
            case .closing:
                if let index = open.lastIndex(where: { $0.name == tag.name }) { open.removeSubrange(index...) }
            default:
                break
            }
        }
    }

    /// Each block filled in a parent that neither defines it nor inherits it, with the blocks
    /// the parent has.
    func unknown() -> [(filled: Filled, known: [String])] {
        filled.compactMap { filled in
            let known = blocks(of: filled.parent, seen: [])
            return known.contains(filled.tag.name) ? nil : (filled, known.sorted())
        }
    }

    /// The blocks of `template` and of the parents it is built on.
    private func blocks(of template: String, seen: Set<String>) -> Set<String> {
        guard !seen.contains(template) else { return [] }
        var all = defined[template] ?? []
        for parent in parents[template] ?? [] {
            all.formUnion(blocks(of: parent, seen: seen.union([template])))
        }
        return all
    }
}
