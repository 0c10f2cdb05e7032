/// The one error type of `AsteriskConfig`: where the problem is and what to do about it.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// A line that Asterisk's loader would refuse (a `[` without `]`, a variable before any category, …).
        public static let syntax = Code("syntax")
        /// A variable before any `[category]`: an error in a file of its own, a warning in one that is
        /// parsed to be included.
        public static let outsideCategory = Code("outsideCategory")
        /// An `#include` that leads back to a file already being read.
        public static let includeCycle = Code("includeCycle")
        /// A file that could not be read.
        public static let unreadable = Code("unreadable")
        /// A value that does not have the type asked for (a boolean that is neither yes nor no, …).
        public static let invalidValue = Code("invalidValue")
        /// An edit that cannot be made (no such category or variable).
        public static let invalidEdit = Code("invalidEdit")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The file, as given to the parser.
    public var file: String
    /// The line (1-based), 0 when the error is not about one line.
    public var line: Int
    /// The column (1-based), 0 when unknown.
    public var column: Int
    /// A sentence a person can act on.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, file: String, line: Int = 0, column: Int = 0, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, as compilers print it.
    public var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        if column > 0 { place += ":\(column)" }
        return "\(place): \(message)"
    }
}
