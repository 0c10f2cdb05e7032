import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Asterisk's remote console over its control socket (`asterisk.ctl`), without the asterisk binary:
/// CLI commands with their output (what `asterisk -rx` does) and the live console log.
///
/// ```swift
/// let console = try await AsteriskConsole.connect(socketPath: "/var/run/asterisk/asterisk.ctl")
/// print(console.greeting.version)                                  // 23.4.1
/// let output = try await console.run("core show channels")
/// for line in output.lines { print(line) }
/// for await line in console.log(verbosity: 3) { print(line) }      // verbose and log lines as they happen
/// ```
///
/// **How the end of a command's output is found.** The control socket does not mark where a
/// command's output ends. ``run(_:timeout:)`` opens a connection of its own, sends the command and
/// then a marker, a command that cannot exist (`swift-asterisk-end-<random>`). Asterisk runs commands
/// of a connection in order, so its answer to the marker (`No such command 'swift-asterisk-end-…'`)
/// comes right after the command's last line: everything before it is the output. A connection that
/// closes before the marker's answer means Asterisk went away mid-command (`.connectionLost`).
/// Commands run concurrently each on their own connection; their output cannot mix. Verbose and log
/// lines Asterisk interleaves are kept apart in ``ConsoleOutput/interleaved``.
public final class AsteriskConsole: Sendable {
    /// The path of the control socket.
    public let socketPath: String
    /// What Asterisk said when this console connected.
    public let greeting: ConsoleGreeting
    /// The most output a command may produce.
    public let maximumOutput: Int
    let logger: Logger

    private init(socketPath: String, greeting: ConsoleGreeting, maximumOutput: Int, logger: Logger) {
        self.socketPath = socketPath
        self.greeting = greeting
        self.maximumOutput = maximumOutput
        self.logger = logger
    }

    /// Connects to the control socket and reads Asterisk's greeting.
    /// - Throws: ``ConsoleError`` `.connectionFailed` (no socket, refused, no permission), `.malformedGreeting`, `.timeout`.
    public static func connect(
        socketPath: String, timeout: Duration = .seconds(10), maximumOutput: Int = 16 * 1024 * 1024,
        logger: Logger = Logger(label: "asterisk.console")
    ) async throws(ConsoleError) -> AsteriskConsole {
        let greeting = try await greet(socketPath: socketPath, timeout: timeout)
        logger.debug("Connected to the Asterisk console", metadata: ["asterisk.version": "\(greeting.version)", "asterisk.pid": "\(greeting.pid)"])
        return AsteriskConsole(socketPath: socketPath, greeting: greeting, maximumOutput: maximumOutput, logger: logger)
    }

    /// Opens a connection only to read the greeting.
    private static func greet(socketPath: String, timeout: Duration) async throws(ConsoleError) -> ConsoleGreeting {
        let collector = ConsoleCollector()
        let connection = try await ConsoleConnection.connect(socketPath: socketPath, maximumLineLength: 4096) { collector.take($0) }
        defer { connection.close() }
        let greeting = await collector.waitForGreeting(timeout: timeout)
        return try greeting.get()
    }

    /// Runs a CLI command and returns its output.
    /// - Throws: ``ConsoleError`` `.invalidCommand` (empty, or carrying NUL, CR or LF),
    ///   `.connectionFailed`, `.connectionLost` (Asterisk went away before the output ended),
    ///   `.timeout`, `.outputTooLarge`.
    public func run(_ command: String, timeout: Duration = .seconds(30)) async throws(ConsoleError) -> ConsoleOutput {
        let bytes = try ConsoleCommand.encode(command)
        let marker = "swift-asterisk-end-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let collector = ConsoleCollector(limit: maximumOutput, marker: marker)
        let connection = try await ConsoleConnection.connect(socketPath: socketPath, maximumLineLength: 64 * 1024) { collector.take($0) }
        defer { connection.close() }
        _ = try await collector.waitForGreeting(timeout: timeout).get()
        try await connection.send(bytes + (try ConsoleCommand.encode(marker)))
        let lines = try await collector.waitForEnd(timeout: timeout).get()
        return ConsoleOutput(command: command, all: lines)
    }
}

/// The output of one command.
public struct ConsoleOutput: Sendable, Hashable {
    /// The command that produced it.
    public var command: String
    /// The command's own output lines.
    public var lines: [String]
    /// Verbose and log lines Asterisk sent while the command ran.
    public var interleaved: [ConsoleLine]

    /// Splits what a command's connection carried.
    init(command: String, all: [ConsoleLine]) {
        self.command = command
        var lines: [String] = []
        var interleaved: [ConsoleLine] = []
        for line in all {
            if case .output(let text) = line { lines.append(text) } else { interleaved.append(line) }
        }
        // Asterisk ends some outputs with an empty line; keep the text as printed, minus trailing blanks.
        while lines.last?.isEmpty == true { lines.removeLast() }
        self.lines = lines
        self.interleaved = interleaved
    }

    /// The output as one text, lines joined with newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// Whether Asterisk knew the command (it answers an unknown one with `No such command '…'`).
    public var commandWasKnown: Bool { !(lines.first?.hasPrefix("No such command") ?? false) }
}
