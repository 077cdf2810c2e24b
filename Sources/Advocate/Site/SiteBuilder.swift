import Foundation

/// Why a build stopped. The output folder is as it was before the build in every case.
public enum BuildError: Error, Sendable, CustomStringConvertible {
    /// The inputs have errors.
    case invalidInput(DiagnosticsError)
    /// Pages failed to render.
    case render([RenderError])
    /// A file could not be written (a full disk, permissions); nothing in the output changed.
    case write(String)
    /// Some files could not be moved into place while the others were (a folder or an
    /// immutable file where a page goes): the output is the new site but for those.
    case partlyMoved(String)
    /// The output is the new site, but the record of it in `.advocate/` could not be saved (the
    /// next build then compares every page).
    case recordNotSaved(String)

    /// Whether the output folder is as it was before the build.
    public var leftOutputAsItWas: Bool {
        switch self {
        case .invalidInput, .render, .write: true
        case .partlyMoved, .recordNotSaved: false
        }
    }

    public var description: String {
        switch self {
        case .invalidInput(let error): error.description
        case .render(let errors): errors.map { "error: \($0)" }.joined(separator: "\n")
        case .write(let message), .partlyMoved(let message), .recordNotSaved(let message): "error: \(message)"
        }
    }
}

/// What a build did, for its closing summary.
public struct BuildReport: Sendable {
    public var asOf: Instant
    /// Files by kind (home, referrer, stats, asset…), in plan order.
    public var filesByKind: [(kind: String, count: Int)]
    public var written: Int
    /// Files rendered (or copied) and compared; the others were known to be current without it.
    public var rendered: Int
    public var unchanged: Int
    public var removed: Int
    public var duration: Duration
    public var warnings: [Diagnostic]
    /// The steps the build went through, in order, with their durations.
    public var steps: [BuildStep] = []
    /// Files an interrupted build had staged, which this one moved into place before its own
    /// work (``OutputWriter/finishInterruptedBuilds(in:)``).
    public var finishedForAnInterruptedBuild = 0
    /// Files removed as earlier pages of the site by their place alone (no record of a build
    /// into this output: a fresh clone, or a folder new to the site).
    public var removedByPlace: [String] = []

    /// What to say of ``removedByPlace``, nil when nothing was.
    public var removedByPlaceWarning: String? {
        guard !removedByPlace.isEmpty else { return nil }
        let shown = removedByPlace.prefix(5).joined(separator: ", ") + (removedByPlace.count > 5 ? ", …" : "")
        return "removed \(removedByPlace.count) file\(removedByPlace.count == 1 ? "" : "s") found by their place as this site's earlier pages, "
            + "with no record of a build into this folder (\(shown)); if they were not the site's, restore them and build into a folder of its own"
    }

    public var total: Int { written + unchanged }

    /// A short table in the manner of Hugo's build summary.
    public var summary: String {
        // A program with no event and no joined day has nothing to date its figures by.
        var lines = [asOf == AsOf.nothingYet ? "no referrals yet" : "as of \(asOf.iso8601)"]
        let width = max(10, filesByKind.map(\.kind.count).max() ?? 0)
        func grouped(_ number: Int) -> String { Formatting.grouped(Int64(number)) }
        for (kind, count) in filesByKind {
            lines.append("  " + kind.padding(toLength: width, withPad: " ", startingAt: 0) + grouped(count).leftPadded(8))
        }
        let skipped = rendered < total ? " (\(grouped(rendered)) rendered)" : ""
        lines.append("\(grouped(total)) files: \(grouped(written)) written, \(grouped(unchanged)) unchanged\(skipped), \(grouped(removed)) removed in \(grouped(Int(duration.wholeMilliseconds))) ms")
        if finishedForAnInterruptedBuild > 0 {
            lines.append("(first, \(finishedForAnInterruptedBuild) files of a build that was killed while moving them were moved into place)")
        }
        return lines.joined(separator: "\n")
    }

    /// Each step and how long it took, one a line.
    public var stepSummary: String {
        let width = steps.map(\.name.count).max() ?? 0
        return steps.map { step in
            "  " + step.name.padding(toLength: width, withPad: " ", startingAt: 0) + "\(step.duration.wholeMilliseconds) ms".leftPadded(10)
        }.joined(separator: "\n")
    }
}

