import Mustache

/// A value in a page's Mustache context, typed so that ``CompiledTemplates`` resolves a name by
/// comparing names instead of the dynamic casts swift-mustache makes on every `Any`. Literals
/// make one: `["name": "Ada", "count": 3, "shown": true]`.
enum TemplateValue: Sendable {
    /// A string or a number: rendered as its text; in a section, pushed like any value.
    case text(String)
    case bool(Bool)
    case list([TemplateValue])
    case object(TemplateObject)

    /// A number, rendered as its decimal digits.
    static func number(_ number: Int) -> TemplateValue {
        .text(String(number))
    }

    /// The value as swift-mustache takes it, for a template only swift-mustache renders.
    var any: Any {
        switch self {
        case .text(let text): text
        case .bool(let bool): bool
        case .list(let list): list.map(\.any)
        case .object(let object): FallbackObject(values: Dictionary(uniqueKeysWithValues: object.entries.map { ($0.name, $0.value.any) }))
        }
    }

    /// Sets `name` to `value` in this object; any other value is left as it is. In place when
    /// nothing else holds the object's entries, which copying them for each share link retained
    /// and released one by one.
    mutating func set(_ name: String, to value: TemplateValue) {
        guard case .object(var object) = self else { return }
        // `object` is then the only holder of the entries, unless a copy of this value is.
        self = .bool(false)
        object[name] = value
        self = .object(object)
    }

    /// The value named `name` inside this one, as swift-mustache finds it: only objects have any.
    func child(_ name: String) -> TemplateValue? {
        if case .object(let object) = self { object[name] } else { nil }
    }
}

extension TemplateValue: ExpressibleByStringInterpolation, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .number(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(TemplateObject(elements))
    }
}

/// An object for swift-mustache: its values by name, and nothing when written as `{{object}}`,
/// as the compiled renderer writes. A dictionary wrote its description there, in an order
/// that changed from one run to the next, so a build was no longer byte-identical.
struct FallbackObject: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let values: [String: Any]

    func child(named name: String) -> Any? { values[name] }
    var renderText: String { "" }
    var isNull: Bool { false }
    /// A dictionary's transforms (`count`, `empty`, `enumerated`, `sorted`), as before.
    func transform(_ name: String) -> Any? { values.transform(name) }
}
