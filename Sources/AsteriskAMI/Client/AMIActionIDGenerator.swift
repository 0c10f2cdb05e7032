import NIOConcurrencyHelpers

/// Makes ActionIDs unique across processes and connections: a random per-client prefix and a counter
/// that never restarts, not even after a reconnect.
final class AMIActionIDGenerator: Sendable {
    private let prefix: String
    private let counter = NIOLockedValueBox<UInt64>(0)

    init() {
        var generator = SystemRandomNumberGenerator()
        prefix = String(generator.next() as UInt64, radix: 36)
    }

    /// The next ActionID, for example `k3x9f0a2-17`.
    func next() -> String {
        let value = counter.withLockedValue { counter -> UInt64 in
            counter &+= 1
            return counter
        }
        return prefix + "-" + String(value, radix: 36)
    }
}
