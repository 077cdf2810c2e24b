import CQRencode

/// A QR code of a link, drawn as SVG at build time by libqrencode (error correction level M,
/// a four-module quiet zone): dark modules on a white square, whatever the page's colour scheme,
/// so every scanner reads it.
public struct QRCode: Sendable, Equatable {
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row by row, true for a dark module.
    public let modules: [Bool]

    /// The quiet zone around the symbol, in modules (the standard asks for four).
    public static let quietZone = 4

    /// Encodes `text` (UTF-8, byte mode where needed); nil when it is too long for a QR code.
    public init?(_ text: String) {
        guard !text.isEmpty, !text.utf8.contains(0),
              let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        modules = (0..<width * width).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(row: Int, column: Int) -> Bool {
        modules[row * size + column]
    }

    /// A standalone SVG document (for download and print).
    public func svgDocument(title: String) -> String {
        let pixels = (size + 2 * Self.quietZone) * 8
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + svg(title: title, attributes: "xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\"") + "\n"
    }

    /// The SVG element to place in a page; `title` is its text alternative, as a `<title>` child
    /// (SVG 1.1, which the standalone file follows, has no `aria-label`).
    public func svg(title: String, attributes: String = "") -> String {
        let side = size + 2 * Self.quietZone
        // One rectangle per horizontal run of dark modules keeps the path short. Written as
        // bytes: a string interpolation per run was 4 % of a full build's CPU samples.
        var path: [UInt8] = []
        path.reserveCapacity(size * size * 2)
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else { column += 1; continue }
                let start = column
                while column < size && isDark(row: row, column: column) { column += 1 }
                path.append(UInt8(ascii: "M"))
                path.append(decimal: start + Self.quietZone)
                path.append(UInt8(ascii: " "))
                path.append(decimal: row + Self.quietZone)
                path.append(UInt8(ascii: "h"))
                path.append(decimal: column - start)
                path.append("v1h-")
                path.append(decimal: column - start)
                path.append(UInt8(ascii: "z"))
            }
        }
        let extra = attributes.isEmpty ? "" : " " + attributes
        return "<svg\(extra) class=\"qr\" viewBox=\"0 0 \(side) \(side)\" role=\"img\" shape-rendering=\"crispEdges\">"
            + "<title>\(XMLText.escape(title))</title>"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#ffffff\"/>"
            + "<path fill=\"#000000\" d=\"\(String(decoding: path, as: UTF8.self))\"/></svg>"
    }
}
