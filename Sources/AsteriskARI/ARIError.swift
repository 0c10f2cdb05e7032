/// The one error type of `AsteriskARI`: a ``Code`` plus the context a person needs to act on it.
public struct ARIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// A WebSocket message was not a JSON object with a `type`, or the WebSocket itself broke the protocol
        /// (a reserved bit or opcode, a bad control frame, a frame or message over the size limit).
        public static let malformedEvent = Code("malformedEvent")
        /// A response body did not decode into the expected model.
        public static let malformedResponse = Code("malformedResponse")
        /// Asterisk answered with an error status (see ``ARIError/status`` and ``ARIError/serverMessage``).
        public static let requestFailed = Code("requestFailed")
        /// Asterisk refused the credentials (401).
        public static let authenticationFailed = Code("authenticationFailed")
        /// Asterisk could not be reached.
        public static let connectionFailed = Code("connectionFailed")
        /// No answer arrived within the request timeout.
        public static let timeout = Code("timeout")
        /// A base URL or parameter could not be used.
        public static let invalidRequest = Code("invalidRequest")
        /// Configuration files (ari.conf, http.conf) do not describe a usable ARI user and server.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The channel hung up or left the Stasis application while something waited for it.
        public static let channelGone = Code("channelGone")
        /// A call could not be set up (busy, no answer, …; see the message for Asterisk's cause).
        public static let callFailed = Code("callFailed")
        /// The Stasis application stopped while something waited.
        public static let applicationStopped = Code("applicationStopped")
        /// The task waiting for the answer was cancelled.
        public static let cancelled = Code("cancelled")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence describing the failure.
    public var message: String
    /// The operation involved, as `resource.operation`.
    public var operation: String?
    /// The HTTP status Asterisk answered with.
    public var status: Int?
    /// Asterisk's own `message`, when the error body carried one.
    public var serverMessage: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, operation: String? = nil, status: Int? = nil, serverMessage: String? = nil) {
        self.code = code
        self.message = message
        self.operation = operation
        self.status = status
        self.serverMessage = serverMessage
    }

    /// A one-line explanation with its context.
    public var description: String {
        var text = "ARIError.\(code): \(message)"
        if let operation { text += " [\(operation)" + (status.map { ", HTTP \($0)" } ?? "") + "]" }
        return text
    }
}
