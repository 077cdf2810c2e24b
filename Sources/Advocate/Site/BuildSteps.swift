/// One step of a build and how long it took, for `advocate build --verbose`.
public struct BuildStep: Sendable {
    public var name: String
    public var duration: Duration
}

/// Times a build's steps one after another: each lap is the time since the one before.
final class StepTimer {
    private(set) var steps: [BuildStep] = []
    private var last = ContinuousClock.now

    func lap(_ name: String) {
        let now = ContinuousClock.now
        steps.append(BuildStep(name: name, duration: now - last))
        last = now
    }
}