/// The build: load -> validate -> figures -> plan -> render in parallel -> write atomically -> report.
public enum SiteBuilder {
    /// Loads the inputs and builds the whole site into the output folder.
    public static func build(_ options: BuildOptions, progress: (@Sendable (Int, Int) -> Void)? = nil) throws(BuildError) -> BuildReport {
        let start = ContinuousClock.now
        do {
            // The site folder first: a --source naming a file is that, not an output folder below a file.
            try options.checkSourceFolder()
            try options.checkOutputFolder()
        } catch {
            throw .invalidInput(error)
        }
        let finished = OutputWriter.finishInterruptedBuilds(in: options.outputDirectory)
        let timer = StepTimer()
        let digests = InputDigests(options)
        var report: BuildReport
        if let unchanged = upToDate(options, inputDigest: digests.all) {
            timer.lap("compare with the last build")
            report = unchanged
        } else if let appended = AppendedReferrals.build(options, digests: digests) {
            timer.lap("render the appended referrals")
            report = appended
        } else {
            timer.lap("compare with the last build")
            let inputs: SiteInputs
            do {
                inputs = try SiteInputs.load(options)
            } catch {
                throw .invalidInput(error)
            }
            timer.lap("load the store, content and theme")
            report = try buildChanged(inputs, digests: digests, progress: progress, timer: timer)
            // A million journal events at 100,000 referrers: freeing them held up the report 0.3 s.
            releaseInBackground(consume inputs)
        }
        report.duration = ContinuousClock.now - start
        report.steps = timer.steps
        report.finishedForAnInterruptedBuild = finished
        return report
    }

    /// Builds the site from inputs loaded after `digests` were taken, doing nothing when neither
    /// the inputs nor the output changed since the last build, and rendering only the referrer
    /// pages whose inputs changed (``PageRecord``).
    public static func build(_ inputs: SiteInputs, digests: InputDigests,
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws(BuildError) -> BuildReport {
        let finished = OutputWriter.finishInterruptedBuilds(in: inputs.options.outputDirectory)
        var report: BuildReport
        if let unchanged = upToDate(inputs.options, inputDigest: digests.all) {
            report = unchanged
        } else {
            let timer = StepTimer()
            report = try buildChanged(inputs, digests: digests, progress: progress, timer: timer)
            report.steps = timer.steps
        }
        report.finishedForAnInterruptedBuild = finished
        return report
    }

    /// Makes sure the build can keep its record in `.advocate/` before it writes anything: a
    /// read-only site folder had failed the build after every page was written, saying the
    /// output was left as it was.
    static func prepareStateDirectory(_ options: BuildOptions) throws(BuildError) {
        let directory = options.stateDirectory
        let probe = Paths.join(directory, ".advocate-probe-\(getpid())")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try AtomicFile.write([], to: probe)
            unlink(probe)
        } catch {
            let inTheWay = fileType(directory, followingLinks: true).map { $0 != S_IFDIR } ?? false
            throw .write("cannot keep the build's record in \(directory) (\(fileSystemReason(error))): a build needs to write there; "
                         + (inTheWay ? "a file has that name: move it away (the folder is made again)" : "make the site folder writable"))
        }
    }

    /// The build once it is known that something changed: the site, then the snapshot and the
    /// stamp the next build compares with.
    private static func buildChanged(_ inputs: SiteInputs, digests: InputDigests, progress: (@Sendable (Int, Int) -> Void)?,
                                     timer: StepTimer) throws(BuildError) -> BuildReport {
        let options = inputs.options
        try prepareStateDirectory(options)
        BuildStamp.remove(options)
        let site = Site(inputs: inputs)
        timer.lap("compute the figures")
        // The snapshot needs the figures, not the pages: written on another thread while they
        // render (seconds on one core at 100,000 referrers, which the render leaves some room for).
        let snapshot = BackgroundWork {
            do {
                try BuildSnapshot.save(inputs: inputs, ledger: site.figures.ledger, asOf: site.figures.asOf, digests: digests, options: options)
            } catch {
                BuildSnapshot.remove(options)
            }
        }
        let report: BuildReport, outputs: UInt64?
        do {
            (report, outputs) = try buildSite(site, digests: digests, progress: progress, timer: timer)
        } catch {
            snapshot.wait()
            BuildSnapshot.remove(options)
            throw error
        }
        snapshot.wait()
        if let outputs {
            try? BuildStamp(inputs: digests.all, outputs: outputs, asOf: report.asOf, filesByKind: report.filesByKind,
                            warnings: report.warnings).save(options)
        } else {
            BuildSnapshot.remove(options)
        }
        timer.lap("finish the snapshot, save the stamp")
        // Its figures and ledger with an outcome for every referral, freed as the store is (``build(_:progress:)``).
        releaseInBackground(consume site)
        return report
    }

    /// The report of a build with nothing to do: no input and no output file changed since the
    /// last build, whose warnings it repeats; nil when anything did.
    static func upToDate(_ options: BuildOptions, inputDigest: UInt64) -> BuildReport? {
        guard let stamp = BuildStamp.read(options), stamp.inputs == inputDigest else { return nil }
        guard let paths = BuildManifest(stateDirectory: options.stateDirectory, outputDirectory: options.outputDirectory).previousPaths(),
              !paths.isEmpty, BuildStamp.outputDigest(outputDirectory: options.outputDirectory, paths: paths) == stamp.outputs
        else { return nil }
        return BuildReport(asOf: stamp.asOf, filesByKind: stamp.filesByKind, written: 0, rendered: 0, unchanged: paths.count, removed: 0,
                           duration: .zero, warnings: stamp.warnings)
    }

