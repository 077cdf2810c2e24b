@testable import Advocate
import PropertyBased
import Testing

/// The QR codes' own mask choice must give libqrencode's symbol, module for module.
struct QRMaskChoiceTests {
    #if os(Linux)
    @Test func debiansLibqrencodeOffersTheFunctionsTheFastPathNeeds() {
        #expect(QRMaskChoice.encode("https://refer.acme.example/r/ada/?source=qr") != nil,
                "without them every QR code falls back to libqrencode's slower mask search")
    }
    #endif

    @Test func referralLinksGetLibqrencodesOwnSymbol() throws {
        let bases = ["https://refer.acme.example/r/", "http://127.0.0.1:8080/r/", "https://example.com/programs/Spring-2026/r/"]
        var checked = 0
        for base in bases {
            for number in 0..<400 {
                let code = number.isMultiple(of: 2) ? "r\(number * 7919)" : "ada-lovelace-\(number)"
                try expectSameSymbol("\(base)\(code)/?source=qr")
                checked += 1
            }
        }
        #expect(checked == 1_200)
    }

    @Test func textsOfEveryLengthAndKindGetLibqrencodesOwnSymbol() throws {
        // Digits, capitals and other bytes in runs make libqrencode mix numeric, alphanumeric and
        // byte segments; up to 300 bytes reach every version the mask choice takes (1 to 11; from
        // 7 on with version information) and the first ones past it, which fall back.
        var random = Xoshiro(seed: (42, 0, 0, 0))
        let alphabets = ["0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", "abcdefghijklmnopqrstuvwxyz/?=&", "éß€中"].map(Array.init)
        var widths = Set<Int>()
        for _ in 0..<600 {
            let length = Int.random(in: 1...300, using: &random)
            var text = ""
            while text.utf8.count < length {
                let alphabet = alphabets.randomElement(using: &random)!
                for _ in 1...Int.random(in: 1...12, using: &random) { text.append(alphabet.randomElement(using: &random)!) }
            }
            let symbol = try expectSameSymbol(text)
            widths.insert(symbol.size)
        }
        #expect(widths.isSuperset(of: stride(from: 21, through: 65, by: 4)), "every version up to 12: \(widths.sorted())")
    }

    @Test func formatBitsAreTheStandardsForLevelM() {
        // ISO/IEC 18004 Table C.1, level M, masks 0 to 7.
        #expect((0..<8).map(QRMaskChoice.formatBits) == [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0])
    }

    @Test func lineDemeritsMatchLibqrencodesRunLengthRules() {
        // Random lines, and lines with a finder-like pattern of a random unit and light modules
        // around it planted at a random place, so that every branch of the rule (the edges, the
        // four light modules on either side, runs just too long) comes up at every width.
        var random = Xoshiro(seed: (7, 0, 0, 0))
        var patterns = 0
        for round in 0..<60_000 {
            let width = Int.random(in: 0...10, using: &random) * 4 + 21
            var line = UInt64.random(in: 0...(1 << UInt64(width)) - 1, using: &random)
            if round.isMultiple(of: 2) {
                let unit = Int.random(in: 1...width / 7, using: &random)
                let start = Int.random(in: 0...width - 7 * unit, using: &random)
                // Light modules beside it, from none to one more than the rule asks for.
                let before = Int.random(in: 0...4 * unit + 1, using: &random), after = Int.random(in: 0...4 * unit + 1, using: &random)
                let pattern = [Int](repeating: 0, count: before) + [1, 0, 1, 1, 1, 0, 1].flatMap { [Int](repeating: $0, count: unit) }
                    + [Int](repeating: 0, count: after)
                for (offset, dark) in pattern.enumerated() where (0..<width).contains(start - before + offset) {
                    let bit = UInt64(start - before + offset)
                    line = dark == 1 ? line | 1 << bit : line & ~(1 << bit)
                }
            }
            let expected = runListScore(line, width: width)
            if expected.finders > 0 { patterns += 1 }
            #expect(QRMaskChoice.lineScore(line, width: width) == expected.score, "width \(width), line \(String(line, radix: 2))")
        }
        #expect(patterns > 5_000, "the planted patterns must score: \(patterns)")
    }

    @discardableResult
    private func expectSameSymbol(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> QRCode {
        let code = try #require(QRCode(text), sourceLocation: sourceLocation)
        let library = try #require(QRCode.librarySymbol(text), sourceLocation: sourceLocation)
        #expect(code.size == library.width && code.modules == library.modules, "\(text)", sourceLocation: sourceLocation)
        return code
    }
}

/// libqrencode's own rule (`Mask_calcRunLength` and `Mask_calcN1N3` in mask.c) as it reads: the
/// line's run lengths, light first (-1 when the line starts dark), then each run in turn.
private func runListScore(_ line: UInt64, width: Int) -> (score: Int, finders: Int) {
    var runs: [Int] = line & 1 == 1 ? [-1, 1] : [1]
    for x in 1..<width {
        if (line >> UInt64(x) & 1) != (line >> UInt64(x - 1) & 1) { runs.append(1) } else { runs[runs.count - 1] += 1 }
    }
    var score = 0, finders = 0
    for i in runs.indices {
        if runs[i] >= 5 { score += 3 + runs[i] - 5 }
        guard i & 1 == 1, i >= 3, i < runs.count - 2, runs[i] % 3 == 0 else { continue }
        let unit = runs[i] / 3
        guard runs[i - 2] == unit, runs[i - 1] == unit, runs[i + 1] == unit, runs[i + 2] == unit else { continue }
        if i == 3 || runs[i - 3] >= 4 * unit || i + 4 >= runs.count || runs[i + 3] >= 4 * unit {
            score += 40
            finders += 1
        }
    }
    return (score, finders)
}
