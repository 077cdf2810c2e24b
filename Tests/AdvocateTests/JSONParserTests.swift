import Testing
@testable import Advocate

@Suite struct JSONParserTests {
    @Test func parsesValuesWithLocations() throws {
        let node = try JSONParser.parse("{\n  \"a\": [1, -2.5e1, true, null],\n  \"b\": \"\\u00e9\\ud83d\\ude00\\n\"\n}")
        let members = try #require(node.members)
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members[0].keyLocation == SourceLocation(line: 2, column: 3))
        #expect(members[0].value.elements?.map(\.numberValue) == [1, -25, nil, nil])
        #expect(members[1].value.stringValue == "é😀\n")
        #expect(members[1].value.location == SourceLocation(line: 3, column: 8))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"a\nb\"", "tru", "[1] 2", "\"\\ud800\""])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    /// Strings are decoded straight from the input when they have no escapes; every kind of
    /// invalid UTF-8 is still refused, with escapes or without, including a truncated four-byte
    /// sequence whose repair would have the same length.
    @Test(arguments: [[0xC0, 0xAF], [0xF0, 0x90, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0x61, 0x80], [0xE2, 0x82]] as [[UInt8]])
    func rejectsInvalidUTF8InAnyString(bytes: [UInt8]) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22] + bytes + [0x22]) }
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22, 0x5C, 0x6E] + bytes + [0x22]) }
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(#"{"k":""#.utf8) + bytes + Array(#""}"#.utf8)) }
    }

    /// A string's bad bytes and a number too large are placed where they start, not after them.
    @Test func problemsArePlacedWhereTheyStart() {
        for (bytes, place) in [(Array("{\n  \"name\": \"Acme ".utf8) + [0xC0, 0xAF] + Array("Rewards\",".utf8), "2:17"),
                               (Array("[\"ok\", 1e400]".utf8), "1:8"), (Array("[\"a\\n".utf8) + [0xFF] + Array("\"]".utf8), "1:2")] {
            do {
                _ = try JSONParser.parse(bytes)
                Issue.record("parsed")
            } catch {
                #expect("\(error.location.line):\(error.location.column)" == place, "\(error.message)")
            }
        }
    }

    /// A line ends at an LF, a CRLF or a CR alone (old Mac line ends), as an editor shows it.
    @Test func aLineEndsAtLFCRLFOrALoneCR() throws {
        for end in ["\n", "\r\n", "\r"] {
            let node = try JSONParser.parse("{" + end + "  \"a\": 1," + end + end + "  \"b\": true" + end + "}")
            #expect(node.members?.map { "\($0.value.location.line):\($0.value.location.column)" } == ["2:8", "4:8"], "\(end.debugDescription)")
        }
    }

    /// Columns count characters, as editors do, however many bytes each takes: a value's, and a
    /// problem's inside a string or after one.
    @Test func columnsCountCharactersNotBytes() throws {
        let node = try JSONParser.parse(#"{"name": "Zoë 😀", "email": "z@example.com"}"#)
        #expect(try #require(node.members)[1].keyLocation == SourceLocation(line: 1, column: 19))
        #expect(try #require(node.members)[1].value.location == SourceLocation(line: 1, column: 28))
        for (text, place) in [("{\"a\": \"é\", \"b\": tru}", "1:17"), ("[\"😀😀\\u12\"]", "1:9"), ("\"ü\n\"", "1:3")] {
            do {
                _ = try JSONParser.parse(text)
                Issue.record("parsed \(text)")
            } catch {
                #expect("\(error.location.line):\(error.location.column)" == place, "\(text): \(error.message)")
            }
        }
        do {
            _ = try UTF8Text.decode(Array("é\nZoë ".utf8) + [0xFF])
            Issue.record("decoded")
        } catch {
            #expect(error.location == SourceLocation(line: 2, column: 5))
        }
    }

    /// The slips of a hand-edited file are named: a trailing comma, a comment, single or
    /// typographic quotes.
    @Test(arguments: [("[1, 2,\n]", "2:1", "JSON allows no comma before ']': remove the last one"),
                      ("{\"a\": 1,\n}", "2:1", "JSON allows no comma before '}': remove the last one"),
                      ("{\n  // the name\n  \"a\": 1}", "2:3", "JSON has no comments: remove this one"),
                      ("[1, /* two */ 2]", "1:5", "JSON has no comments: remove this one"),
                      ("{'a': 1}", "1:2", "JSON strings are in double quotes"),
                      ("{“a”: 1}", "1:2", "JSON strings are in straight double quotes (\")"),
                      ("{\"a\": ‘b’}", "1:7", "JSON strings are in straight double quotes (\")"),
                      ("{\"a\": }", "1:7", "expected a value"),
                      ("{\n  \"a\": 1\n  \"b\": 2\n}", "3:3", "expected ',' or '}' after a value; is a comma missing at the end of line 2?"),
                      ("[\n  {\"a\": 1}\n  {\"a\": 2}\n]", "3:3", "expected ',' or ']' after a value; is a comma missing at the end of line 2?"),
                      ("{\"a\": 1 \"b\": 2}", "1:9", "expected ',' or '}' after a value")])
    func aHandEditingSlipIsNamed(text: String, at place: String, hint: String) {
        do {
            _ = try JSONParser.parse(Array(text.utf8))
            Issue.record("parsed")
        } catch {
            #expect("\(error.location.line):\(error.location.column)" == place && error.message.hasSuffix(hint), "\(error.message) at \(error.location)")
            #expect(!error.message.contains("comma") || hint.contains("comma"), "\(error.message)")
        }
    }

    @Test func decodesValidTextWithAndWithoutEscapes() throws {
        #expect(try JSONParser.parse(#""Zoë 王 😀""#).stringValue == "Zoë 王 😀")
        #expect(try JSONParser.parse(#""Zoë\t王\"😀\\""#).stringValue == "Zoë\t王\"😀\\")
        #expect(try JSONParser.parse(#""a\u0000b""#).stringValue == "a\u{0}b")
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22, 0xC0, 0xAF, 0x22]) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func writerKeepsTextReadableAndKeyOrder() {
        let output = JSONOutput.object([("z", .string("Smith & Sons <b>\u{2028}\"\u{1}")), ("a", .number(25)), ("r", .number(0.5))])
        #expect(output.serialized() == #"{"z":"Smith & Sons <b>\u2028\"\u0001","a":25,"r":0.5}"#)
    }

    @Test func instantsParseAndPrint() throws {
        #expect(Instant(iso8601: "2026-03-01T09:30:00Z")?.iso8601 == "2026-03-01T09:30:00Z")
        #expect(Instant(iso8601: "2026-03-01T11:30:00.25+02:00")?.iso8601 == "2026-03-01T09:30:00.250Z")
        #expect(Instant(iso8601: "2026-03-01T09:30:00") == nil)
        #expect(CalendarDay("2024-02-29") != nil)
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2026-03-04")?.weekStart.iso8601 == "2026-03-02")
    }
}
