/// A log line as Asterisk's console formats it:
/// `[date] LEVEL[lwp][C-callid]: file:line function: message`.
public struct ConsoleLogLine: Sendable, Hashable {
    /// The timestamp as Asterisk wrote it (its `dateformat`).
    public var timestamp: String
    /// The level (`NOTICE`, `WARNING`, `ERROR`, `DEBUG`, `DTMF`, `SECURITY`, …).
    public var level: String
    /// The thread (light-weight process) id.
    public var thread: Int?
    /// The call id (`C-00000001`), when the message belongs to a call.
    public var callID: String?
    /// The source file.
    public var file: String?
    /// The source line.
    public var line: Int?
    /// The function.
    public var function: String?
    /// The message.
    public var message: String

    /// Creates a log line.
    public init(
        timestamp: String, level: String, thread: Int? = nil, callID: String? = nil, file: String? = nil, line: Int? = nil,
        function: String? = nil, message: String
    ) {
        self.timestamp = timestamp
        self.level = level
        self.thread = thread
        self.callID = callID
        self.file = file
        self.line = line
        self.function = function
        self.message = message
    }
}

/// One line from the control socket.
public enum ConsoleLine: Sendable, Hashable {
    /// A verbose message (`ast_verb`) at a verbosity level (1 is the most important), without its marker.
    case verbose(level: Int, text: String)
    /// A log message (notice, warning, error, debug, …).
    case log(ConsoleLogLine)
    /// Anything else: a command's output.
    case output(String)
}
