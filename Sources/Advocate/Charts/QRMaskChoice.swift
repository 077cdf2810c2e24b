import CQRencode
import Foundation

/// libqrencode's QR codes with its mask choice made here, faster, and to the same result.
///
/// Why by hand: libqrencode picks the mask by scoring all eight masked symbols with its
/// penalty rules, module by module, and that scoring was a fifth of a build's CPU (perf,
/// 10,000 referrers: `Mask_calcRunLengthV/H`, `Mask_calcN1N3`, `Mask_calcN2`; about 215 µs of a
/// 226 µs code, against 11 µs with the mask given). No other package encodes QR codes here. So
/// libqrencode still splits the text into segments, adds the error correction and places the
/// modules (its `Split_splitStringToQRinput` and `QRcode_encodeMask`, which Debian's build
/// exports but its header does not declare); this type applies the eight masks itself, a row or
/// column at a time as the bits of one word, and scores them by the same rules in the same
/// order, keeping the first of the lowest score, so the symbol is the one `QRcode_encodeString`
/// gives (QRMaskChoiceTests compares them on thousands of texts). ``QRCode`` falls back to
/// `QRcode_encodeString` where the two functions are missing (another build of the library)
/// and for symbols wider than 64 modules (version 12 and up: texts of 200 bytes and more).
enum QRMaskChoice {
    /// The rows of modules of `text` at level M (bit x of row y set for a dark module), segments
    /// chosen as `QRcode_encodeString` with the 8-bit hint does; nil when the library lacks the
    /// functions, the symbol is wider than 64 modules, or the text cannot be encoded.
    static func encode(_ text: String) -> (width: Int, rows: [UInt64])? {
        guard let library = Library.shared, let input = QRinput_new2(0, QR_ECLEVEL_M) else { return nil }
        defer { QRinput_free(input) }
        guard library.split(text, input, QR_MODE_8, 1) == 0, let code = library.encodeMask(input, 0) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        guard width <= UInt64.bitWidth, let tables = WidthTables.byWidth[width] else { return nil }
        let symbol = Symbol(maskZeroFrame: UnsafeBufferPointer(start: code.pointee.data, count: width * width), width: width,
                            tables: tables)
        return (width, symbol.bestMasked().rows)
    }

    /// The two unexported functions, found once at run time.
    private struct Library: @unchecked Sendable {
        typealias Split = @convention(c) (UnsafePointer<CChar>, OpaquePointer, QRencodeMode, Int32) -> Int32
        typealias EncodeMask = @convention(c) (OpaquePointer, Int32) -> UnsafeMutablePointer<QRcode>?

        let split: Split
        let encodeMask: EncodeMask

        static let shared: Library? = {
            var major: Int32 = 0, minor: Int32 = 0, micro: Int32 = 0
            QRcode_APIVersion(&major, &minor, &micro)
            // Checked against 4.1; another major version may have changed what they do.
            guard major == 4, let handle = dlopen(nil, RTLD_NOW),
                  let split = dlsym(handle, "Split_splitStringToQRinput"),
                  let encodeMask = dlsym(handle, "QRcode_encodeMask") else { return nil }
            return Library(split: unsafeBitCast(split, to: Split.self), encodeMask: unsafeBitCast(encodeMask, to: EncodeMask.self))
        }()
    }

    /// A square of modules as words: bit x of `rows[y]` and bit y of `columns[x]` are the module
    /// in row y, column x (1 for dark).
    private struct Lines {
        var rows: [UInt64]
        var columns: [UInt64]

        /// The square whose rows are `rows`.
        init(rows: [UInt64]) {
            self.rows = rows
            columns = [UInt64](repeating: 0, count: rows.count)
            for (y, row) in rows.enumerated() {
                var bits = row
                while bits != 0 {
                    columns[bits.trailingZeroBitCount] |= 1 << UInt64(y)
                    bits &= bits - 1
                }
            }
        }
    }

    /// What every symbol of one width shares, made once per width (versions 1 to 11: 21 to 61
    /// modules) on first use.
    private struct WidthTables {
        /// Each mask's modules over the whole square, function patterns included.
        let masks: [Lines]
        /// Each mask's format information: its dark modules.
        let formats: [Lines]
        /// Every format module, row by row.
        let formatArea: [UInt64]

