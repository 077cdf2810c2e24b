/// A value in a page's Mustache context, typed so that ``CompiledTemplates`` resolves a name with a
/// dictionary lookup instead of the dynamic casts swift-mustache makes on every `Any`.
enum TemplateValue: Sendable {
    /// A string or a number: rendered as its text; in a section, pushed like any value.
    case text(String)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])

    /// The value of a context built as `[String: Any]`, or nil when it holds anything else
    /// (an optional that is nil, a struct, a closure): such a page is rendered by swift-mustache.
    init?(_ value: Any) {
        switch value {
        case let string as String: self = .text(string)
        case let bool as Bool: self = .bool(bool)
        case let int as Int: self = .text(String(int))
        case let double as Double: self = .text(String(describing: double))
        case let dictionary as [String: Any]:
            var object: [String: TemplateValue] = [:]
            object.reserveCapacity(dictionary.count)
            for (key, element) in dictionary {
                guard let converted = TemplateValue(element) else { return nil }
                object[key] = converted
            }
            self = .object(object)
        case let array as [Any]:
            var list: [TemplateValue] = []
            list.reserveCapacity(array.count)
            for element in array {
                guard let converted = TemplateValue(element) else { return nil }
                list.append(converted)
            }
            self = .list(list)
        default: return nil
        }
    }

    /// The value as swift-mustache takes it, for a template only swift-mustache renders.
    var any: Any {
        switch self {
        case .text(let text): text
        case .bool(let bool): bool
        case .list(let list): list.map(\.any)
        case .object(let object): object.mapValues(\.any)
        }
    }

    /// The value named `name` inside this one, as swift-mustache finds it: only objects have any.
    func child(_ name: String) -> TemplateValue? {
        if case .object(let object) = self { object[name] } else { nil }
    }
}
