/// The named values of a Mustache context object, in the order they were set; setting a name
/// again replaces its value. Literals make one: `["name": "Ada", "shown": true]`.
///
/// Why not a `Dictionary`: a build makes a few fresh objects of up to twenty names for every
/// page and looks each name up once or twice, and hashing the names on every insert and lookup
/// was 6 % of a 10,000-referrer build (perf: `Hasher`, `_RawDictionaryStorage.find`). A scan
/// comparing names is cheaper at these sizes: nearly every name fits in a `String`'s inline
/// storage, where equality compares two words.
struct TemplateObject: Sendable {
    private(set) var entries: [(name: String, value: TemplateValue)] = []

    init() {}

    /// The value named `name`, nil when there is none; setting nil removes it.
    subscript(name: String) -> TemplateValue? {
        get {
            for entry in entries where entry.name == name { return entry.value }
            return nil
        }
        set {
            if let index = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }
}

extension TemplateObject: ExpressibleByDictionaryLiteral {
    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(elements)
    }

    /// The named values in order, a later value replacing an earlier one of the same name.
    init(_ elements: [(String, TemplateValue)]) {
        entries.reserveCapacity(elements.count)
        for (name, value) in elements { self[name] = value }
    }
}
