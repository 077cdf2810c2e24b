import Advocate
import Foundation
import Logging

/// Re-renders the pages a new referral touches (the referrer's stats page and the program
/// analytics), gathering the referrals that arrive within `delay` into one refresh.
actor SiteRefresher {
    private let delay: Duration
    private let logger: Logger
    private var pendingCodes: Set<String> = []
    private var latestInputs: SiteInputs?
    private var scheduled = false

    init(delay: Duration, logger: Logger) {
        self.delay = delay
        self.logger = logger
    }

    /// Asks for a refresh of `code`'s pages from `inputs` (the store with the new referral).
    func touch(_ code: String, inputs: SiteInputs) {
        pendingCodes.insert(code)
        latestInputs = inputs
        guard !scheduled else { return }
        scheduled = true
        Task {
            try? await Task.sleep(for: delay)
            await run()
        }
    }

    /// Runs a pending refresh now (at shutdown, and for tests).
    func flush() async {
        await run()
    }

    private func run() async {
        guard let inputs = latestInputs, !pendingCodes.isEmpty else {
            scheduled = false
            return
        }
        let codes = pendingCodes
        pendingCodes = []
        latestInputs = nil
        scheduled = false
        let logger = logger
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                do {
                    let report = try SiteBuilder.refresh(inputs, referrerCodes: codes)
                    logger.info("refreshed \(report.written) page(s) for \(codes.count) referrer(s) as of \(report.asOf.iso8601)")
                } catch {
                    logger.error("refresh failed: \(error)")
                }
                continuation.resume()
            }
        }
    }
}
