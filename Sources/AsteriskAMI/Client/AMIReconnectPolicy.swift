/// When and how often the client reconnects after losing the connection.
public struct AMIReconnectPolicy: Sendable, Hashable {
    /// Whether the client reconnects at all.
    public var isEnabled: Bool
    /// The delay before the first attempt.
    public var initialDelay: Duration
    /// The longest delay between attempts.
    public var maximumDelay: Duration
    /// The factor the delay grows by after each failed attempt.
    public var multiplier: Double
    /// The fraction (0…1) of each delay that is randomised, so many clients do not reconnect in step.
    public var jitter: Double
    /// Give up after this many failed attempts in a row; nil retries forever.
    public var maximumAttempts: Int?

    /// Exponential backoff with jitter.
    public static func exponential(
        initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(30),
        multiplier: Double = 2, jitter: Double = 0.2, maximumAttempts: Int? = nil
    ) -> AMIReconnectPolicy {
        AMIReconnectPolicy(
            isEnabled: true, initialDelay: initialDelay, maximumDelay: maximumDelay, multiplier: multiplier,
            jitter: min(max(jitter, 0), 1), maximumAttempts: maximumAttempts)
    }

    /// Never reconnect: a lost connection ends the event streams with its error.
    public static let disabled = AMIReconnectPolicy(
        isEnabled: false, initialDelay: .zero, maximumDelay: .zero, multiplier: 1, jitter: 0, maximumAttempts: 0)

    /// The delay before attempt `attempt` (0-based); `random` is a number in 0..<1 (injectable for tests).
    public func delay(forAttempt attempt: Int, random: Double) -> Duration {
        let initial = initialDelay.seconds
        let capped = min(initial * pow(multiplier, Double(max(0, attempt))), maximumDelay.seconds)
        let spread = capped * jitter
        let value = capped - spread + 2 * spread * min(max(random, 0), 1)
        return .nanoseconds(Int64(max(0, min(value, maximumDelay.seconds)) * 1e9))
    }
}

/// Raises to a power without Foundation.
private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        remaining -= 1
        if result > 1e12 { break }
    }
    return result
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

}

