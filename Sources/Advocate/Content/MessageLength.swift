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
        let summary = "\(segments) segment\(segments == 1 ? "" : "s") · \(encoding) · " + characters(count)
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
}
