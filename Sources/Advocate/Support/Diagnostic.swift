/// A problem found in the site's inputs, located as precisely as the input allows.
///
/// Its description is the compiler-style `file:line:column: error: message` that editors
/// and CI logs understand.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// How serious a problem is: errors stop a build, warnings do not.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(_ severity: Severity, file: String, line: Int = 1, column: Int = 1, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public static func error(_ file: String, _ location: SourceLocation = .start, _ message: String) -> Diagnostic {
        Diagnostic(.error, file: file, line: location.line, column: location.column, message)
    }

    public static func warning(_ file: String, _ location: SourceLocation = .start, _ message: String) -> Diagnostic {
        Diagnostic(.warning, file: file, line: location.line, column: location.column, message)
    }

    /// One line for a terminal or an editor. A control character a message quotes from the
    /// store (an ESC in a code) is shown as `\u{1B}`: written as it is, it could clear the
    /// screen or set the clipboard, and a line break would split the line.
    public var description: String {
        let line = "\(file):\(line):\(column): \(severity.rawValue): \(message)"
        guard StoreRules.hasControlCharacters(line) else { return line }
        return line.unicodeScalars.map { StoreRules.isControl($0) ? "\\u{\(String($0.value, radix: 16, uppercase: true))}" : String($0) }.joined()
    }

    /// `diagnostics` as a reader goes through them: files in the order they were first
    /// reported, each file's problems by line and column (checks that run one after another,
    /// or on several threads, find them out of order).
    public static func inReadingOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var fileRank: [String: Int] = [:]
        for diagnostic in diagnostics where fileRank[diagnostic.file] == nil {
            fileRank[diagnostic.file] = fileRank.count
        }
        return diagnostics.enumerated().sorted { a, b in
            let left = (fileRank[a.element.file] ?? 0, a.element.line, a.element.column, a.offset)
            let right = (fileRank[b.element.file] ?? 0, b.element.line, b.element.column, b.offset)
            return left < right
        }.map(\.element)
    }
}

/// A line and column, both 1-based; columns count Unicode scalars (characters, near enough), as
/// editors do, in every kind of file: JSON, YAML, Markdown, Mustache and CSV alike.
public struct SourceLocation: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = SourceLocation(line: 1, column: 1)

    /// The column of the byte at `index` of a line of UTF-8 that starts at `lineStart`.
    static func column(ofByte index: Int, lineStart: Int, in bytes: [UInt8]) -> Int {
        column(after: bytes[lineStart..<index])
    }

    /// The column of what follows `before`, a line's UTF-8 up to it.
    static func column(after before: some Sequence<UInt8>) -> Int {
        before.count { !isContinuation($0) } + 1
    }

    /// Where in `bytes` the scalar at `column` of the line that starts at `lineStart` begins.
    static func byteIndex(ofColumn column: Int, lineStart: Int, in bytes: [UInt8]) -> Int {
        var index = lineStart
        for _ in 1..<max(column, 1) where index < bytes.count {
            index += 1
            while index < bytes.count, isContinuation(bytes[index]) { index += 1 }
        }
        return index
    }

    /// Whether `byte` continues a UTF-8 sequence rather than starting one.
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

/// Thrown when inputs hold one or more errors; carries every diagnostic found, warnings included.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String {
        let lines = Diagnostic.inReadingOrder(diagnostics).map(\.description)
        let count = errors.count
        return (lines + ["\(count) error\(count == 1 ? "" : "s")"]).joined(separator: "\n")
    }
}

/// Collects diagnostics while a phase goes on past the problems it finds.
public struct DiagnosticList: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func append(contentsOf diagnostics: [Diagnostic]) { all.append(contentsOf: diagnostics) }

    public mutating func error(_ file: String, _ location: SourceLocation, _ message: String) {
        all.append(.error(file, location, message))
    }

    public mutating func warning(_ file: String, _ location: SourceLocation, _ message: String) {
        all.append(.warning(file, location, message))
    }

    /// Throws a ``DiagnosticsError`` holding everything collected when any of it is an error.
    public func throwIfErrors() throws {
        if hasErrors { throw DiagnosticsError(all) }
    }
}