        static let byWidth: [WidthTables?] = (0...UInt64.bitWidth).map { width in
            width >= 21 && (width - 17) % 4 == 0 ? WidthTables(width: width) : nil
        }

        private init(width: Int) {
            let positions = QRMaskChoice.formatPositions(width: width)
            func rows(where isSet: (_ index: Int) -> Bool) -> [UInt64] {
                (0..<width).map { y in
                    (0..<width).reduce(0) { row, x in isSet(y * width + x) ? row | 1 << UInt64(x) : row }
                }
            }
            masks = (0..<8).map { mask in Lines(rows: rows { QRMaskChoice.turns(mask: mask, x: $0 % width, y: $0 / width) }) }
            formats = (0..<8).map { mask in
                let bits = QRMaskChoice.formatBits(mask: mask)
                let dark = Set(positions.indices.filter { bits & (1 << $0) != 0 }.flatMap { [positions[$0].0, positions[$0].1] })
                return Lines(rows: rows { dark.contains($0) })
            }
            let area = Set(positions.flatMap { [$0.0, $0.1] })
            formatArea = rows { area.contains($0) }
        }
    }

    /// A symbol before masking: each module's colour, and which modules a mask turns.
    private struct Symbol {
        let tables: WidthTables
        /// The format information's modules light.
        var colours: Lines
        /// Set where a mask applies (data and error correction), clear on function patterns.
        var maskable: Lines

        /// libqrencode marks function modules with bit 7; the others carry mask 0, which is undone.
        init(maskZeroFrame frame: UnsafeBufferPointer<UInt8>, width: Int, tables: WidthTables) {
            self.tables = tables
            var colourRows: [UInt64] = [], maskableRows: [UInt64] = []
            for y in 0..<width {
                var dark: UInt64 = 0, data: UInt64 = 0
                for x in 0..<width {
                    let module = UInt64(frame[y * width + x])
                    dark |= (module & 1) << UInt64(x)
                    data |= (~module >> 7 & 1) << UInt64(x)
                }
                colourRows.append((dark ^ tables.masks[0].rows[y] & data) & ~tables.formatArea[y])
                maskableRows.append(data)
            }
            colours = Lines(rows: colourRows)
            maskable = Lines(rows: maskableRows)
        }

        /// The masked symbol with the lowest penalty, the first such in mask order.
        func bestMasked() -> Lines {
            let width = colours.rows.count
            var best = colours
            var bestScore = Int.max
            for mask in 0..<8 {
                let pattern = tables.masks[mask], format = tables.formats[mask]
                var masked = colours
                for line in 0..<width {
                    masked.rows[line] ^= pattern.rows[line] & maskable.rows[line]
                    masked.rows[line] |= format.rows[line]
                    masked.columns[line] ^= pattern.columns[line] & maskable.columns[line]
                    masked.columns[line] |= format.columns[line]
                }
                let score = QRMaskChoice.penalty(masked, width: width, atLeast: bestScore)
                if score < bestScore {
                    bestScore = score
                    best = masked
                }
            }
            return best
        }
    }

