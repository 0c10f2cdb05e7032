/// What Asterisk says first on its control socket: `hostname/pid/version` and a newline.
public struct ConsoleGreeting: Sendable, Hashable {
    /// The host Asterisk runs on.
    public var hostname: String
    /// Asterisk's process id.
    public var pid: Int
    /// Asterisk's version (`23.4.1`).
    public var version: String

    /// Creates a greeting.
    public init(hostname: String, pid: Int, version: String) {
        self.hostname = hostname
        self.pid = pid
        self.version = version
    }

    /// Reads a greeting line (without or with its newline).
    /// - Throws: ``ConsoleError`` `.malformedGreeting` when it is not `hostname/pid/version`.
    public static func parse(_ line: String) throws(ConsoleError) -> ConsoleGreeting {
        var text = Substring(line)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let pid = Int(parts[1]), !parts[2].isEmpty else {
            throw ConsoleError(.malformedGreeting, "expected hostname/pid/version, got \(String(text.prefix(80)).debugDescription)")
        }
        return ConsoleGreeting(hostname: String(parts[0]), pid: pid, version: String(parts[2]))
    }

    /// The greeting as Asterisk writes it.
    public var encoded: String { "\(hostname)/\(pid)/\(version)\n" }
}
