import Testing
@testable import Advocate

/// A context object keeps one value a name, as a dictionary would.
struct TemplateObjectTests {
    @Test func settingANameAgainReplacesItsValueAndNilRemovesIt() {
        var object: TemplateObject = ["a": "1", "b": true]
        object["a"] = "2"
        object["c"] = ["x": "y"]
        object["b"] = nil
        #expect(object.entries.map(\.name) == ["a", "c"])
        guard case .text(let a) = object["a"], case .object(let c) = object["c"], case .text(let x) = c["x"] else {
            Issue.record("values not kept: \(object)")
            return
        }
        #expect(a == "2" && x == "y")
        #expect(object["b"] == nil && object["missing"] == nil)
    }

    @Test func aLiteralNamingOneNameTwiceKeepsTheLastValue() {
        let object: TemplateObject = ["name": "first", "other": "o", "name": "last"]
        #expect(object.entries.count == 2)
        guard case .text(let name) = object["name"] else {
            Issue.record("no name")
            return
        }
        #expect(name == "last")
    }

    @Test func longAndNonASCIINamesAreFoundByTheirText() {
        let long = "a name longer than fifteen bytes"
        var object: TemplateObject = ["é": "accent", long: "long"]
        object["e\u{301}x"] = "decomposed"
        guard case .text(let accent) = object["é"], case .text(let found) = object[String(long.reversed().reversed())] else {
            Issue.record("names not found")
            return
        }
        #expect(accent == "accent" && found == "long")
        // Swift compares strings by canonical equivalence, as Dictionary does.
        #expect(object["\u{e9}x"] != nil)
    }
}
