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
    /// it makes the message UCS-2: 70 UTF-16 units, 67 a segment.
    static func sms(_ text: String) -> MessageLength {
        var septets = 0
        var isGSM = true
        for scalar in text.unicodeScalars {
            if GSM7.basic.contains(scalar) {
                septets += 1
            } else if GSM7.extended.contains(scalar) {
                septets += 2
            } else {
                isGSM = false
                break
            }
        }
        let (count, single, multi, encoding) = isGSM
            ? (septets, 160, 153, "GSM-7")
            : (text.utf16.count, 70, 67, "UCS-2")
        let segments = count <= single ? (count == 0 ? 0 : 1) : (count + multi - 1) / multi
        let summary = "\(segments) segment\(segments == 1 ? "" : "s") · \(encoding) · " + characters(count)
        return MessageLength(count: count, limit: single, segments: segments, encoding: encoding, over: segments > 1, summary: summary)
    }

    /// X's weighted length (twitter-text v3): a URL counts 23; code points in the Latin and
    /// general-punctuation ranges count 1, everything else (CJK, emoji) 2; limit 280.
    static func x(_ text: String) -> MessageLength {
        var count = 0
        for word in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "\n" }) {
            if word.hasPrefix("http://") || word.hasPrefix("https://") {
                count += 23
                continue
            }
            for character in word {
                let scalar = character.unicodeScalars.first!
                let light = scalar.value <= 0x10FF || (0x2000...0x200D).contains(scalar.value)
                    || (0x2010...0x201F).contains(scalar.value) || (0x2032...0x2037).contains(scalar.value)
                count += light && character.unicodeScalars.count == 1 ? 1 : 2
            }
        }
        count += max(0, text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "\n" }).count - 1)
        return MessageLength(count: count, limit: 280, segments: nil, encoding: nil, over: count > 280, summary: "\(count) / 280")
    }
}

/// The GSM 03.38 default alphabet and its extension table.
enum GSM7 {
    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà".unicodeScalars)
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
