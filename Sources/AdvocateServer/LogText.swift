/// Text from a request as a log line shows it.
enum LogText {
    /// Unicode's line and paragraph separators, and the directional marks, embeddings,
    /// overrides and isolates.
    private static let turnsOrBreaksLines: [ClosedRange<UInt32>] = [0x061C...0x061C, 0x200E...0x200F, 0x2028...0x202E, 0x2066...0x2069]

    /// `text` with its control characters (C0, DEL and C1), line and paragraph separators and
    /// directional controls percent-encoded (as UTF-8 bytes), so that a value sent by a client
    /// cannot start a forged line (`%0d%0a`), send a terminal escape to whoever reads the log
    /// (ESC, the C1 CSI), or turn the rest of the line around (U+202E).
    static func escapingControls(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            if turnsOrBreaksLines.contains(where: { $0.contains(scalar.value) }) {
                shown += String(scalar).utf8.map { "%" + String($0, radix: 16, uppercase: true) }.joined()
            } else if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                shown += "%" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
