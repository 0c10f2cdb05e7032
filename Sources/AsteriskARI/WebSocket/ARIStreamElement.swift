/// What an ``ARIEventSubscription`` yields: events, and markers that tell the consumer about the connection.
public enum ARIStreamElement: Sendable {
    /// An event.
    case event(ARIEvent)
    /// The WebSocket was lost; the subscription is reconnecting and events may be missed until ``reconnected``.
    case connectionLost(ARIError)
    /// The WebSocket is open again and the applications are registered again; state built from events
    /// should be re-read over REST.
    case reconnected
}
