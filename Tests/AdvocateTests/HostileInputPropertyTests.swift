@testable import Advocate
import Foundation
import PropertyBased
import Testing

/// Arbitrary bytes and arbitrary structured values against the parsers that read untrusted
/// files: each returns a value or an error, never crashes or hangs (the time limit), and a
/// store that loads keeps every valid line.
@Suite(.timeLimit(.minutes(2))) struct HostileInputPropertyTests {
    static let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...300)
    /// Bytes biased towards JSON's and YAML's punctuation, so inputs get past the first character.
    static let syntaxBytes = Gen<UInt8?>.element(of: Array("{}[]\":,-0123456789.eEtrufalsn \n\t\\/u#'|>&*!%@`?~".utf8) + [0, 0x80, 0xC0, 0xFF])
        .map { $0! }.array(of: 0...200)

    @Test func jsonParserAnswersEveryByteStringWithAValueOrAnError() async {
        await propertyCheck(count: 400, input: Self.bytes) { bytes in
            Self.parseOrError(bytes)
        }
        await propertyCheck(count: 400, input: Self.syntaxBytes) { bytes in
            Self.parseOrError(bytes)
        }
    }

    @Test func jsonParserReadsBackEveryValueTheWriterWrites() async {
        await propertyCheck(count: 300, input: Gen<UInt8>.value(in: 0...255).array(of: 1...120)) { choices in
            var source = choices.makeIterator()
            let value = RandomJSON.value(&source, depth: 0)
            let text = value.serialized()
            do {
                let parsed = try JSONParser.parse(Array(text.utf8))
                #expect(parsed.output.serialized() == text)
            } catch let error as JSONParser.SyntaxError {
                Issue.record("the writer wrote \(text), which the parser refuses: \(error.message)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func journalReaderKeepsEveryValidLineWhateverIsAroundIt() async {
        let garbage = Self.syntaxBytes.map { bytes in bytes.filter { $0 != 0x0A } }
        await propertyCheck(count: 200, input: garbage.array(of: 0...6), Gen<UInt8>.value(in: 0...255).array(of: 1...8)) { noise, seeds in
            var lines: [[UInt8]] = []
            var expected: [String] = []
            for (index, seed) in seeds.enumerated() {
                let referral = Referral(id: "rf_\(index)_\(seed)", at: Instant(milliseconds: 1_767_225_600_000 + Int64(seed) * 60_000),
                                        referrer: "ada", name: "Friend \(seed) \u{00E9}<b>", email: "f\(index)@example.net",
                                        source: ReferralSource.allCases[Int(seed) % ReferralSource.allCases.count], variant: nil, consent: seed % 2 == 0)
                lines.append(Array(referral.journalLine.utf8))
                expected.append(referral.id)
                if index < noise.count { lines.append(noise[index]) }
            }
            var diagnostics = DiagnosticList()
            let result = JournalReader.read(Array(lines.joined(separator: [0x0A])) + [0x0A], file: "referrals.jsonl", diagnostics: &diagnostics)
            let ids = result.events.compactMap { event -> String? in
                if case .referral(let referral) = event { return referral.id }
                return nil
            }
            #expect(ids == expected)
        }
    }

    @Test func storeLoaderAnswersArbitraryFilesWithAStoreOrDiagnostics() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.path
        await propertyCheck(count: 150, input: Self.syntaxBytes, Self.bytes) { program, journal in
            _ = FileManager.default.createFile(atPath: data + "/program.json", contents: Data(program))
            _ = FileManager.default.createFile(atPath: data + "/referrers.json", contents: Data(Array(program.reversed())))
            _ = FileManager.default.createFile(atPath: data + "/referrals.jsonl", contents: Data(journal))
            do {
                _ = try StoreLoader.load(from: data)
            } catch let error as DiagnosticsError {
                #expect(!error.diagnostics.isEmpty)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func storeThatLoadsKeepsEveryValidJournalLineAndSetsATornTailAside() async throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("content/data")
        let folder = try TemporaryDirectory()
        for name in [StoreFiles.program, StoreFiles.referrers] {
            try FileManager.default.copyItem(at: example.appendingPathComponent(name), to: URL(fileURLWithPath: folder.file(name)))
        }
        await propertyCheck(count: 60, input: Gen<UInt8>.value(in: 0...255).array(of: 0...30), Gen<UInt8>.value(in: 0...255)) { seeds, cut in
            let lines = seeds.enumerated().map { index, seed in
                Referral(id: "rf_p\(index)", at: Instant(milliseconds: 1_767_225_600_000 + Int64(index) * 3_600_000), referrer: "ada",
                         name: "Prop \(seed)", email: "prop\(index)@example.net", source: .link, variant: nil, consent: true).journalLine
            }
            // Blank lines, CRLF endings and a torn last line (a write cut anywhere) are all tolerated.
            let body = lines.enumerated().map { $0.offset % 3 == 0 ? $0.element + "\r\n\n" : $0.element + "\n" }.joined()
            let next = Array(Referral(id: "rf_next", at: Instant(milliseconds: 1_767_225_600_000), referrer: "ada", name: "Ñext \u{1F600}",
                                      email: "next@example.net", source: .link, variant: "a", consent: true).journalLine.utf8)
            let torn = Array(next.prefix(Int(cut) * (next.count - 1) / 255))
            _ = FileManager.default.createFile(atPath: folder.path + "/" + StoreFiles.journal, contents: Data(body.utf8) + Data(torn))
            do {
                let loaded = try StoreLoader.load(from: folder.path)
                let ids = loaded.store.journal.compactMap { event -> String? in
                    if case .referral(let referral) = event { return referral.id }
                    return nil
                }
                #expect(ids.suffix(lines.count) == ArraySlice((0..<lines.count).map { "rf_p\($0)" }))
                #expect(loaded.tornJournalTail == (torn.contains { $0 > 0x20 } ? torn : nil), "\(String(decoding: torn, as: UTF8.self))")
            } catch {
                Issue.record("the store failed on a torn tail \(String(decoding: torn, as: UTF8.self)): \(error)")
            }
        }
    }

    @Test func frontMatterAnswersArbitraryTextWithASourceOrADiagnostic() async {
        let yamlish = Gen<UInt8?>.element(of: Array("abc:- \n\t'\"[]{}|>&*!%@`#?,.~0123456789\\".utf8) + [0xC3, 0xA9]).map { $0! }.array(of: 0...160)
        await propertyCheck(count: 400, input: yamlish, Self.bytes) { yaml, body in
            let text = "---\n" + String(decoding: yaml, as: UTF8.self) + "\n---\n" + String(decoding: body, as: UTF8.self)
            do {
                let source = try FrontMatter.parse(text, file: "page.md")
                #expect(source.bodyLine >= 3)
            } catch let error as Diagnostic {
                #expect(error.file == "page.md")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func parseOrError(_ bytes: [UInt8]) {
        do {
            _ = try JSONParser.parse(bytes)
        } catch {
            #expect(error.location.line >= 1 && !error.message.isEmpty)
        }
    }
}

/// Builds a JSON value from a stream of choices (so PropertyBased can shrink it as bytes).
enum RandomJSON {
    static func value(_ choices: inout IndexingIterator<[UInt8]>, depth: Int) -> JSONOutput {
        guard let choice = choices.next() else { return .null }
        switch choice % (depth > 6 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(choice & 0x10 != 0)
        case 2: return .number(Double(Int(choice) - 128) * (choice % 3 == 0 ? 0.25 : 1))
        case 3, 4: return .string(string(&choices))
        case 5:
            let count = Int(choices.next() ?? 0) % 4
            return .array((0..<count).map { _ in value(&choices, depth: depth + 1) })
        default:
            let count = Int(choices.next() ?? 0) % 4
            return .object((0..<count).map { _ in (string(&choices), value(&choices, depth: depth + 1)) })
        }
    }

    /// Short strings over quotes, backslashes, controls, NUL, accents, an emoji and a lone `<`.
    static func string(_ choices: inout IndexingIterator<[UInt8]>) -> String {
        let alphabet: [String] = ["a", "\"", "\\", "\n", "\u{0}", "\u{1F}", "é", "👋", "<", "/", "\u{2028}", " "]
        let count = Int(choices.next() ?? 0) % 6
        return (0..<count).map { _ in alphabet[Int(choices.next() ?? 0) % alphabet.count] }.joined()
    }
}