    /// ISO/IEC 18004's mask conditions: a module turns where its condition holds.
    private static func turns(mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (y / 2 + x / 3) % 2 == 0
        case 5: (x * y) % 2 + (x * y) % 3 == 0
        case 6: ((x * y) % 2 + (x * y) % 3) % 2 == 0
        default: ((x * y) % 3 + (x + y) % 2) % 2 == 0
        }
    }

    /// The 15 format bits for level M and `mask`: five data bits, a BCH(15,5) remainder, XOR 0x5412.
    static func formatBits(mask: Int) -> Int {
        let data = mask // level M is 0b00
        var remainder = data << 10
        for bit in stride(from: 14, through: 10, by: -1) where remainder & (1 << bit) != 0 {
            remainder ^= 0x537 << (bit - 10)
        }
        return ((data << 10) | remainder) ^ 0x5412
    }

    /// Where each format bit goes, least significant first: the two copies of bit i (as indices
    /// row by row), in the order libqrencode writes them.
    private static func formatPositions(width: Int) -> [(Int, Int)] {
        var positions: [(Int, Int)] = []
        for bit in 0..<8 {
            let row = bit < 6 ? bit : bit + 1
            positions.append((width * 8 + width - 1 - bit, width * row + 8))
        }
        for bit in 0..<7 {
            positions.append((width * (width - 7 + bit) + 8, width * 8 + (bit == 0 ? 7 : 6 - bit)))
        }
        return positions
    }

    /// libqrencode's demerits (JIS X0510:2004 8.8.2): 10 per 5 % the dark share strays from
    /// half, 3 per 2×2 block of one colour, 3 plus the excess for each run of five or more, and 40
    /// per 1:1:3:1:1 finder-like pattern with four light modules (or the edge) beside it. Stops
    /// counting once the score reaches `atLeast`, a mask already found at least as good.
    private static func penalty(_ lines: Lines, width: Int, atLeast limit: Int) -> Int {
        let area = width * width
        let darks = lines.rows.reduce(0) { $0 + $1.nonzeroBitCount }
        let darkPercent = (200 * darks + area) / area / 2
        var score = abs(darkPercent - 50) / 5 * 10
        let all = lowBits(width)
        for y in 1..<width {
            let above = lines.rows[y - 1], row = lines.rows[y]
            let dark = above & row, light = ~above & ~row & all
            score += 3 * ((dark & dark >> 1).nonzeroBitCount + (light & light >> 1).nonzeroBitCount)
        }
        for line in 0..<width where score < limit {
            score += lineScore(lines.rows[line], width: width) + lineScore(lines.columns[line], width: width)
        }
        return score
    }

    /// One row's or column's demerits for runs and finder-like patterns, as libqrencode counts
    /// them from its list of run lengths, worked out here on the line's bits instead.
    static func lineScore(_ dark: UInt64, width: Int) -> Int {
        let light = ~dark & lowBits(width)
        var score = longRunScore(dark) + longRunScore(light)
        // libqrencode counts a dark 3u run between light u, dark u on each side (u the unit; the
        // outer dark runs exactly u long) when the four modules beyond it on one side (fewer at
        // the edge) are light. `darkWindow` and `lightWindow` have bit x set where the u modules
        // from x are all dark or all light.
        var darkWindow = dark, lightWindow = light
        for unit in 1...max(1, width / 7) {
            if unit > 1 {
                darkWindow &= dark >> UInt64(unit - 1)
                lightWindow &= light >> UInt64(unit - 1)
            }
            // The centre is a dark run of 3u: a line without one has none of 3u + 3 either, and
            // most lines stop here at u = 2 (this loop was the largest part of a QR code's CPU).
            let centre = darkWindow & darkWindow >> UInt64(unit) & darkWindow >> UInt64(2 * unit)
            guard centre != 0 else { break }
            var starts = darkWindow & lightWindow >> UInt64(unit) & centre >> UInt64(2 * unit)
                & lightWindow >> UInt64(5 * unit) & darkWindow >> UInt64(6 * unit)
            while starts != 0 {
                let start = starts.trailingZeroBitCount, end = start + 7 * unit
                starts &= starts - 1
                let startsRun = start == 0 || dark >> UInt64(start - 1) & 1 == 0
                let endsRun = dark >> UInt64(end) & 1 == 0
                let before = max(0, start - 4 * unit)
                let lightBefore = dark >> UInt64(before) & lowBits(start - before) == 0
                let lightAfter = dark >> UInt64(end) & lowBits(4 * unit) == 0
                if startsRun && endsRun && (lightBefore || lightAfter) { score += 40 }
            }
        }
        return score
    }

    /// 3 plus the excess for each run of five or more set bits: one per window of five in the
    /// run, and two more per run.
    private static func longRunScore(_ bits: UInt64) -> Int {
        let windows = bits & bits >> 1 & bits >> 2 & bits >> 3 & bits >> 4
        return windows.nonzeroBitCount + 2 * (windows & ~(windows << 1)).nonzeroBitCount
    }

    /// The word with bits 0 to count - 1 set.
    private static func lowBits(_ count: Int) -> UInt64 {
        count >= UInt64.bitWidth ? ~0 : (1 << UInt64(count)) - 1
    }
}
