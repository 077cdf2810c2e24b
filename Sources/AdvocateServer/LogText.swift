/// Text from a request as a log line shows it.
enum LogText {
    /// `text` with its control characters (C0, DEL and C1) percent-encoded, so that a value sent
    /// by a client cannot start a forged line (`%0d%0a`) or send a terminal escape to whoever
    /// reads the log (ESC, and the C1 CSI).
    static func escapingControls(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                shown += "%" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
