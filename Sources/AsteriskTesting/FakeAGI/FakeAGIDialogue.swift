import AsteriskAGI

/// What the fake Asterisk answers during a FastAGI call.
public struct FakeAGIDialogue: Sendable {
    /// Answers for `GET DATA`, in order (`""` is a timeout with no digits).
    public var digitEntries: [String]
    /// Keys for `WAIT FOR DIGIT` and `GET OPTION`, in order (`nil` is a timeout).
    public var keys: [Character?]
    /// Channel variables (`GET VARIABLE`, `GET FULL VARIABLE`, `SET VARIABLE`).
    public var variables: [String: String]
    /// Sound files that do not exist (`STREAM FILE` answers `result=-1`).
    public var missingFiles: Set<String>
    /// Dialplan applications that do not exist (`EXEC` answers `result=-2`).
    public var missingApplications: Set<String>
    /// Hang up (send `HANGUP`) after this many commands were answered.
    public var hangUpAfter: Int?
    /// Hang up when this command (for example `STREAM FILE`) arrives, before answering it.
    public var hangUpAt: String?
    /// Stop answering when this command arrives (to test timeouts): it and every later one get no reply.
    public var silentFrom: String?
    /// Custom answers: return a reply line (without newline) to override the built-in one.
    public var override: (@Sendable (AGICommandLine) -> String?)?

    /// Creates a dialogue.
    public init(
        digitEntries: [String] = [], keys: [Character?] = [], variables: [String: String] = [:],
        missingFiles: Set<String> = [], missingApplications: Set<String> = [], hangUpAfter: Int? = nil,
        hangUpAt: String? = nil, silentFrom: String? = nil, override: (@Sendable (AGICommandLine) -> String?)? = nil
    ) {
        self.silentFrom = silentFrom
        self.digitEntries = digitEntries
        self.keys = keys
        self.variables = variables
        self.missingFiles = missingFiles
        self.missingApplications = missingApplications
        self.hangUpAfter = hangUpAfter
        self.hangUpAt = hangUpAt
        self.override = override
    }
}

/// A command line as the fake Asterisk received it, split the way Asterisk splits it.
public struct AGICommandLine: Sendable, Hashable, CustomStringConvertible {
    /// The line as received.
    public let line: String
    /// The words and arguments, unquoted.
    public let words: [String]

    /// Splits a line with Asterisk's rules: blanks separate, double quotes group, backslash escapes.
    public init(_ line: String) {
        self.line = line
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                inWord = true
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                inWord = true
            } else if (character == " " || character == "\t") && !quoted {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        self.words = words
    }

    /// Whether the line starts with these command words (case-insensitive).
    public func isCommand(_ name: String) -> Bool {
        let parts = name.split(separator: " ").map { $0.lowercased() }
        guard words.count >= parts.count else { return false }
        return zip(words, parts).allSatisfy { $0.lowercased() == $1 }
    }

    /// The argument at `index` after `count` command words.
    func argument(_ index: Int, after count: Int) -> String? {
        words.count > count + index ? words[count + index] : nil
    }

    /// The line.
    public var description: String { line }
}
