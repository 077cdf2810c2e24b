/// Where the theme's layouts hold their blocks: inside which sections, and inside which other
/// blocks. What a page fills a block with is read in the context of the sections its layouts
/// hold that block in (`{{#page}}{{$head}}{{/head}}{{/page}}`: `{{title}}` there is the page's),
/// which `check` needs to know before it calls a name missing from a page.
struct LayoutBlocks {
    private struct Place {
        /// The sections around the block, as paths (`["page"]`).
        var sections: [[String]] = []
        /// The blocks around it in the same template (a middle layout's block inside its own
        /// filling of the top layout's).
        var blocks: [String] = []
    }

    private var places: [String: [String: Place]] = [:]
    private var parents: [String: [String]] = [:]

    init(_ templates: [ThemeLint.Source]) {
        for template in templates {
            var open: [(section: [String]?, block: String?)] = []
            for tag in template.tags where !tag.isUnfinished {
                switch tag.kind {
                // A transform's section (`{{#first(list)}}`) names no path a sample has: it counts as changing the context.
                case .section: open.append((tag.name.contains("(") ? ["("] : tag.name.split(separator: ".").map(String.init), nil))
                case .invertedSection: open.append((nil, nil))
                case .parent:
                    parents[template.name, default: []].append(tag.name)
                    open.append((nil, nil))
                case .block:
                    places[template.name, default: [:]][tag.name] = Place(sections: open.compactMap(\.section), blocks: open.compactMap(\.block))
                    open.append((nil, tag.name))
                case .closing: _ = open.popLast()
                default: break
                }
            }
        }
    }

    /// The blocks of `page` that its layouts (and theirs) hold inside a section that changes
    /// what a name resolves against in `page`'s contexts, directly or inside another such block.
    func readInSections(by page: String, changesContext: ([String]) -> Bool) -> Set<String> {
        var ancestors: [String] = [], pending = parents[page] ?? []
        while let parent = pending.popLast() {
            guard !ancestors.contains(parent) else { continue }
            ancestors.append(parent)
            pending += parents[parent] ?? []
        }
        var found: Set<String> = []
        var grew = true
        while grew {
            grew = false
            for ancestor in ancestors {
                for (block, place) in places[ancestor] ?? [:] where !found.contains(block) {
                    if place.sections.contains(where: changesContext) || place.blocks.contains(where: found.contains) {
                        found.insert(block)
                        grew = true
                    }
                }
            }
        }
        return found
    }
}
