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

/// Work started on another thread at once, for the caller to wait for when it needs it done.
final class BackgroundWork: Sendable {
    private let group = DispatchGroup()

    init(_ work: @escaping @Sendable () -> Void) {
        DispatchQueue.global().async(group: group, execute: work)
    }

    func wait() {
        group.wait()
    }
}
