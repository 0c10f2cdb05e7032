/// The one error type of `AsteriskConsole`: a ``Code`` and a sentence.
public struct ConsoleError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The control socket could not be reached (missing, refused, no permission).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection ended while a command's output was still coming.
        public static let connectionLost = Code("connectionLost")
        /// The greeting was not `hostname/pid/version`.
        public static let malformedGreeting = Code("malformedGreeting")
        /// A command carried a NUL, CR or LF (it would end the command or start another).
        public static let invalidCommand = Code("invalidCommand")
        /// No output arrived in time.
        public static let timeout = Code("timeout")
        /// The output of a command exceeded the limit.
        public static let outputTooLarge = Code("outputTooLarge")
        /// The socket path could not be found (flag, `ASTERISK_CTL`, asterisk.conf).
        public static let invalidConfiguration = Code("invalidConfiguration")

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

    /// `ConsoleError.code: message`.
    public var description: String { "ConsoleError.\(code): \(message)" }
}
