/// A typed manager action: its name, its headers, and how its answer is shaped.
public protocol AMIAction: Sendable {
    /// The typed answer this action produces.
    associatedtype Response: AMIActionResponse = AMIResponse
    /// The `Action:` name (`Ping`, `Originate`, …).
    static var actionName: String { get }
    /// The action's headers, in order, without `Action` and `ActionID`.
    var headers: [AMIHeader] { get }
    /// Whether the answer is one frame, an event list, or decided by the response itself.
    static var responseShape: AMIResponseShape { get }
}

extension AMIAction {
    /// By default the response decides: `EventList: start` makes it a list.
    public static var responseShape: AMIResponseShape { .automatic }
}

/// How the answer to an action is delimited.
public enum AMIResponseShape: Sendable, Hashable {
    /// One `Response:` frame.
    case single
    /// A `Response:` frame followed by events up to one with `EventList: Complete` (or named `completeEvent`).
    case eventList(completeEvent: String?)
    /// A list when the response says `EventList: start`, otherwise a single frame.
    case automatic
}

/// A typed answer built from the raw response.
public protocol AMIActionResponse: Sendable {
    /// Builds the typed answer, or throws `.unexpectedResponse` when the shape is wrong.
    init(response: AMIResponse) throws(AMIError)
}

/// A typed event, decoded lazily from its header bag, which stays reachable as ``event``.
public protocol AMITypedEvent: Sendable {
    /// The `Event:` name this type represents.
    static var eventName: String { get }
    /// The raw event with every header.
    var event: AMIEvent { get }
    /// Wraps a raw event (its name is not checked here).
    init(event: AMIEvent)
}

extension AMITypedEvent {
    /// The first value of header `name` from the raw event.
    public subscript(name: String) -> String? { event[name] }
    /// Every value of header `name` from the raw event.
    public func values(for name: String) -> [String] { event.values(for: name) }
    /// All headers of the raw event.
    public var headers: [AMIHeader] { event.headers }
}

extension AMIMessage {
    /// The header `name` as an integer, or nil when absent or not a number.
    public func int(_ name: String) -> Int? { self[name].flatMap { Int($0) } }
    /// The header `name` as a boolean using Asterisk's truth words (`yes`, `true`, `on`, `1`; `no`, `false`, `off`, `0`).
    public func bool(_ name: String) -> Bool? { self[name].flatMap(AMIValue.bool) }
    /// The header `name` as a floating-point number.
    public func double(_ name: String) -> Double? { self[name].flatMap { Double($0) } }
}

extension AMIEvent {
    /// The header `name` as an integer.
    public func int(_ name: String) -> Int? { message.int(name) }
    /// The header `name` as a boolean (Asterisk truth words).
    public func bool(_ name: String) -> Bool? { message.bool(name) }
    /// The header `name` as a floating-point number.
    public func double(_ name: String) -> Double? { message.double(name) }
}

extension AMIResponse {
    /// The header `name` as an integer.
    public func int(_ name: String) -> Int? { message.int(name) }
    /// The header `name` as a boolean (Asterisk truth words).
    public func bool(_ name: String) -> Bool? { message.bool(name) }
}

/// Conversions between Asterisk's text values and Swift values.
public enum AMIValue {
    /// Asterisk's truth words to a Bool, nil for anything else.
    public static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "y", "t", "1", "on": return true
        case "no", "false", "n", "f", "0", "off": return false
        default: return nil
        }
    }

    /// A Bool as Asterisk expects it in action headers.
    public static func text(_ value: Bool) -> String { value ? "true" : "false" }
}
