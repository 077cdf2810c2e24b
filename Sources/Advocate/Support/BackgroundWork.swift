import Dispatch

/// Lets go of `value` on a background thread, so that freeing it does not hold up the caller.
///
/// The build after new referrals holds the last build's snapshot of every referrer (at 100,000
/// referrers a few hundred thousand small allocations): freeing them took about 20 ms of that
/// build's 130 (measured), time its report need not wait for. A command that exits right after
/// does not wait for it at all. The server lets go of the state a reload replaces this way.
public func releaseInBackground<T: Sendable>(_ value: consuming T) {
    let value = value
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(value) {} }
}

/// Work started on another thread at once, for the caller to wait for when it needs it done,
/// and its result.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    /// Written once by the work, read only after the group's wait, which orders the two.
    private var result: Value?

    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async(group: group) { self.result = work() }
    }

    /// Waits for the work to be done; its result.
    @discardableResult
    func wait() -> Value {
        group.wait()
        return result!
    }
}
