/// `advocate webhooks status`: each receiver's pending events and failures, from the delivery
/// log and the journal.
public enum WebhookStatus {
    public static func report(program: Program, journal: [JournalEvent], log: WebhookLog, now: Instant = .now) -> String {
        guard !program.webhooks.isEmpty else { return "No webhooks in program.json.\n" }
        var lines: [String] = []
        for hook in program.webhooks {
            let state = log.hooks[hook.url]
            lines.append(hook.url)
            lines.append("  events:    \(WebhookEventType.allCases.filter(hook.events.contains).map(\.rawValue).joined(separator: ", "))")
            guard let state else {
                lines.append("  not started yet: the server delivers events recorded from its next start on")
                continue
            }
            let pending = journal.dropFirst(min(state.delivered, journal.count)).count { hook.events.contains($0.type) }
            lines.append("  pending:   \(pending) event(s)")
            if let since = state.failingSince {
                lines.append("  failing:   since \(since.iso8601), \(state.attempts) attempt(s); last error: \(state.lastError ?? "unknown")")
                if let next = state.nextAttempt {
                    // A time gone by: the server was stopped since, or an attempt is under way.
                    lines.append("  next try:  \(next.iso8601)" + (next < now ? " (due: under way, or made as soon as `advocate serve` runs again)" : ""))
                }
            } else {
                lines.append("  failing:   no")
            }
            lines.append("  given up:  \(state.givenUp.count) event(s) after a day of failures")
            for item in state.givenUp.suffix(5) {
                lines.append("    event #\(item.event) (\(item.type)) given up \(item.at.iso8601): \(item.error)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
