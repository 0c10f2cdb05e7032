import NIOCore

/// One AGI command line: its words (`GET VARIABLE`) and its arguments, quoted as Asterisk parses them.
public struct AGICommand: Sendable, Hashable, CustomStringConvertible {
    /// The command words, for example `STREAM FILE`.
    public let name: String
    /// The arguments, unquoted.
    public let arguments: [String]

    /// Creates a command.
    public init(_ name: String, _ arguments: [String] = []) {
        self.name = name
        self.arguments = arguments
    }

    /// Creates a command from variadic arguments.
    public init(_ name: String, _ arguments: String...) {
        self.init(name, arguments)
    }

    /// The line without its newline, for logs.
    public var description: String {
        ([name] + arguments.map(AGICommand.quote)).joined(separator: " ")
    }

    /// Quotes one argument the way Asterisk's argument splitter reads it back: bare when it has no
    /// blank, quote or backslash; otherwise in double quotes with `"` and `\` escaped; `""` when empty.
    /// Escape-digit sets holding `#` are quoted too (`"#"`), the form Asterisk's documentation uses.
    public static func quote(_ argument: String) -> String {
        if argument.isEmpty { return "\"\"" }
        let needsQuotes = argument.utf8.contains { $0 == 32 || $0 == 9 || $0 == 34 || $0 == 92 || $0 == 35 }
        guard needsQuotes else { return argument }
        var quoted = "\""
        for character in argument {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// Checks the command and its arguments for CR, LF and NUL, which would end the line early and
    /// let a second command through.
    public func validate() throws(AGIError) {
        if name.isEmpty { throw AGIError(.invalidArgument, "an empty command cannot be sent") }
        try AGICommand.refuseLineBreaks(in: name, command: name)
        for argument in arguments { try AGICommand.refuseLineBreaks(in: argument, command: name) }
    }

    private static func refuseLineBreaks(in text: String, command: String) throws(AGIError) {
        if text.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) {
            throw AGIError(
                .invalidArgument, "\(text.debugDescription) contains CR, LF or NUL and was not sent (AGI command injection)",
                command: command)
        }
    }

    /// Writes the command line and its `\n`; nothing is written when validation fails.
    public func encode(into buffer: inout ByteBuffer) throws(AGIError) {
        try validate()
        encodeValidated(into: &buffer)
    }

    /// Writes a command that ``validate()`` already accepted (``AGIChannel`` validates every command once).
    func encodeValidated(into buffer: inout ByteBuffer) {
        buffer.writeString(name)
        for argument in arguments {
            buffer.writeStaticString(" ")
            buffer.writeString(AGICommand.quote(argument))
        }
        buffer.writeStaticString("\n")
    }
}
