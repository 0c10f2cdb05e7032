import ArgumentParser
import AsteriskAMI
import Logging

/// `astctl ami …`: talk to a manager.
struct AMICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ami", abstract: "Send AMI actions and CLI commands, tail AMI events.",
        subcommands: [AMIActionCommand.self, AMICLICommand.self, AMIEventsCommand.self])
}

/// `astctl ami action NAME [Key=Value ...]`.
struct AMIActionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action", abstract: "Send one action and print its response (and list events).")

    @OptionGroup var connection: AMIConnectionOptions
    @Argument(help: "The action name, for example CoreShowChannels.") var name: String
    @Argument(help: "Headers as Key=Value; repeat a key to send it several times.") var headers: [String] = []
    @Flag(help: "Print JSON (one object) instead of text.") var json = false
    @Flag(help: "Print the answer as AMI sent it (Key: Value lines), lists included.") var raw = false
    @Option(help: "With a list answer, show these columns (comma-separated header names).") var columns: String?
    @Option(help: "Seconds to wait for the complete answer.") var timeout: Double = 10

    func run() async throws {
        let parsed = try headers.map { pair -> AMIHeader in
            guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("'\(pair)' is not Key=Value") }
            return AMIHeader(name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
        }
        let chosen = columns.map { $0.split(separator: ",").map { String($0).trimmingSpaces } }
        let render = { (response: AMIResponse) -> String? in
            if json { return JSONOutput.response(response) }
            if raw || (response.events.isEmpty && response.completionEvent == nil) || !response.isSuccess {
                return String(response.description.dropLast(2))
            }
            return TableOutput.render(response, columns: chosen)
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
