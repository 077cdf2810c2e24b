import Mustache

/// The explicit directional formatting characters of Unicode's bidirectional algorithm (UAX #9),
/// as every value from the store is confined where it lands (HTML, XML, a message's text): each
/// embedding, override or isolate the value opens is closed at its end, and a close that matches
/// nothing the value opened is dropped, so that it cannot end an isolate around the value. A
/// name holding U+202E (RIGHT-TO-LEFT OVERRIDE) then cannot turn the words of a page's title,
/// or of the SMS that shares the referrer's link, around it.
///
/// Written by hand: neither Foundation nor swift-mustache escapes directional controls.
enum BidiControl: Equatable {
    /// LRE, RLE, LRO, RLO (U+202A, U+202B, U+202D, U+202E), closed by PDF.
    case embedding
    /// PDF (U+202C).
    case popEmbedding
    /// LRI, RLI, FSI (U+2066 to U+2068), closed by PDI.
    case isolate
    /// PDI (U+2069).
    case popIsolate

    /// The first byte of each of them in UTF-8 (E2 80 AA to AE, E2 81 A6 to A9).
    static let leadByte: UInt8 = 0xE2

    /// The control whose UTF-8 starts at `index`, if one does.
    init?(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) {
        guard index + 2 < bytes.count, bytes[index] == Self.leadByte else { return nil }
        switch (bytes[index + 1], bytes[index + 2]) {
        case (0x80, 0xAA), (0x80, 0xAB), (0x80, 0xAD), (0x80, 0xAE): self = .embedding
        case (0x80, 0xAC): self = .popEmbedding
        case (0x81, 0xA6), (0x81, 0xA7), (0x81, 0xA8): self = .isolate
        case (0x81, 0xA9): self = .popIsolate
        default: return nil
        }
    }

    /// Updates what the value has open; false when the control is to be dropped (a close with
    /// nothing of its kind open). A PDI also closes the embeddings opened inside its isolate.
    func confine(_ open: inout [BidiControl]) -> Bool {
        switch self {
        case .embedding, .isolate:
            open.append(self)
        case .popEmbedding:
            guard open.last == .embedding else { return false }
            open.removeLast()
        case .popIsolate:
            guard let isolate = open.lastIndex(of: .isolate) else { return false }
            open.removeSubrange(isolate...)
        }
        return true
    }

    /// The UTF-8 of the control that closes this one.
    var closing: [UInt8] {
        self == .isolate ? [0xE2, 0x81, 0xA9] : [0xE2, 0x80, 0xAC]
    }

    /// Whether nothing is done with `byte` but copying it: printable ASCII but `<>&"'`, tab and
    /// the line breaks, and the bytes past ASCII that start none of the characters looked for.
    @inline(__always)
    static func isPassedOver(_ byte: UInt8) -> Bool {
        // Bit n of the first mask for byte n, of the second for byte 64 + n.
        if byte < 64 { return 0xafffff3b00002600 as UInt64 >> byte & 1 == 1 }
        if byte < 128 { return 0x7fffffffffffffff as UInt64 >> (byte - 64) & 1 == 1 }
        return byte != leadByte && !UnwantedCharacter.mayStart(with: byte)
    }

    /// Whether all eight bytes of `word` are printable ASCII but `<>&"'`: each of them
    /// ``isPassedOver``, tested together. Tab, the line breaks and the bytes past ASCII answer
    /// false here and go one at a time.
    @inline(__always)
    static func arePassedOver(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
        // Nonzero when a byte of `value` is below `limit` (at most 0x80), exactly.
        func hasByte(below limit: UInt64, _ value: UInt64) -> Bool { (value &- ones &* limit) & ~value & highBits != 0 }
        func has(_ byte: UInt8) -> Bool { hasByte(below: 1, word ^ (ones &* UInt64(byte))) }
        return word & highBits == 0 && !hasByte(below: 0x20, word) && !has(0x7F)
            && !has(UInt8(ascii: "<")) && !has(UInt8(ascii: ">")) && !has(UInt8(ascii: "&"))
            && !has(UInt8(ascii: "\"")) && !has(UInt8(ascii: "'"))
    }

    /// `text` with its controls confined, and its C1 controls and noncharacters replaced
    /// (``append(_:to:replacing:)``); the text itself when it has none of them (most values). For
    /// text composed of values before it is escaped, such as a page's title.
    static func confined(_ text: String) -> String {
        confined(text, replacingControls: false)
    }

    /// ``confined(_:)``, and with `replacingControls` the control characters replaced as well.
    static func confined(_ text: String, replacingControls: Bool) -> String {
        guard text.utf8.contains(where: { $0 == leadByte || UnwantedCharacter.mayStart(with: $0) || replacingControls && UnwantedCharacter.isControl($0) })
        else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 6)
        append(text, to: &output) { replacingControls && UnwantedCharacter.isControl($0) ? UnwantedCharacter.replacement : nil }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends `text`'s UTF-8 to `output` with its controls confined, its C1 controls and
    /// noncharacters replaced (``UnwantedCharacter``), and each ASCII byte `replacement` has a
    /// replacement for replaced: one pass that copies the runs between them. `replacement` is
    /// asked only about the ASCII controls and `<>&"'` (``isPassedOver``).
    @inline(__always)
    static func append(_ text: String, to output: inout [UInt8], replacing replacement: (UInt8) -> String?) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var runStart = 0
            var open: [BidiControl] = []
            var index = 0
            let base = UnsafeRawPointer(bytes.baseAddress)
            while index < bytes.count {
                // Most bytes of most values are copied after one test of eight of them at a
                // time (one test a byte was 2 % of a build; the checks below were 3 %).
                if let base, index + 8 <= bytes.count, arePassedOver(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                if isPassedOver(byte) {
                    index += 1
                    continue
                }
                // Bytes of characters past ASCII: only the controls above are looked for there
                // (`replacement` replaces ASCII bytes).
                if byte >= 0x80 {
                    if byte == leadByte, let control = BidiControl(bytes, at: index) {
                        output.append(contentsOf: bytes[runStart..<index])
                        runStart = index + 3
                        if control.confine(&open) { output.append(contentsOf: bytes[index..<runStart]) }
                        index = runStart
                    } else if UnwantedCharacter.mayStart(with: byte), let length = UnwantedCharacter.length(in: bytes, at: index) {
                        output.append(contentsOf: bytes[runStart..<index])
                        output.append(contentsOf: UnwantedCharacter.replacement.utf8)
                        runStart = index + length
                        index = runStart
                    } else {
                        index += 1
                    }
                    continue
                }
                if let replacement = replacement(byte) {
                    output.append(contentsOf: bytes[runStart..<index])
                    output.append(contentsOf: replacement.utf8)
                    runStart = index + 1
                }
                index += 1
            }
            output.append(contentsOf: bytes[runStart...])
            for control in open.reversed() { output.append(contentsOf: control.closing) }
        }
        if copied == nil { append(String(decoding: Array(text.utf8), as: UTF8.self), to: &output, replacing: replacement) }
    }
}

/// The escaping of `{{name}}` in a message's plain text (an SMS, a subject): none, but for the
/// confining of directional controls (``BidiControl``) and the replacing of control characters.
struct PlainTextContentType: MustacheContentType {
    static let name = "ADVOCATE_TEXT"

    /// Registers the content type with swift-mustache (once, before any template uses it).
    static let registered: Void = {
        MustacheContentTypes.register(PlainTextContentType(), named: name)
    }()

    func escapeText(_ text: String) -> String {
        BidiControl.confined(text, replacingControls: true)
    }
}
