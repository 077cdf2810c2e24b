extension Duration {
    /// The duration in whole milliseconds, rounded down: for logs, summaries and instants.
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
