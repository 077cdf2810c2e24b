import Foundation

/// Holds Ctrl-C (SIGINT), SIGTERM and SIGHUP off while work that must not stop halfway runs
/// (an erasure rewrites two files, each atomically), and says which came, if any, once it is done.
final class SignalLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?
    private var sources: [any DispatchSourceSignal] = []

    init(_ signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in lock.withLock { first = first ?? signalNumber } }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal that came, nil when none did.
    var received: Int32? { lock.withLock { first } }

    /// Stops holding the signals (they stay ignored until someone else traps them).
    func release() {
        for source in sources { source.cancel() }
    }
}
