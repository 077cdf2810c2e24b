import Foundation

/// The file names of the JSON store inside its data folder.
public enum StoreFiles {
    public static let program = "program.json"
    public static let referrers = "referrers.json"
    public static let journal = "referrals.jsonl"
}

/// A loaded store with the warnings found on the way.
public struct LoadedStore: Sendable {
    public var store: Store {
        didSet { ledger = nil }
    }
    public var warnings: [Diagnostic]
    /// The bytes of a torn last journal line (a crash mid-write), left out of `store`.
    public var tornJournalTail: [UInt8]?
    /// What was read of the journal: its length, its ``StreamDigest`` and the byte offset of
    /// each event's line (parallel to `store.journal` as loaded), for ``BuildSnapshot``.
    var journalRead = JournalRead()
    /// The store's ``OutcomeLedger`` through its newest event, made while the store was checked;
    /// nil once the store is changed.
    public internal(set) var ledger: OutcomeLedger?

    /// ``ledger``, or one made now when the store changed since it was loaded.
    public var outcomeLedger: OutcomeLedger {
        ledger ?? OutcomeLedger(store: store)
    }

    /// The figures as of `asOf`: from ``ledger`` when it holds every event up to then (the usual
    /// build, as of the newest event), computed afresh otherwise.
    public func figures(asOf: Instant) -> Figures {
        if let ledger, ledger.newestEvent.map({ $0 <= asOf }) ?? true { return ledger.figures(asOf: asOf) }
        return FigureCalculator.compute(store, asOf: asOf)
    }
}

/// The journal bytes a store was loaded from, so that a later build can tell whether the
/// journal only grew since.
struct JournalRead: Sendable {
    var length = 0
    /// The digest of the bytes read, kept open so that bytes read later continue it.
    var stream = StreamDigest()
    var offsets: [Int] = []
    /// The last bytes read, taken in by ``LoadedStore/catchUp(journal:)`` after the load.
    var caughtUp: [UInt8] = []

    var digest: UInt64 { stream.value }
}

/// referrers.json decoded: the valid referrers, the codes of the invalid ones and what was found.
private struct Roster: Sendable {
    var referrers: [Referrer] = []
    var invalidCodes: Set<String> = []
    /// False when referrers.json is there but cannot be read or is not a list, so that no code
    /// can be checked against it (one error, not one for each journal line).
    var isKnown = true
    var diagnostics = DiagnosticList()

    init(_ bytes: [UInt8]?, file: String, unreadable: Bool) {
        guard let bytes else {
            isKnown = !unreadable
            return
        }
        guard let root = StoreLoader.parseDocument(bytes, file: file, diagnostics: &diagnostics) else {
            isKnown = false
            return
        }
        isKnown = root.elements != nil
        (referrers, invalidCodes) = ReferrerDecoder.decodeFile(root, file: file, diagnostics: &diagnostics)
    }
}

/// What reading the store found: the store when it has no error, and every problem.
struct StoreReading {
    var loaded: LoadedStore?
    /// A store to check the pages with even when the store has errors (`advocate check`): the
    /// program with the first referrer of each code and token, and no journal. Nil without a
    /// program.
    var standIn: Store?
    var diagnostics: [Diagnostic]

    /// A store read without an error.
    init(_ loaded: LoadedStore) {
        self.init(loaded: loaded, standIn: loaded.store, diagnostics: loaded.warnings)
    }

    init(loaded: LoadedStore?, standIn: Store?, diagnostics: [Diagnostic]) {
        self.loaded = loaded
        self.standIn = standIn
        self.diagnostics = diagnostics
    }

    /// `store` without its journal and without a second referrer of the same code or token,
    /// which the journal's or the roster's errors could otherwise make render wrongly, and with
    /// stand-ins for a baseURL and an analyticsToken reported as wrong.
    static func standIn(for store: Store) -> Store {
        var codes: Set<String> = [], tokens: Set<String> = []
        let referrers = store.referrers.filter { codes.insert($0.code).inserted && tokens.insert($0.statsToken).inserted }
        var program = store.program
        // A baseURL already reported as wrong would make every link on every page look broken,
        // and a token with `/` or `..` would put the analytics page's checks outside the site.
        if !ProgramDecoder.isHTTPURL(program.baseURL) { program.baseURL = "https://example.invalid" }
        if !StoreRules.isValidToken(program.analyticsToken) { program.analyticsToken = "analytics-token-stand-in-0" }
        return Store(program: program, referrers: referrers, journal: [])
    }
}

