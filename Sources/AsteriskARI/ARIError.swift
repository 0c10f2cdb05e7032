/// The one error type of `AsteriskARI`: a ``Code`` plus the context a person needs to act on it.
public struct ARIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// A WebSocket message was not a JSON object with a `type`.
        public static let malformedEvent = Code("malformedEvent")
        /// A response body did not decode into the expected model.
        public static let malformedResponse = Code("malformedResponse")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence describing the failure.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A one-line explanation.
    public var description: String { "ARIError.\(code): \(message)" }
}
