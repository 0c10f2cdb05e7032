import ArgumentParser
import AsteriskARI
import Foundation
import Logging

/// `astctl ari …`: REST calls and the events WebSocket.
struct ARICommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ari", abstract: "Call ARI resources and tail ARI events as JSON.",
        subcommands: [ARIGetCommand.self, ARIPostCommand.self, ARIPutCommand.self, ARIDeleteCommand.self, ARIEventsCommand.self])
}

/// Maps an ``ARIError`` to the exit codes of astctl (printing what went wrong).
func ariExitCode(for error: ARIError) -> ExitCode {
    printError("astctl: \(error)")
    switch error.code {
    case .requestFailed: return AstctlExit.actionFailed
    case .invalidRequest: return ExitCode.validationFailure
    default: return AstctlExit.connectionFailed
    }
}

/// The shared body of `ari get|post|put|delete PATH [name=value …]`.
struct ARIRequestOptions: ParsableArguments {
    @OptionGroup var connection: ARIConnectionOptions
    @Argument(help: "The resource path below /ari, for example channels or channels/ID/answer.") var path: String
    @Argument(help: "Query parameters as name=value.") var parameters: [String] = []
    @Option(help: "A JSON object sent as the body (for example variables).") var body: String?
    @Flag(help: "Print the JSON as Asterisk sent it (lists are shown as tables otherwise).") var json = false

    func send(_ method: String) async throws {
        let query = try parameters.map { pair -> URLQueryItem in
            guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("'\(pair)' is not name=value") }
            return URLQueryItem(name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
        }
        var bodyJSON: ARIJSON?
        if let body {
            guard let decoded = try? JSONDecoder().decode(ARIJSON.self, from: Data(body.utf8)) else {
                throw ValidationError("--body is not JSON")
            }
            bodyJSON = decoded
        }
        let request: ARIRequest<ARIJSON>
        do {
            request = try ARIRequest.raw(method: method, path: path, query: query, body: bodyJSON)
        } catch {
            throw ValidationError("\(error)")
        }
        let client = try connection.client()
        do {
            let answer = try await client.send(request)
            if answer != .null { print(json ? answer.prettyPrinted : ARITableOutput.render(answer, path: path)) }
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            if let message = error.serverMessage { print(ARIJSON.object(["message": .string(message)]).prettyPrinted) }
            throw ariExitCode(for: error)
        }
    }
}

/// `astctl ari get PATH`.
struct ARIGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "GET a resource and print its JSON.")
    @OptionGroup var options: ARIRequestOptions
    func run() async throws { try await options.send("GET") }
}

/// `astctl ari post PATH`.
struct ARIPostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "post", abstract: "POST to a resource and print the answer.")
    @OptionGroup var options: ARIRequestOptions
    func run() async throws { try await options.send("POST") }
}

/// `astctl ari put PATH`.
struct ARIPutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "put", abstract: "PUT a resource and print the answer.")
    @OptionGroup var options: ARIRequestOptions
    func run() async throws { try await options.send("PUT") }
}

/// `astctl ari delete PATH`.
struct ARIDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "DELETE a resource.")
    @OptionGroup var options: ARIRequestOptions
    func run() async throws { try await options.send("DELETE") }
}

/// `astctl ari events --app NAME`.
struct ARIEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Register applications and print their events, one JSON object per line.")

    @OptionGroup var connection: ARIConnectionOptions
    @Option(name: .customLong("app"), help: "An application to register (repeatable).") var apps: [String]
    @Flag(help: "Receive every event of the system, not only the applications' own.") var subscribeAll = false
    @Option(help: "Stop after this many events.") var count: Int?

    func run() async throws {
        let client = try connection.client()
        let subscription: ARIEventSubscription
        do {
            subscription = try await client.events(apps: apps, subscribeAll: subscribeAll, reconnect: .disabled)
        } catch {
            try? await client.shutdown()
            throw ariExitCode(for: error)
        }
        printError("astctl: listening for \(apps.joined(separator: ", "))")
        var seen = 0
        do {
            for try await message in subscription.rawMessages {
                print(message)
                fflush(nil)
                seen += 1
                if let count, seen >= count { break }
            }
        } catch let error as ARIError {
            subscription.close()
            try? await client.shutdown()
            throw ariExitCode(for: error)
        }
        subscription.close()
        try? await client.shutdown()
    }
}
