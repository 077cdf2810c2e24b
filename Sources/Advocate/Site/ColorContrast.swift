import Foundation

/// WCAG 2's contrast ratio between two sRGB colours written `#rgb` or `#rrggbb`: 1 for the same
/// colour, 21 for black on white. Text wants 4.5 or more (success criterion 1.4.3).
///
/// Written here: it is a few lines of arithmetic, and no package on the list computes it.
enum ColorContrast {
    /// The bundled theme's light panel background (`--panel` in site.css), the lightest colour
    /// besides white that links in the brand colour stand on.
    static let themePanel = "#f4f6f8"

    /// The ratio, or nil when either is not a hex colour.
    static func ratio(_ first: String, _ second: String) -> Double? {
        guard let a = luminance(first), let b = luminance(second) else { return nil }
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// Relative luminance (WCAG 2): each channel linearised, then weighted.
    private static func luminance(_ hex: String) -> Double? {
        guard ProgramDecoder.isHexColor(hex) else { return nil }
        var digits = Array(hex.dropFirst())
        if digits.count == 3 { digits = digits.flatMap { [$0, $0] } }
        let channels = stride(from: 0, to: 6, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
        let linear = channels.map { byte -> Double in
            let value = Double(byte) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    }
}
