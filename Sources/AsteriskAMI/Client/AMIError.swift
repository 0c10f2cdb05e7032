/// The one error type of `AsteriskAMI`: a ``Code`` plus the context a person needs to act on it.
public struct AMIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The TCP or TLS connection could not be established.
        public static let connectionFailed = Code("connectionFailed")
        /// The connection ended while the request was pending.
        public static let connectionClosed = Code("connectionClosed")
        /// There is no connection to send on (not yet connected, or reconnecting).
        public static let notConnected = Code("notConnected")
        /// The client was closed by its owner.
        public static let clientClosed = Code("clientClosed")
        /// No answer arrived within the action's timeout.
        public static let timeout = Code("timeout")
        /// Asterisk answered `Response: Error`.
        public static let actionFailed = Code("actionFailed")
        /// Login was refused (`Authentication failed`).
        public static let authenticationFailed = Code("authenticationFailed")
        /// The peer did not greet with an AMI banner, or broke the protocol otherwise.
        public static let protocolViolation = Code("protocolViolation")
        /// A received line exceeded the configured limit.
        public static let lineTooLong = Code("lineTooLong")
        /// A received frame had more header lines than the configured limit.
        public static let tooManyHeaders = Code("tooManyHeaders")
        /// An action header name or value was unsafe to send (CR, LF, or a bad name): nothing was written.
        public static let invalidHeader = Code("invalidHeader")
        /// A connection URL could not be understood.
        public static let invalidURL = Code("invalidURL")
        /// A configuration file (manager.conf) does not describe a usable manager user.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A response did not have the shape the typed action expects.
        public static let unexpectedResponse = Code("unexpectedResponse")
        /// The manager stopped reading: the write buffer is full, so the action was not queued.
        public static let peerNotReading = Code("peerNotReading")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence describing the failure.
    public var message: String
    /// The action involved, if any.
    public var action: String?
    /// The ActionID involved, if any.
    public var actionID: String?
    /// Asterisk's own `Message:` text, if the server answered.
    public var serverMessage: String?
    /// The complete response, when the error is Asterisk's answer (for example `Command` output on failure).
    public var response: AMIResponse?

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, action: String? = nil, actionID: String? = nil,
        serverMessage: String? = nil, response: AMIResponse? = nil
    ) {
        self.code = code
        self.message = message
        self.action = action
        self.actionID = actionID
        self.serverMessage = serverMessage
        self.response = response
    }

    /// A one-line explanation with its context.
    public var description: String {
        var text = "AMIError.\(code): \(message)"
        if let action { text += " [action \(action)" + (actionID.map { ", ActionID \($0)" } ?? "") + "]" }
        if let serverMessage, !message.contains(serverMessage) { text += " (Asterisk said: \(serverMessage))" }
        return text
    }

    /// This error with the action's name and ActionID filled in.
    func with(action: String, actionID: String) -> AMIError {
        var copy = self
        copy.action = copy.action ?? action
        copy.actionID = copy.actionID ?? actionID
        return copy
    }
}
