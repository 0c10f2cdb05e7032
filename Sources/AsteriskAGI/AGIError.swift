/// The one error type of `AsteriskAGI`: a ``Code`` plus the context a person needs to act on it.
public struct AGIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The environment block was not `agi_name: value` lines ended by a blank line.
        public static let malformedEnvironment = Code("malformedEnvironment")
        /// A reply line was not of the form `<code> result=<n> …`.
        public static let malformedReply = Code("malformedReply")
        /// A received line exceeded the configured limit.
        public static let lineTooLong = Code("lineTooLong")
        /// A command or argument was unsafe to send (CR, LF or NUL): nothing was written.
        public static let invalidArgument = Code("invalidArgument")
        /// Asterisk does not know the command (`510`).
        public static let invalidCommand = Code("invalidCommand")
        /// The channel is dead or in an intercept routine (`511`).
        public static let deadChannel = Code("deadChannel")
        /// Asterisk rejected the command's syntax (`520`); the usage text is in ``usage``.
        public static let invalidSyntax = Code("invalidSyntax")
        /// The command ran and reported failure (`result=-1`).
        public static let commandFailed = Code("commandFailed")
        /// The call was hung up.
        public static let hangup = Code("hangup")
        /// The connection to Asterisk ended.
        public static let connectionClosed = Code("connectionClosed")
        /// No reply arrived in time.
        public static let timeout = Code("timeout")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence describing the failure.
    public var message: String
    /// The command involved, if any.
    public var command: String?
    /// The reply line Asterisk sent, if any.
    public var replyLine: String?
    /// The usage text of a `520` reply.
    public var usage: [String]

    /// Creates an error.
    public init(_ code: Code, _ message: String, command: String? = nil, replyLine: String? = nil, usage: [String] = []) {
        self.code = code
        self.message = message
        self.command = command
        self.replyLine = replyLine
        self.usage = usage
    }

    /// A one-line explanation with its context.
    public var description: String {
        var text = "AGIError.\(code): \(message)"
        if let command { text += " [command \(command)]" }
        if let replyLine, !message.contains(replyLine) { text += " (Asterisk said: \(replyLine))" }
        return text
    }
}
