/// What every generated ARI event type is: a `Codable` value with the `type` string it decodes from.
public protocol ARITypedEvent: Codable, Sendable, Hashable {
    /// The event's `type` on the wire, for example `StasisStart`.
    static var eventType: String { get }
}
