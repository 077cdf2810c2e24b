import Foundation

/// A one-line progress bar on standard error, shown only on a terminal and only once a build
/// has run for about a second: `[#########-----------] 45,000/200,008 pages · 38,211/s`.
final class ProgressBar: @unchecked Sendable {
    private let start = ContinuousClock.now
    private let lock = NSLock()
    private var shown = false
    private var lastDraw = ContinuousClock.now

    /// Draws the bar for `done` of `total`; cheap to call often (it redraws ten times a second).
    func update(done: Int, total: Int) {
        let now = ContinuousClock.now
        lock.withLock {
            guard now - start > .seconds(1), now - lastDraw > .milliseconds(100) || done == total else { return }
            lastDraw = now
            shown = true
            let elapsed = Double((now - start).components.seconds) + Double((now - start).components.attoseconds) / 1e18
            let width = 24
            let filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            StandardError.progress("[\(bar)] \(done.formatted())/\(total.formatted()) pages · \(Int(Double(done) / max(elapsed, 0.001)).formatted())/s")
        }
    }

    /// Clears the bar's line if it was drawn.
    func finish() {
        lock.withLock {
            if shown { StandardError.progress("") }
        }
    }
}
