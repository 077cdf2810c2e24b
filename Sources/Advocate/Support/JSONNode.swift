/// A parsed JSON value that remembers where it came from, so that every problem in the
/// store can be reported with its line and column.
///
/// Foundation's `JSONDecoder` reports a coding path but no position; store errors must name
/// the line and column, which is why Advocate parses JSON with ``JSONParser``.
public struct JSONNode: Sendable {
    /// Not `indirect`: its arrays already break the recursion, and an indirect enum allocates a
    /// box for every value (nine a journal line; a tenth of `advocate stats` at 100,000 referrers).
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONNode])
        case object([Member])
    }

    /// One `"key": value` pair of an object, in source order.
    public struct Member: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: JSONNode
    }

    public var value: Value
    public var location: SourceLocation

    /// The kind of value, as a message names it ("a string", "an object").
    public var kindName: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public var members: [Member]? {
        if case .object(let members) = value { return members }
        return nil
    }

    public var elements: [JSONNode]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    public var stringValue: String? {
        if case .string(let string) = value { return string }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let number) = value { return number }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let bool) = value { return bool }
        return nil
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }
}

extension JSONNode {
    /// The same value for writing, keys in their source order.
    public var output: JSONOutput {
        switch value {
        case .null: .null
        case .bool(let bool): .bool(bool)
        case .number(let number): .number(number)
        case .string(let string): .string(string)
        case .array(let elements): .array(elements.map(\.output))
        case .object(let members): .object(members.map { ($0.key, $0.value.output) })
        }
    }
}
