/// Partials and parents that lead back to the template that names them. Rendering one recursed
/// until the stack overflowed, a crash with no message; found before rendering, each cycle is an
/// error at the tag that closes it.
enum TemplateCycles {
    /// A `{{> partial}}` or `{{< parent}}` tag.
    struct Reference {
        var target: String
        var isParent: Bool
        var location: SourceLocation
    }

    /// A reference that closes a cycle, in `template`, with the templates it goes through.
    struct Cycle {
        var template: String
        var reference: Reference
        /// From the reference's target back to it: `a → b → a`.
        var path: [String]
    }

    /// Every cycle, each found once, by a walk in the order of the templates' names.
    static func find(_ references: [String: [Reference]]) -> [Cycle] {
        var cycles: [Cycle] = []
        var finished: Set<String> = []
        var path: [String] = []
        func visit(_ name: String) {
            path.append(name)
            for reference in references[name] ?? [] {
                if let start = path.firstIndex(of: reference.target) {
                    cycles.append(Cycle(template: name, reference: reference, path: Array(path[start...]) + [reference.target]))
                } else if !finished.contains(reference.target) {
                    visit(reference.target)
                }
            }
            path.removeLast()
            finished.insert(name)
        }
        for name in references.keys.sorted() where !finished.contains(name) {
            visit(name)
        }
        return cycles
    }
}
