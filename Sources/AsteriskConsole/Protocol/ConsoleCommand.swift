/// CLI commands as the control socket takes them: the text and a terminating NUL.
public enum ConsoleCommand {
    /// The bytes of `command`.
    /// - Throws: ``ConsoleError`` `.invalidCommand` for an empty command or one carrying a NUL, CR or
    ///   LF (it would end the command early or smuggle in another).
    public static func encode(_ command: String) throws(ConsoleError) -> [UInt8] {
        guard !command.trimmingWhitespace.isEmpty else { throw ConsoleError(.invalidCommand, "the command is empty") }
        guard !command.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) else {
            throw ConsoleError(.invalidCommand, "a command cannot carry NUL, CR or LF: \(command.debugDescription)")
        }
        return Array(command.utf8) + [0]
    }

    /// The command that runs `command` and then has Asterisk close the connection (what
    /// `asterisk -rx` sends): the end of the output is the end of the connection.
    public static func encodeRunThenQuit(_ command: String) throws(ConsoleError) -> [UInt8] {
        _ = try encode(command)
        return Array("cli quit after \(command)".utf8) + [0]
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingWhitespace: Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
