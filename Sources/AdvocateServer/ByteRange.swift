import Advocate

/// A `Range` request header (RFC 9110 §14.2) resolved against a file's size.
///
/// Hummingbird's FileMiddleware reads `bytes=-5` as the first six bytes rather than the last five,
/// and answers `bytes=99999-` past the end with a negative Content-Length; so the header is
/// resolved here and handed on as the plain `bytes=first-last` it serves correctly.
enum ByteRange: Equatable {
    /// Serve the whole file: no header, one this server does not take (several ranges, another
    /// unit, bad syntax), which RFC 9110 lets a server ignore.
    case whole
    /// Serve these bytes, within the file.
    case bytes(ClosedRange<Int>)
    /// 416: the range starts past the end, or asks for the last zero bytes.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header else { self = .whole; return }
        let parts = header.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, String(parts[0]).trimmingWhitespace().lowercased() == "bytes" else { self = .whole; return }
        let specs = parts[1].split(separator: ",", omittingEmptySubsequences: false)
        guard specs.count == 1 else { self = .whole; return }
        let spec = String(specs[0]).trimmingWhitespace()
        guard let dash = spec.firstIndex(of: "-") else { self = .whole; return }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        let isDigit: (Character) -> Bool = { ("0"..."9").contains($0) }
        guard first.allSatisfy(isDigit), last.allSatisfy(isDigit), !(first.isEmpty && last.isEmpty) else {
            self = .whole
            return
        }
        if first.isEmpty {
            // The last n bytes; n past the size means the whole file, as a range.
            let count = Int(last) ?? Int.max
            self = count == 0 || size == 0 ? .unsatisfiable : .bytes(max(0, size - count)...(size - 1))
            return
        }
        // A first position too large for an Int is past any file's end.
        guard let start = Int(first), start < size else { self = .unsatisfiable; return }
        if last.isEmpty {
            self = .bytes(start...(size - 1))
        } else if let end = Int(last) {
            self = end < start ? .whole : .bytes(start...min(end, size - 1))
        } else {
            self = .bytes(start...(size - 1))
        }
    }

    /// The header that asks for exactly these bytes.
    static func header(_ bytes: ClosedRange<Int>) -> String { "bytes=\(bytes.lowerBound)-\(bytes.upperBound)" }
}