    /// Builds the whole site of `site`; returns the report and the digest of the files written or kept
    /// (``BuildStamp/outputDigest(outputDirectory:paths:)``, nil when one is missing).
    /// Referrer pages whose inputs did not change since the last build (by `digests` and the
    /// ``PageRecord``) are not rendered again.
    static func buildSite(_ site: Site, digests: InputDigests, progress: (@Sendable (Int, Int) -> Void)?,
                          timer: StepTimer = StepTimer()) throws(BuildError) -> (report: BuildReport, outputs: UInt64?) {
        let start = ContinuousClock.now
        let inputs = site.inputs
        let options = inputs.options
        let pages = SitePlan.plan(site)
        let shapeFolders = PageShapes.foldersPresent(in: options.outputDirectory)
        let writer = OutputWriter(outputDirectory: options.outputDirectory)
        let paths = pages.map { SitePlan.outputPath($0, site: site) }
        let keeping = PageRecordKeeping(PageRecord.read(options), site: site, pages: pages, paths: paths, digests: digests)
        PageRecord.remove(options)
        timer.lap("plan the pages")
        // Checked on another thread while the pages render: tens of milliseconds that the build
        // after one referral (a few pages) would otherwise wait for.
        let themeCheck = BackgroundWork { SiteChecker.buildWarnings(site) }
        defer { themeCheck.wait() }
        let count = try render(pages, paths: paths, site: site, writer: writer, progress: progress, timer: timer, record: keeping)
        let manifest = BuildManifest(stateDirectory: inputs.options.stateDirectory, outputDirectory: inputs.options.outputDirectory)
        let current = Set(paths)
        let previous = manifest.previousPaths()
        let removedPaths = manifest.earlierPaths(previous: previous, shapeFolders: shapeFolders).filter { !current.contains($0) }
        let removed = writer.remove(removedPaths)
        // Found by their place, with no record of a build into this folder: named, so that a
        // folder that held someone's own `stories/x/index.html` says what went.
        let removedByPlace = previous == nil ? removedPaths : []
        // Each output file looked at once, for both the page record and the stamp's digest; those
        // written whole in place known already.
        let states = StableDigest.FileState.read(paths, in: options.outputDirectory, known: count.states)
        let (manifestSaved, _) = concurrently {
            Result { try manifest.save(paths) }
        } _: {
            try? keeping.save(options, states: states)
        }
        if case .failure(let error) = manifestSaved {
            let inTheWay = fileType(manifest.file, followingLinks: false) == S_IFDIR
            throw .recordNotSaved("\(options.outputDirectory) has the new site, but the list of its files could not be saved in \(options.stateDirectory) (\(fileSystemReason(error))); "
                                  + (inTheWay ? "a folder has its name, \(manifest.file): remove it" : "the next build compares every page"))
        }
        timer.lap("remove old files, record the output")
        let warnings = inputs.warnings + themeCheck.wait()
        let report = BuildReport(asOf: site.figures.asOf, filesByKind: countByKind(pages), written: count.written,
                                 rendered: count.rendered, unchanged: pages.count - count.written, removed: removed, duration: ContinuousClock.now - start,
                                 warnings: warnings, removedByPlace: removedByPlace)
        return (report, BuildStamp.outputDigest(paths: paths, states: states))
    }

    /// Builds every page of `site`, whose figures the caller computed (the server's, from the
    /// events it recorded since it read the journal), rendering only those whose inputs changed.
    public static func rebuild(_ site: Site, digests: InputDigests) throws(BuildError) -> BuildReport {
        try buildSite(site, digests: digests, progress: nil).report
    }

    /// Re-renders only the pages that show figures for the given referrers, and the program
    /// pages (analytics, leaderboard): what the endpoint does after recording a referral, with
    /// `site`'s figures as of the newest event. `newReferrerCodes` (referrers who just joined)
    /// get their share page and its QR code as well.
    public static func refresh(_ site: Site, referrerCodes: Set<String>,
                               newReferrerCodes: Set<String> = []) throws(BuildError) -> BuildReport {
        let start = ContinuousClock.now
        let options = site.inputs.options
        let pages = refreshPages(site, referrerCodes: referrerCodes, newReferrerCodes: newReferrerCodes)
        let writer = OutputWriter(outputDirectory: options.outputDirectory)
        let count = try render(pages, paths: pages.map { SitePlan.outputPath($0, site: site) }, site: site, writer: writer, progress: nil)
        return BuildReport(asOf: site.figures.asOf, filesByKind: countByKind(pages), written: count.written,
                           rendered: count.rendered, unchanged: pages.count - count.written, removed: 0, duration: ContinuousClock.now - start, warnings: [])
    }

