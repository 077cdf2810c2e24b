#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files, which bounds how many connections `advocate serve` can
/// hold: each takes a descriptor, and so does every page a refresh writes.
public enum OpenFileLimit {
    /// Below this many, a warning: a few hundred slow clients would leave no descriptor for the
    /// journal or the refresh.
    public static let recommendedMinimum = 4096

    /// The limit in effect, nil if unknown.
    public static func current() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to the hard one, as nginx (`worker_rlimit_nofile`) and Go's runtime
    /// do at start: the soft limit is often 1,024, which a thousand idle sockets use up, while
    /// the hard one is usually far higher. Returns the limit now in effect, nil if unknown.
    @discardableResult
    public static func raiseToHardLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
