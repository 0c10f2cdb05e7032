import ArgumentParser
import AsteriskConsole
import Foundation

/// `astctl console`: Asterisk's remote console over its control socket (`asterisk -rx` / `asterisk -r`).
struct ConsoleCLICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Run a CLI command over Asterisk's control socket (-x), or follow the console log.",
        discussion: """
            The socket comes from --socket, then ASTERISK_CTL, then --asterisk-conf (astrundir and astctl), \
            then /var/run/asterisk/asterisk.ctl. With -x, the exit code is 0 when Asterisk knew the command, \
            1 when it did not, 3 when the socket could not be reached.
            """)

    @Option(name: .customLong("socket"), help: "The control socket's path.") var socket: String?
    @Option(name: .customLong("asterisk-conf"), help: "Read the socket's path from this asterisk.conf.") var asteriskConf: String?
    @Option(name: .short, help: "Run this CLI command, print its output and exit.") var x: String?
    @Option(help: "The verbosity of the followed log.") var verbose: Int = 3
    @Flag(help: "Print JSON (the command's output, or one object per log line).") var json = false
    @Option(help: "Stop following after this many lines.") var count: Int?
    @Option(help: "Give up a command after this many seconds.") var timeout: Double = 30

    func validate() throws {
        guard verbose >= 0 else { throw ValidationError("--verbose must be 0 or more") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let path: String
        do {
            path = try AsteriskConsole.resolveSocketPath(explicit: socket, environment: ProcessInfo.processInfo.environment, asteriskConfPath: asteriskConf)
        } catch {
            printError("astctl: \(error)")
            throw AstctlExit.invalidConfig
        }
        if let x {
            do {
                _ = try ConsoleCommand.encode(x)
            } catch {
                printError("astctl: \(error)")
                throw ExitCode(64)
            }
        }
        let console: AsteriskConsole
        do {
            console = try await AsteriskConsole.connect(socketPath: path)
        } catch {
            printError("astctl: \(error)")
            throw AstctlExit.connectionFailed
        }
        if let x {
            try await runCommand(x, on: console)
        } else {
            await follow(console)
        }
    }

    private func runCommand(_ command: String, on console: AsteriskConsole) async throws {
        let output: ConsoleOutput
        do {
            output = try await console.run(command, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            printError("astctl: \(error)")
            throw AstctlExit.connectionFailed
        }
        if json {
            print(Self.json(["command": command, "known": output.commandWasKnown, "lines": output.lines]))
        } else if !output.lines.isEmpty {
            print(output.text)
        }
        if !output.commandWasKnown { throw AstctlExit.actionFailed }
    }

    private func follow(_ console: AsteriskConsole) async {
        printError("Connected to Asterisk \(console.greeting.version) currently running on \(console.greeting.hostname) (pid = \(console.greeting.pid))")
        var shown = 0
        for await element in console.log(verbosity: verbose) {
            switch element {
            case .line(let line):
                print(json ? Self.json(Self.object(line)) : Self.text(line))
                fflush(nil)
                shown += 1
                if let count, shown >= count { return }
            case .disconnected(let error):
                printError("astctl: the console connection was lost (\(error.message)); reconnecting")
            case .reconnected(let greeting):
                printError("astctl: reconnected to Asterisk \(greeting.version) (pid = \(greeting.pid))")
            }
        }
    }

    /// A line as the console shows it.
    static func text(_ line: ConsoleLine) -> String {
        switch line {
        case .verbose(_, let text), .output(let text): text
        case .log(let log):
            "[\(log.timestamp)] \(log.level)[\(log.thread.map(String.init) ?? "")]\(log.callID.map { "[\($0)]" } ?? ""): "
                + [log.file.map { "\($0):\(log.line.map(String.init) ?? "")" }, log.function.map { "\($0):" }].compactMap { $0 }.joined(separator: " ")
                + " \(log.message)"
        }
    }

    /// A line as a JSON object (absent parts left out).
    static func object(_ line: ConsoleLine) -> [String: Any] {
        switch line {
        case .verbose(let level, let text): return ["kind": "verbose", "level": level, "text": text]
        case .output(let text): return ["kind": "output", "text": text]
        case .log(let log):
            var object: [String: Any] = ["kind": "log", "timestamp": log.timestamp, "level": log.level, "message": log.message]
            if let thread = log.thread { object["thread"] = thread }
            if let callID = log.callID { object["call_id"] = callID }
            if let file = log.file { object["file"] = file }
            if let number = log.line { object["line"] = number }
            if let function = log.function { object["function"] = function }
            return object
        }
    }

    /// One JSON object on one line.
    static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
