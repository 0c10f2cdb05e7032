/// An event from Asterisk: its name plus the full, ordered header bag.
public struct AMIEvent: Sendable, Hashable, CustomStringConvertible {
    /// The frame the event arrived in.
    public let message: AMIMessage

    /// Wraps a received frame.
    public init(message: AMIMessage) {
        self.message = message
    }

    /// Builds an event from a name and headers (for tests and the fake server).
    public init(name: String, headers: [AMIHeader] = []) {
        self.message = AMIMessage(headers: [("Event", name)] + headers.map { ($0.name, $0.value) })
    }

    /// The event's name (`Hangup`, `Newchannel`, …).
    public var name: String {
        message.kind == .event ? message.value(of: message.fields[0]) : (message["Event"] ?? "")
    }

    /// Whether the event's name is `name`, compared case-insensitively without decoding.
    ///
    /// For a received event the name is its first header, so this is one comparison, no search.
    @inlinable
    public func isNamed(_ name: String) -> Bool {
        guard message.kind == .event else { return message.has("Event", equalTo: name) }
        let first = message.fields[0]
        return message.equalsIgnoringCase(start: first.valueStart, length: first.valueLength, name)
    }

    /// The ActionID that ties this event to an action, if any.
    public var actionID: String? { message["ActionID"] }

    /// The first value of header `name`.
    @inlinable
    public subscript(name: String) -> String? { message[name] }

    /// Every value of header `name` in order.
    public func values(for name: String) -> [String] { message.values(for: name) }

    /// All headers in order.
    public var headers: [AMIHeader] { message.headers }

    /// The event as AMI text.
    public var description: String { message.wireText }
}

/// A response to an action: the `Response:` frame plus, for list actions, every list event.
public struct AMIResponse: Sendable, Hashable, CustomStringConvertible {
    /// The `Response:` frame.
    public let message: AMIMessage
    /// The list items that arrived for this action (empty for single-frame responses).
    public let events: [AMIEvent]
    /// The closing `…Complete` event of a list response.
    public let completionEvent: AMIEvent?

    /// Assembles a response.
    public init(message: AMIMessage, events: [AMIEvent] = [], completionEvent: AMIEvent? = nil) {
        self.message = message
        self.events = events
        self.completionEvent = completionEvent
    }

    /// The `Response:` value: `Success`, `Error`, `Goodbye`, `Follows`.
    public var status: String { message["Response"] ?? "" }

    /// Whether Asterisk reported success (`Success`, `Goodbye` or the legacy `Follows`).
    public var isSuccess: Bool {
        message.has("Response", equalTo: "success") || message.has("Response", equalTo: "goodbye")
            || message.has("Response", equalTo: "follows")
    }

    /// Asterisk's `Message:` text.
    public var messageText: String? { message["Message"] }

    /// The response's ActionID.
    public var actionID: String? { message["ActionID"] }

    /// The first value of header `name`.
    public subscript(name: String) -> String? { message[name] }

    /// Every value of header `name`.
    public func values(for name: String) -> [String] { message.values(for: name) }

    /// All headers of the response frame, in order.
    public var headers: [AMIHeader] { message.headers }

    /// CLI output lines of a `Command` action: `Output:` headers (Asterisk 14+) or the legacy body.
    public var output: [String] { message.values(for: "Output") }

    /// The response and its list events as AMI text.
    public var description: String {
        ([message.wireText] + events.map(\.message.wireText) + [completionEvent?.message.wireText ?? ""]).joined()
    }
}

extension AMIResponse: AMIActionResponse {
    /// The untyped response is its own typed form.
    public init(response: AMIResponse) throws(AMIError) { self = response }
}