    /// The pages ``refresh(_:referrerCodes:newReferrerCodes:)`` renders.
    static func refreshPages(_ site: Site, referrerCodes: Set<String>, newReferrerCodes: Set<String> = []) -> [PageSpec] {
        var pages: [PageSpec] = [.analytics]
        if site.hasLeaderboard { pages.append(.leaderboard) }
        for code in referrerCodes.sorted() {
            guard let index = site.index(ofReferrer: code) else { continue }
            if newReferrerCodes.contains(code) { pages.append(contentsOf: [.referrer(index), .qrCode(index)]) }
            pages.append(.stats(index))
        }
        return pages
    }

    /// Renders pages on every core and stages changed files; commits them only when all succeeded.
    /// With a `record`, pages it finds current are left as they are, not rendered, and the
    /// others are compared with their files by digest where it can. `states` holds, by page,
    /// the state of each file written where the commit leaves it as it was.
    static func render(_ pages: [PageSpec], paths: [String], site: Site, writer: OutputWriter,
                       progress: (@Sendable (Int, Int) -> Void)?, timer: StepTimer? = nil,
                       record: PageRecordKeeping? = nil) throws(BuildError) -> (written: Int, rendered: Int, states: [StableDigest.FileState?]) {
        let renderer = PageRenderer(site: site)
        let state = RenderState(pages: pages.count)
        let chunk = 64
        let chunks = (pages.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { chunkIndex in
            var folders = OutputWriter.FolderMemory()
            for index in chunkIndex * chunk..<min(pages.count, (chunkIndex + 1) * chunk) {
                if state.failed { return }
                if record?.isCurrent(index) == true { continue }
                state.addRendered()
                do {
                    let outcome: OutputWriter.Outcome
                    if case .asset(let source, _) = pages[index] {
                        outcome = try writer.stageCopy(paths[index], of: source)
                    } else {
                        let bytes = try renderer.render(pages[index])
                        let known = record?.compare(index, bytes: bytes)
                        outcome = try writer.stage(paths[index], bytes: bytes, content: known?.content, previous: known?.previous,
                                                   folders: &folders)
                    }
                    if case .staged(let fileState) = outcome { state.addWritten(index, fileState) }
                } catch let error as RenderError {
                    state.fail(render: error)
                } catch {
                    state.fail(write: "\(error)")
                }
            }
            if let progress { progress(state.advance(by: min(chunk, pages.count - chunkIndex * chunk)), pages.count) }
        }
        timer?.lap("render and stage the pages")
        if let writeFailure = state.writeFailure {
            writer.discard()
            throw .write(writeFailure)
        }
        if !state.renderErrors.isEmpty {
            writer.discard()
            throw .render(state.renderErrors)
        }
        do {
            try writer.commit()
        } catch {
            throw .partlyMoved(error.description)
        }
        timer?.lap("move the staged files into place")
        return (state.written, state.rendered, state.states)
    }

    static func countByKind(_ pages: [PageSpec]) -> [(kind: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for page in pages {
            if counts[page.kind] == nil { order.append(page.kind) }
            counts[page.kind, default: 0] += 1
        }
        return order.map { ($0, counts[$0]!) }
    }
}

/// Shared, locked bookkeeping of a parallel render.
private final class RenderState: @unchecked Sendable {
    private let lock = NSLock()
    private var _written = 0
    private var _rendered = 0
    private var _done = 0
    private var _renderErrors: [RenderError] = []
    private var _writeFailure: String?
    private var _states: [StableDigest.FileState?]

    init(pages: Int) { _states = Array(repeating: nil, count: pages) }

    var written: Int { lock.withLock { _written } }
    var states: [StableDigest.FileState?] { lock.withLock { _states } }
    var rendered: Int { lock.withLock { _rendered } }
    var renderErrors: [RenderError] { lock.withLock { _renderErrors } }
    var writeFailure: String? { lock.withLock { _writeFailure } }
    var failed: Bool { lock.withLock { _writeFailure != nil } }

    func addWritten(_ page: Int, _ fileState: StableDigest.FileState?) {
        lock.withLock {
            _written += 1
            _states[page] = fileState
        }
    }
    func addRendered() { lock.withLock { _rendered += 1 } }
    func advance(by count: Int) -> Int { lock.withLock { _done += count; return _done } }
    func fail(render error: RenderError) { lock.withLock { _renderErrors.append(error) } }
    func fail(write message: String) { lock.withLock { if _writeFailure == nil { _writeFailure = message } } }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
