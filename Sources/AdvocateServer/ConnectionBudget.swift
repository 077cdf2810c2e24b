import NIOConcurrencyHelpers

/// How many connections the server holds at once. Each takes a file descriptor, and a process
/// that runs out of them cannot append to the journal, write a page or an email, and is ended by
/// libdispatch (its thread-pool monitor traps when it cannot open `/proc`): a flood of slow
/// clients must find the door closed well before that.
final class ConnectionBudget: Sendable {
    /// The connections allowed: half the open-file limit, the other half kept for what each
    /// request opens (a page served, the journal, the outbox, the refresh's pages), less a
    /// margin; at least 16.
    static func forOpenFileLimit(_ openFiles: Int) -> Int {
        max(16, openFiles / 2 - 64)
    }

    let maximum: Int
    private let state = NIOLockedValueBox((open: 0, refusing: false))

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Takes a place for a new connection; false when none is left. `firstRefusal` is true for
    /// the first connection turned away since the budget last had room, to be logged once.
    func admit() -> (admitted: Bool, firstRefusal: Bool) {
        state.withLockedValue { state in
            guard state.open < maximum else {
                defer { state.refusing = true }
                return (false, !state.refusing)
            }
            state.open += 1
            state.refusing = false
            return (true, false)
        }
    }

    /// Gives back the place of a connection that closed.
    func release() {
        state.withLockedValue { $0.open -= 1 }
    }
}