/// Loads and validates the JSON store: program.json, referrers.json and referrals.jsonl.
public enum StoreLoader {
    /// Reads the data folder, checks every rule and reports every problem at once; with
    /// `makingLedger`, makes the store's ``LoadedStore/ledger`` while it checks them.
    ///
    /// - Throws: ``DiagnosticsError`` listing every problem when any of them is an error.
    public static func load(from dataDirectory: String, makingLedger: Bool = false) throws(DiagnosticsError) -> LoadedStore {
        let reading = read(from: dataDirectory, makingLedger: makingLedger)
        guard let loaded = reading.loaded else { throw DiagnosticsError(reading.diagnostics) }
        return loaded
    }

    /// Reads the data folder and checks every rule, keeping what it found whether or not it
    /// is an error.
    static func read(from dataDirectory: String, makingLedger: Bool = false) -> StoreReading {
        var diagnostics = DiagnosticList()
        let programFile = Paths.join(dataDirectory, StoreFiles.program)
        let referrersFile = Paths.join(dataDirectory, StoreFiles.referrers)
        let journalFile = Paths.join(dataDirectory, StoreFiles.journal)
        // One error for a folder that is not there (or not a folder), not one for each of its files.
        if let absent = unusableDataFolder(dataDirectory) {
            return StoreReading(loaded: nil, standIn: nil, diagnostics: [absent])
        }

        var program: Program?
        if let bytes = readFile(programFile, whenMissing: missingProgram(programFile), diagnostics: &diagnostics),
           let root = parseDocument(bytes, file: programFile, diagnostics: &diagnostics) {
            program = ProgramDecoder.decode(root, file: programFile, diagnostics: &diagnostics)
        }
        // referrers.json is decoded on one core while the journal is read on the others.
        var rosterUnreadable = false
        let referrersBytes = readFile(referrersFile, whenMissing: .warning(referrersFile, .start,
            "file not found: the roster is only the journal's referrer events (create it holding [] if that is meant)"),
            diagnostics: &diagnostics, unreadable: &rosterUnreadable)
        let unreadable = rosterUnreadable
        let decodeRoster = { @Sendable in Roster(referrersBytes, file: referrersFile, unreadable: unreadable) }
        var journal = JournalReader.Result()
        var journalRead = JournalRead()
        var journalDiagnostics = DiagnosticList()
        let roster: Roster
        if let mapped = MappedFile(journalFile) {
            // Mapped, not read: reading 150 MB into fresh memory took a second on one core (the
            // kernel clearing its pages, perf), while mapped pages are the file cache's own. The
            // journal only grows, which a mapping ignores; it shrinks only when `advocate serve`
            // takes back the last line's bytes of an append that failed or was torn by a crash,
            // the one moment at which a build reading those very bytes would fault.
            (journal, roster) = withExtendedLifetime(mapped) {
                JournalReader.read(mapped.bytes, file: journalFile, diagnostics: &journalDiagnostics, alongside: decodeRoster)
            }
            var digest = StreamDigest()
            digest.add(mapped.bytes)
            journalRead = JournalRead(length: mapped.bytes.count, stream: digest, offsets: journal.offsets)
        } else {
            if !isMissing(journalFile) {
                journalDiagnostics.error(journalFile, .start, cannotRead(journalFile))
            } else {
                // Said, since a journal left out of a deploy would otherwise publish every
                // figure at zero without a word.
                journalDiagnostics.warning(journalFile, .start, missingJournal)
            }
            roster = decodeRoster()
        }
        var referrers = roster.referrers
        let invalidCodes = roster.invalidCodes, rosterIsKnown = roster.isKnown
        diagnostics.append(contentsOf: roster.diagnostics.all)
        diagnostics.append(contentsOf: journalDiagnostics.all)
        for event in journal.events {
            if case .referrer(let referrer, _) = event { referrers.append(referrer) }
        }
        // The rules across records, and meanwhile the ledger a build or the server needs next
        // (seconds each, on one core, at 100,000 referrers): left unused when the rules fail.
        let store = program.map { Store(program: $0, referrers: referrers, journal: journal.events) }
        let (consistency, ledger) = concurrently { [program, referrers, invalidCodes, journal] in
            var found = DiagnosticList()
            StoreConsistency.check(program: program, referrers: referrers, invalidCodes: invalidCodes, rosterIsKnown: rosterIsKnown,
                                   journal: journal, journalFile: journalFile, diagnostics: &found)
            return found
        } _: {
            makingLedger ? store.map { OutcomeLedger(store: $0) } : nil
        }
        diagnostics.append(contentsOf: consistency.all)
        guard let store, !diagnostics.hasErrors else {
            return StoreReading(loaded: nil, standIn: store.map(StoreReading.standIn(for:)), diagnostics: diagnostics.all)
        }
        return StoreReading(LoadedStore(store: store, warnings: diagnostics.all, tornJournalTail: journal.tornTail,
                                        journalRead: journalRead, ledger: ledger))
    }

