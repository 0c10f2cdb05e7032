import ArgumentParser
import AsteriskAGI
import AsteriskAMI
import AsteriskTesting
import Logging

/// `astctl agi …`: FastAGI tools.
struct AGICommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agi", abstract: "Debug FastAGI: serve a scripted dialogue, or play Asterisk against a server.",
        subcommands: [AGIServeCommand.self, AGITryCommand.self])
}

/// `astctl agi serve`: a FastAGI server that logs each call and runs a scripted dialogue.
struct AGIServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve FastAGI: print each call's environment, send the given commands, print the replies.")

    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 4573
    @Option(name: .customLong("command"), help: "An AGI command line to send to every call (repeatable, in order).")
    var commands: [String] = []
    @Option(help: "A file with one AGI command line per line (sent after any --command).") var script: String?
    @Option(help: "Stop after this many calls.") var count: Int?
    @Flag(help: "Print each call as one JSON object (environment and dialogue) on one line.") var json = false

    func run() async throws {
        let json = self.json
        var lines = commands
        if let script { lines += try readLines(of: script) }
        let dialogue = lines.filter { !$0.trimmingSpaces.isEmpty && !$0.hasPrefix("#") }
        for line in dialogue { try AGICommand(line).validate() }
        var logger = Logger(label: "astctl.agi")
        logger.logLevel = .warning
        let finished = AsyncStream<Void>.makeStream()
        let server = FastAGIServer(configuration: .init(host: host, port: port), logger: logger) { router in
            router.fallback { call in
                defer { finished.continuation.yield() }
                if !json {
                    print("call \(call.environment.uniqueID ?? "?") script=\(call.environment.script)")
                    for entry in call.environment.entries { print("  \(entry.name): \(entry.value)") }
                }
                var steps: [String] = []
                for line in dialogue {
                    let reply = try await call.send(AGICommand(line))
                    if json {
                        steps.append("{\"command\":\(JSONOutput.string(line)),\"reply\":\(JSONOutput.array([reply.line] + reply.usage))}")
                    } else {
                        print("> \(line)\n< \(reply.line)")
                        for usage in reply.usage { print("< \(usage)") }
                    }
                }
                if json {
                    let environment = JSONOutput.object(call.environment.entries.map { AMIHeader(name: $0.name, value: $0.value) })
                    print("{\"environment\":\(environment),\"dialogue\":[\(steps.joined(separator: ","))]}")
                }
            }
        }
        try await server.start()
        printError("astctl: FastAGI listening on \(host):\(server.port)")
        var calls = 0
        for await _ in finished.stream {
            calls += 1
            if let count, calls >= count { break }
        }
        await server.shutdown()
    }
}

/// `astctl agi try agi://host:port/script`: plays Asterisk against any FastAGI server.
struct AGITryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try", abstract: "Call a FastAGI server as Asterisk would and print the dialogue.")

    @Argument(help: "agi://host[:port]/script[?query]") var url: String
    @Option(help: "Digits returned by GET DATA, one entry per call of it (repeatable; \"\" is a timeout).")
    var digits: [String] = []
    @Option(help: "Keys returned by WAIT FOR DIGIT and GET OPTION, in order (one string, e.g. 12#).") var keys = ""
    @Option(name: .customLong("var"), help: "A channel variable NAME=VALUE (repeatable).") var variables: [String] = []
    @Option(name: .customLong("arg"), help: "An AGI argument (agi_arg_N, repeatable).") var arguments: [String] = []
    @Option(help: "Hang up after this many commands.") var hangupAfter: Int?
    @Option(help: "Seconds the server may take for the whole call.") var timeout: Double = 30
    @Flag(help: "Print the dialogue as one JSON object: commands with their replies, and whether the call hung up.") var json = false

    func run() async throws {
        guard url.hasPrefix("agi://") else { throw ValidationError("the URL must start with agi://") }
        let rest = url.dropFirst(6)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let script = slash < rest.endIndex ? String(rest[rest.index(after: slash)...]) : ""
        let host: String
        let port: Int
        if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let parsed = Int(authority[authority.index(after: colon)...]) else { throw ValidationError("bad port in \(url)") }
            port = parsed
        } else {
            host = String(authority)
            port = 4573
        }
        var variableMap: [String: String] = [:]
        for pair in variables {
            guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("'\(pair)' is not NAME=VALUE") }
            variableMap[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let dialogue = FakeAGIDialogue(
            digitEntries: digits, keys: keys.map { Optional($0) }, variables: variableMap, hangUpAfter: hangupAfter)
        let record: FakeAGICallRecord
        do {
            record = try await FakeAGICaller.call(
                host: host, port: port, script: script, arguments: arguments, dialogue: dialogue,
                timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            printError("astctl: \(error)")
            throw AstctlExit.connectionFailed
        }
        if json {
            let steps = zip(record.commands, record.replies).map { command, reply in
                "{\"command\":\(JSONOutput.string(command.line)),\"reply\":\(JSONOutput.string(reply))}"
            }
            print("{\"dialogue\":[\(steps.joined(separator: ","))],\"hungUp\":\(record.hungUp)}")
            return
        }
        for (command, reply) in zip(record.commands, record.replies) {
            print("> \(command.line)")
            for line in reply.split(separator: "\n") { print("< \(line)") }
        }
        print("call ended after \(record.commands.count) commands\(record.hungUp ? " (hung up)" : "")")
    }
}
