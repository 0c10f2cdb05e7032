/// Where the client's connection stands.
public enum AMIConnectionState: Sendable, Hashable, CustomStringConvertible {
    /// Not connected yet.
    case idle
    /// Connecting and logging in for the first time.
    case connecting
    /// Logged in; actions can be sent.
    case connected(AMIBanner)
    /// The connection was lost; reconnecting (attempt number, 1-based).
    case reconnecting(attempt: Int)
    /// Closed by its owner, or lost for good with reconnection disabled or exhausted.
    case closed

    /// Whether actions can be sent now.
    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    /// A short description.
    public var description: String {
        switch self {
        case .idle: return "idle"
        case .connecting: return "connecting"
        case .connected(let banner): return "connected (\(banner.line))"
        case .reconnecting(let attempt): return "reconnecting (attempt \(attempt))"
        case .closed: return "closed"
        }
    }
}
