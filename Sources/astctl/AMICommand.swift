import ArgumentParser
import AsteriskAMI
import Logging

/// `astctl ami …`: talk to a manager.
struct AMICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ami", abstract: "Send AMI actions and CLI commands, tail AMI events.",
        subcommands: [AMIActionCommand.self, AMICLICommand.self, AMIEventsCommand.self])
}

/// Connection options shared by the `ami` subcommands.
struct AMIConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "ami://user:secret@host:5038 (or amis:// for TLS). Default: $ASTERISK_AMI_URL.")
    var url: String?

    /// Connects a client, mapping failures to exit code 3.
    func connect(events: AMIEventMask = .off) async throws -> AMIClient {
        guard let text = url ?? Environment.value("ASTERISK_AMI_URL") else {
            throw ValidationError("give --url ami://user:secret@host:port or set ASTERISK_AMI_URL")
        }
        var configuration: AMIClientConfiguration
        do {
            configuration = try AMIClientConfiguration(url: text)
        } catch {
            throw ValidationError("\(error)")
        }
        configuration.events = events
        configuration.keepAliveInterval = nil
        configuration.reconnect = .disabled
        var logger = Logger(label: "astctl")
        logger.logLevel = .error
        let client = AMIClient(configuration: configuration, logger: logger)
        do {
            try await client.connect()
        } catch {
            printError("astctl: \(error)")
            throw AstctlExit.connectionFailed
        }
        return client
    }

    /// Connects, runs `body`, and closes. An ``AMIError`` is reported — Asterisk's answer through
    /// `render` when there is one — and becomes exit code 1 (refused), 64 (unsafe input) or 3 (connection).
    func withClient(
        events: AMIEventMask = .off, render: (AMIResponse) -> String?, _ body: (AMIClient) async throws -> Void
    ) async throws {
        let client = try await connect(events: events)
        do {
            try await body(client)
            await client.close()
        } catch let error as AMIError {
            await client.close()
            if let response = error.response, let text = render(response) {
                print(text)
            } else {
                printError("astctl: \(error)")
            }
            switch error.code {
            case .actionFailed: throw AstctlExit.actionFailed
            case .invalidHeader: throw ExitCode.validationFailure
            default: throw AstctlExit.connectionFailed
            }
        }
    }
}

/// `astctl ami action NAME [Key=Value ...]`.
struct AMIActionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action", abstract: "Send one action and print its response (and list events).")

    @OptionGroup var connection: AMIConnectionOptions
    @Argument(help: "The action name, for example CoreShowChannels.") var name: String
    @Argument(help: "Headers as Key=Value; repeat a key to send it several times.") var headers: [String] = []
    @Flag(help: "Print JSON (one object) instead of AMI text.") var json = false
    @Option(help: "Seconds to wait for the complete answer.") var timeout: Double = 10

    func run() async throws {
        let parsed = try headers.map { pair -> AMIHeader in
            guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("'\(pair)' is not Key=Value") }
            return AMIHeader(name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
        }
        let render = { (response: AMIResponse) -> String? in
            json ? JSONOutput.response(response) : String(response.description.dropLast(2))
        }
        try await connection.withClient(render: render) { client in
            let response = try await client.send(
                action: name, headers: parsed, timeout: .milliseconds(Int64(timeout * 1000)))
            print(render(response)!)
        }
    }
}

/// `astctl ami command "core show channels"`.
struct AMICLICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "command", abstract: "Run a CLI command through the Command action and print its output.")

    @OptionGroup var connection: AMIConnectionOptions
    @Argument(help: "The CLI command, quoted.") var command: String
    @Flag(help: "Print a JSON array of lines.") var json = false

    func run() async throws {
        let render = { (lines: [String]) in json ? JSONOutput.array(lines) : lines.joined(separator: "\n") }
        try await connection.withClient(render: { $0.output.isEmpty ? nil : render($0.output) }) { client in
            print(render(try await client.send(CommandAction(command)).output))
        }
    }
}

/// `astctl ami events [--name X] [--json]`.
struct AMIEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print events as they arrive (one JSON object per line with --json).")

    @OptionGroup var connection: AMIConnectionOptions
    @Option(name: .customLong("name"), help: "Only events with this name (repeatable).") var names: [String] = []
    @Option(help: "Stop after this many events.") var count: Int?
    @Flag(help: "One JSON object per line.") var json = false

    func run() async throws {
        let client = try await connection.connect(events: .on)
        let filter: AMIEventFilter = names.isEmpty ? .all : .names(names)
        var seen = 0
        do {
            for try await event in client.events(filter) {
                print(json ? JSONOutput.object(event.headers) : event.description, terminator: json ? "\n" : "")
                seen += 1
                if let count, seen >= count { break }
            }
        } catch {
            printError("astctl: \(error)")
            await client.close()
            throw AstctlExit.connectionFailed
        }
        await client.close()
    }
}
