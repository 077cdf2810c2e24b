import CQRencode

/// A QR code of a link, drawn as SVG at build time by libqrencode (error correction level M,
/// a four-module quiet zone): dark modules on a white square, whatever the page's colour scheme,
/// so every scanner reads it.
public struct QRCode: Sendable, Equatable {
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// The modules, row by row, each row in `wordsPerRow` words: bit c % 64 of word c / 64 is
    /// column c, set for a dark module (bits past the row's end clear). As bits, the path finds a
    /// row's runs a word at a time; testing the modules one by one as Bools was 2.7 % of a build.
    private let words: [UInt64]
    private let wordsPerRow: Int

    /// The quiet zone around the symbol, in modules (the standard asks for four).
    public static let quietZone = 4

    /// Encodes `text` (UTF-8, byte mode where needed); nil when it is too long for a QR code.
    public init?(_ text: String) {
        guard !text.isEmpty, !text.utf8.contains(0) else { return nil }
        if let (width, rows) = QRMaskChoice.encode(text) {
            (size, words, wordsPerRow) = (width, rows, 1)
            return
        }
        guard let (width, dark) = Self.librarySymbol(text) else { return nil }
        let perRow = (width + UInt64.bitWidth - 1) / UInt64.bitWidth
        var words = [UInt64](repeating: 0, count: width * perRow)
        for index in dark.indices where dark[index] {
            let (row, column) = index.quotientAndRemainder(dividingBy: width)
            words[row * perRow + column / UInt64.bitWidth] |= 1 << UInt64(column % UInt64.bitWidth)
        }
        (size, self.words, wordsPerRow) = (width, words, perRow)
    }

    /// The symbol as libqrencode makes it on its own, mask choice included: the fallback where
    /// ``QRMaskChoice`` is unavailable, and what it must match (tests).
    static func librarySymbol(_ text: String) -> (width: Int, modules: [Bool])? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        return (width, (0..<width * width).map { code.pointee.data[$0] & 1 == 1 })
    }

    public func isDark(row: Int, column: Int) -> Bool {
        words[row * wordsPerRow + column / UInt64.bitWidth] >> UInt64(column % UInt64.bitWidth) & 1 == 1
    }

    /// Row by row, true for a dark module.
    public var modules: [Bool] {
        (0..<size * size).map { isDark(row: $0 / size, column: $0 % size) }
    }

    /// A standalone SVG document (for download and print), as UTF-8.
    public func svgDocument(title: String) -> [UInt8] {
        let pixels = (size + 2 * Self.quietZone) * 8
        var document: [UInt8] = []
        document.reserveCapacity(size * size * 4 + 512)
        document.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        appendSVG(title: title, attributes: "xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\"", to: &document)
        document.append(UInt8(ascii: "\n"))
        return document
    }

    /// The SVG element to place in a page; `title` is its text alternative, as a `<title>` child
    /// (SVG 1.1, which the standalone file follows, has no `aria-label`).
    public func svg(title: String, attributes: String = "") -> String {
        var element: [UInt8] = []
        appendSVG(title: title, attributes: attributes, to: &element)
        return String(decoding: element, as: UTF8.self)
    }

    /// Writes the element as bytes: with the document made of Strings around the path, and the
    /// path appended number by number, the QR files were 5.7 % of a build's CPU samples; 3.4 % now.
    private func appendSVG(title: String, attributes: String, to output: inout [UInt8]) {
        let side = size + 2 * Self.quietZone
        output.append("<svg ")
        if !attributes.isEmpty {
            output.append(attributes)
            output.append(UInt8(ascii: " "))
        }
        output.append("class=\"qr\" viewBox=\"0 0 ")
        output.append(decimal: side)
        output.append(UInt8(ascii: " "))
        output.append(decimal: side)
        output.append("\" role=\"img\" shape-rendering=\"crispEdges\"><title>")
        XMLText.append(title, to: &output)
        output.append("</title><rect width=\"")
        output.append(decimal: side)
        output.append("\" height=\"")
        output.append(decimal: side)
        output.append("\" fill=\"#ffffff\"/><path stroke=\"#000000\" d=\"")
        output.append(contentsOf: pathData())
        output.append("\"/></svg>")
    }

    /// The path's data: a line one module wide along the middle of each horizontal run of dark
    /// modules (`M<x> <y>.5h<width>` for a row's first run, `m<gap> 0h<width>` for the next),
    /// written straight into the array's storage. Half the bytes of a rectangle per run
    /// (`M<x> <y>h<width>v1h-<width>z`): the QR files were a sixth of a build's output.
    private func pathData() -> [UInt8] {
        // A row's first run takes at most "M184 184.5h177" (14 bytes), a later one "m175 0h177"
        // (10); a row holds at most (size + 1) / 2 runs.
        let capacity = size * ((size + 1) / 2) * 14
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var path = FixedBufferWriter(buffer: buffer)
            for row in 0..<size {
                var start = nextColumn(dark: true, row: row, from: 0), penColumn: Int? = nil
                while start < size {
                    let end = nextColumn(dark: false, row: row, from: start)
                    if let penColumn {
                        path.put(UInt8(ascii: "m"))
                        path.put(decimal: start - penColumn)
                        path.put(" 0")
                    } else {
                        path.put(UInt8(ascii: "M"))
                        path.put(decimal: start + Self.quietZone)
                        path.put(UInt8(ascii: " "))
                        path.put(decimal: row + Self.quietZone)
                        path.put(".5")
                    }
                    path.put(UInt8(ascii: "h"))
                    path.put(decimal: end - start)
                    penColumn = end
                    start = nextColumn(dark: true, row: row, from: end)
                }
            }
            count = path.count
        }
    }

    /// The first column from `column` on whose module is dark (or light, with `dark` false);
    /// `size` when there is none.
    private func nextColumn(dark: Bool, row: Int, from column: Int) -> Int {
        var column = column
        while column < size {
            let word = words[row * wordsPerRow + column / UInt64.bitWidth]
            let wanted = (dark ? word : ~word) >> UInt64(column % UInt64.bitWidth)
            if wanted != 0 { return min(size, column + wanted.trailingZeroBitCount) }
            column = (column / UInt64.bitWidth + 1) * UInt64.bitWidth
        }
        return size
    }
}
