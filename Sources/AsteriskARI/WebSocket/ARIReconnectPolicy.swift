/// When and how often the events WebSocket reconnects after losing its connection.
public struct ARIReconnectPolicy: Sendable, Hashable {
    /// Whether the stream reconnects at all.
    public var isEnabled: Bool
    /// The delay before the first attempt.
    public var initialDelay: Duration
    /// The longest delay between attempts.
    public var maximumDelay: Duration
    /// The fraction (0…1) of each delay that is randomised, so many clients do not reconnect in step.
    public var jitter: Double
    /// Give up after this many failed attempts in a row; nil retries forever.
    public var maximumAttempts: Int?

    /// Doubling backoff with jitter.
    public static func exponential(
        initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(30), jitter: Double = 0.2,
        maximumAttempts: Int? = nil
    ) -> ARIReconnectPolicy {
        ARIReconnectPolicy(
            isEnabled: true, initialDelay: initialDelay, maximumDelay: maximumDelay, jitter: min(max(jitter, 0), 1),
            maximumAttempts: maximumAttempts)
    }

    /// Never reconnect: a lost connection ends the stream with its error.
    public static let disabled = ARIReconnectPolicy(
        isEnabled: false, initialDelay: .zero, maximumDelay: .zero, jitter: 0, maximumAttempts: 0)

    /// The delay before attempt `attempt` (0-based); `random` is a number in 0..<1 (injectable for tests).
    public func delay(forAttempt attempt: Int, random: Double) -> Duration {
        var delay = initialDelay
        for _ in 0..<min(max(attempt, 0), 40) where delay < maximumDelay { delay *= 2 }
        delay = min(delay, maximumDelay)
        let spread = delay * jitter
        return max(.zero, min(delay - spread + spread * (2 * min(max(random, 0), 1)), maximumDelay))
    }
}
