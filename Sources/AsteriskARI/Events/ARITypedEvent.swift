/// What every generated ARI event type is: a `Codable` value with the `type` string it decodes from.
public protocol ARITypedEvent: Codable, Sendable, Hashable {
    /// The event's `type` on the wire, for example `StasisStart`.
    static var eventType: String { get }
}

extension ARIEvent {
    /// `channel:ID` → `ID`; nil for other targets (bridges, endpoints) or none.
    static func channelID(target: String?) -> String? {
        guard let target, target.hasPrefix("channel:") else { return nil }
        return String(target.dropFirst(8))
    }
}