    /// The file's bytes; nil, with `whenMissing` reported, when there is no such file, or with
    /// an error when it cannot be read (`unreadable` is then set, in the second form).
    static func readFile(_ path: String, whenMissing: Diagnostic, diagnostics: inout DiagnosticList) -> [UInt8]? {
        var unreadable = false
        return readFile(path, whenMissing: whenMissing, diagnostics: &diagnostics, unreadable: &unreadable)
    }

    static func readFile(_ path: String, whenMissing: Diagnostic, diagnostics: inout DiagnosticList, unreadable: inout Bool) -> [UInt8]? {
        if isRegularFile(path), let data = FileManager.default.contents(atPath: path) { return [UInt8](data) }
        if isMissing(path) {
            diagnostics.append(whenMissing)
        } else {
            unreadable = true
            diagnostics.error(path, .start, cannotRead(path))
        }
        return nil
    }

    /// Why a file that is there cannot be read.
    static func cannotRead(_ path: String) -> String {
        brokenLinkProblem(path, kind: "file") ?? (fileType(path).map { $0 != S_IFREG } == true
            ? "not a regular file (a folder, a FIFO or a device): the store's files are plain JSON files"
            : "cannot read the file (check its permissions and its folder's)")
    }

    /// The one error for a data folder that is not there, is a link to nowhere or is a file
    /// (`--data content/data/program.json`); nil when it is a folder.
    static func unusableDataFolder(_ dataDirectory: String) -> Diagnostic? {
        if let type = fileType(dataDirectory), type != S_IFDIR {
            let parent = (dataDirectory as NSString).deletingLastPathComponent
            return .error(dataDirectory, .start, "is not a folder: --data names the folder that holds \(StoreFiles.program), referrers.json and the journal"
                          + (type == S_IFREG ? " (probably \(parent.isEmpty ? "." : parent))" : ""))
        }
        return isMissing(dataDirectory) || brokenLink(dataDirectory) != nil ? missingProgram(Paths.join(dataDirectory, StoreFiles.program)) : nil
    }

    /// What a missing journal is: a program with no referral yet, or a file left behind.
    static let missingJournal = "file not found: no referral is counted and no referrer who joined by the form has pages "
        + "(if the program has none yet, create it empty; `advocate serve` creates it too)"

    /// What a missing program.json is.
    static func missingProgram(_ path: String) -> Diagnostic {
        let folder = (path as NSString).deletingLastPathComponent
        if let problem = brokenLinkProblem(folder, kind: "data folder") { return .error(folder, .start, problem) }
        return isMissing(folder)
            ? .error(folder, .start, "the data folder does not exist (it holds \(StoreFiles.program), referrers.json and the journal; check --data, which defaults to <source>/content/data)")
            : .error(path, .start, "file not found (the data folder needs \(StoreFiles.program); pass --data DIR to use another folder)")
    }

    static func parseDocument(_ bytes: [UInt8], file: String, diagnostics: inout DiagnosticList) -> JSONNode? {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if UTF8Text.isUTF16(bytes) {
            diagnostics.error(file, .start, UTF8Text.utf16Problem)
            return nil
        }
        // An empty file (`touch referrers.json`) says what it should hold, not "end of input".
        if bytes.allSatisfy({ [0x20, 0x09, 0x0D, 0x0A].contains($0) }) {
            let holds = (file as NSString).lastPathComponent == StoreFiles.referrers ? "a JSON array of referrers ([] for none yet)" : "one JSON object"
            diagnostics.error(file, .start, "the file is empty; it holds \(holds)")
            return nil
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            diagnostics.error(file, error.location, "malformed JSON: \(error.message)")
            return nil
        }
    }
}
