import Foundation

/// How long a message is for its channel: SMS segments, X's weighted 280, or plain characters.
public struct MessageLength: Sendable, Equatable {
    /// Characters; for X, weighted characters (links count 23, wide characters 2).
    public var count: Int
    /// The channel's limit in the same unit (for SMS, the single-segment limit).
    public var limit: Int?
    /// SMS only: segments the message is sent as.
    public var segments: Int?
    /// SMS only: "GSM-7" or "UCS-2".
    public var encoding: String?
    /// True when the message is past what the channel takes in one piece.
    public var over: Bool
    /// One line for people: "2 segments · GSM-7 · 190 characters", "137 / 280".
    public var summary: String

    /// What a message past its limit is over, in words: an SMS longer than one goes out as
    /// several, billed each, where X cuts a post off.
    public var pastTheLimit: String {
        if let segments { return "is longer than one SMS (sent and billed as \(segments) messages)" }
        return "is over the channel's limit"
    }

    /// Measures a message as the channel counts it.
    public static func measure(_ text: String, channel: MessageChannel) -> MessageLength {
        switch channel {
        case .sms: sms(text)
        case .x: x(text)
        case .linkedin: plain(text, limit: 3000)
        case .whatsapp: plain(text, limit: 65536)
        case .email: plain(text, limit: nil)
        }
    }

    private static func characters(_ count: Int) -> String {
        "\(count) character\(count == 1 ? "" : "s")"
    }

    static func plain(_ text: String, limit: Int?) -> MessageLength {
        let count = text.count
        let over = limit.map { count > $0 } ?? false
        let summary = limit.map { "\(count) / \($0) characters" } ?? characters(count)
        return MessageLength(count: count, limit: limit, segments: nil, encoding: nil, over: over, summary: summary)
    }

    /// GSM 03.38: 160 septets in one SMS, 153 a segment when concatenated; any character outside
    /// it makes the message UCS-2: 70 UTF-16 units, 67 a segment. A character is never split
    /// between segments (an extension character's two septets, an emoji's surrogate pair), as
    /// phones split them: it starts the next segment instead.
    static func sms(_ text: String) -> MessageLength {
        var units: [Int] = []
        var isGSM = true
        for scalar in text.unicodeScalars {
            if GSM7.basic.contains(scalar) {
                units.append(1)
            } else if GSM7.extended.contains(scalar) {
                units.append(2)
            } else {
                isGSM = false
                break
            }
        }
        if !isGSM { units = text.unicodeScalars.map { $0.utf16.count } }
        let (single, multi, encoding) = isGSM ? (160, 153, "GSM-7") : (70, 67, "UCS-2")
        let count = units.reduce(0, +)
        var segments = count == 0 ? 0 : 1
        if count > single {
            var used = 0
            for unit in units {
                if used + unit > multi {
                    segments += 1
                    used = 0
                }
                used += unit
            }
        }
        let why = isGSM ? "" : GSM7.whyNot(text).map { " (\($0))" } ?? ""
        let summary = "\(segments) segment\(segments == 1 ? "" : "s") · \(encoding)\(why) · " + characters(count)
        return MessageLength(count: count, limit: single, segments: segments, encoding: encoding, over: segments > 1, summary: summary)
    }

    /// X's weighted length against its 280 (``XLength``).
    static func x(_ text: String) -> MessageLength {
        let count = XLength.weighted(text)
        return MessageLength(count: count, limit: 280, segments: nil, encoding: nil, over: count > 280, summary: "\(count) / 280")
    }
}

/// The GSM 03.38 default alphabet and its extension table.
enum GSM7 {
    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà".unicodeScalars)
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
    /// Unicode's directional isolates (LRI, RLI, FSI, PDI).
    static let isolationMarks: Set<Unicode.Scalar> = ["\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}"]

    /// `name` with each letter outside GSM-7 as an `x`: as long, in a message that stays GSM-7.
    static func standIn(for name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { basic.contains($0) || extended.contains($0) ? $0 : "x" }))
    }

    /// Why `text` is not GSM-7, in words (nil when it is): its first character outside the
    /// alphabet (a letter, not the isolation marks the build puts around a right-to-left name)
    /// and the one to use instead where there is one, and then the first that has none, which
    /// keeps the message UCS-2 whatever the first is replaced by.
    static func whyNot(_ text: String) -> String? {
        let outsiders = text.unicodeScalars.filter { !basic.contains($0) && !extended.contains($0) }
        let letters = outsiders.filter { !isolationMarks.contains($0) }
        guard let first = letters.first ?? outsiders.first else { return nil }
        guard let instead = replacement(for: first) else { return "\(describe(first)) is not in GSM-7" }
        let kept = letters.first { replacement(for: $0) == nil }
        return "\(describe(first)) is not in GSM-7; \(instead) is" + (kept.map { "; \(describe($0)) has no GSM-7 form" } ?? "")
    }

    /// A character as a message names it: itself and its code point (`’ U+2019`), the code
    /// point alone for one that does not show (a no-break space).
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = String(format: "U+%04X", scalar.value)
        let visible = !scalar.properties.isWhitespace && scalar.properties.generalCategory != .format && scalar.properties.generalCategory != .control
        return visible ? "\(Character(scalar)) \(code)" : code
    }

    /// The GSM-7 character a word processor's typography stands for, when there is one.
    static func replacement(for scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\u{2018}", "\u{2019}", "\u{201A}", "\u{2032}": "'"
        case "\u{201C}", "\u{201D}", "\u{201E}", "\u{2033}": "\""
        case "\u{2013}", "\u{2014}", "\u{2212}", "\u{2010}", "\u{2011}": "-"
        case "\u{00A0}", "\u{2009}", "\u{202F}", "\u{2007}": "a space"
        case "\u{2026}": "..."
        case "`": "'"
        default: nil
        }
    }
}
