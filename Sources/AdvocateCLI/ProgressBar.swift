import Foundation

/// A one-line progress bar on standard error, shown only on a terminal that can redraw a line
/// and only once a build has run for about a second:
/// `[#########-----------] 45,000/200,008 pages · 38,211/s`, cut to the terminal's width.
final class ProgressBar: @unchecked Sendable {
    /// A bar for standard error, or nil where it would not redraw in place: not a terminal, a
    /// `TERM=dumb` one (Emacs shells, CI logs), or `--quiet`.
    static func forStandardError(quiet: Bool) -> ProgressBar? {
        guard !quiet, isatty(STDERR_FILENO) != 0, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return nil }
        return ProgressBar()
    }

    private let start = ContinuousClock.now
    private let lock = NSLock()
    private var shown = false
    private var finished = false
    private var lastDraw = ContinuousClock.now

    /// A build's progress callback that draws this bar.
    var progress: @Sendable (Int, Int) -> Void {
        { done, total in self.update(done: done, total: total) }
    }

    /// Draws the bar for `done` of `total`; cheap to call often (it redraws ten times a second).
    func update(done: Int, total: Int) {
        let now = ContinuousClock.now
        lock.withLock {
            guard !finished, now - start > .seconds(1), now - lastDraw > .milliseconds(100) || done == total else { return }
            lastDraw = now
            shown = true
            let elapsed = Double((now - start).components.seconds) + Double((now - start).components.attoseconds) / 1e18
            let figures = "\(done.formatted())/\(total.formatted()) pages · \(Int(Double(done) / max(elapsed, 0.001)).formatted())/s"
            // Longer than the terminal is wide, each redraw would wrap onto a new line: the bar
            // gives way first, then the figures' end.
            let room = Self.columns() - 1
            let width = min(24, room - figures.count - 3)
            guard width >= 4 else {
                StandardError.progress(String(figures.prefix(max(room, 1))))
                return
            }
            let filled = total == 0 ? width : width * done / total
            StandardError.progress("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + figures)
        }
    }

    /// The terminal's width, 80 when it cannot be asked.
    private static func columns() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }

    /// Clears the bar's line if it was drawn; later updates (a thread reporting late) draw nothing.
    func finish() {
        lock.withLock {
            if shown, !finished { StandardError.progress("") }
            finished = true
        }
    }

    /// A progress callback that draws this bar and clears it once all is done, for work that
    /// logs lines of its own right after (`serve`'s first build).
    var progressClearedAtTheEnd: @Sendable (Int, Int) -> Void {
        { done, total in
            self.update(done: done, total: total)
            if done == total { self.finish() }
        }
    }
}
