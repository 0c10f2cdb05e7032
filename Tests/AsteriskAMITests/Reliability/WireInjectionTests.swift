import AsteriskAGI
import AsteriskTesting
import Testing

@testable import AsteriskAMI

/// No public entry point that takes a string lets CR or LF reach the wire: each attempt is refused
/// with a typed error before anything is written, and the fake Asterisk never sees a smuggled action.
@Suite("No CR/LF reaches the wire")
struct WireInjectionTests {
    static let payloads = ["1\r\nAction: Command\r\nCommand: core stop now", "1\nAction: Command", "1\rAction: Command", "a\r\n\r\nAction: Logoff"]

    @Test func everyAMIEntryPointRefusesLineBreaks() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        let before = server.receivedActions.count
        for payload in Self.payloads {
            let attempts: [(String, @Sendable () async throws -> Void)] = [
                ("send value", { _ = try await client.send(action: "Setvar", ["Variable": "X", "Value": payload]) }),
                ("send header name", { _ = try await client.send(action: "Setvar", headers: [AMIHeader(name: "Variable\(payload)", value: "v")]) }),
                ("send action name", { _ = try await client.send(action: "Ping\(payload)") }),
                ("typed Setvar", { _ = try await client.send(SetvarAction(variable: "X", value: payload)) }),
                ("Command", { _ = try await client.send(CommandAction("core show version\(payload)")) }),
                ("UserEvent", { _ = try await client.send(UserEventAction(userEvent: "Lab\(payload)")) }),
                ("extra header", { _ = try await client.send(SetvarAction(variable: "X", value: "1", extraHeaders: [AMIHeader(name: "Y", value: payload)])) }),
                ("Originate channel", { _ = try await client.send(OriginateAction(channel: "PJSIP/1\(payload)", destination: .application("Wait"))) }),
                ("Originate caller ID", {
                    _ = try await client.send(OriginateAction(channel: "PJSIP/1", destination: .application("Wait"), callerID: payload))
                }),
                ("Originate variable", {
                    _ = try await client.send(OriginateAction(channel: "PJSIP/1", destination: .application("Wait"), variables: ["A": payload]))
                }),
                ("Originate destination", {
                    _ = try await client.send(OriginateAction(channel: "PJSIP/1", destination: .dialplan(context: payload, exten: "s")))
                }),
                ("tracked originate", { _ = try await client.originate(OriginateAction(channel: "PJSIP/1", destination: .application("Wait", data: payload))) }),
                ("addFilter", { try await client.addFilter("Event: X\(payload)") }),
            ]
            for (label, attempt) in attempts {
                do {
                    try await attempt()
                    Issue.record("\(label) sent \(payload.debugDescription)")
                } catch let error as AMIError {
                    #expect(error.code == .invalidHeader, "\(label): \(error)")
                }
            }
        }
        // Nothing was written: the only actions the server saw are the login's.
        _ = try await client.send(PingAction())
        let seen = server.receivedActions.dropFirst(before).map { $0["Action"] ?? "" }
        #expect(seen == ["Ping"])
        await client.close()
        await server.stop()
    }

    @Test func loginCredentialsWithLineBreaksAreRefusedWithoutLeakingThem() async throws {
        let server = try await FakeAMIServer.start()
        for (user, secret) in [("admin\r\nAction: Command", "secret"), ("admin", "secret\r\nAction: Command")] {
            let (logger, store) = CapturingLogHandler.logger()
            let client = AMIClient(
                configuration: .init(port: server.port, username: user, secret: .plain(secret), reconnect: .disabled), logger: logger)
            do {
                try await client.connect()
                Issue.record("logged in with \(user.debugDescription)")
            } catch let error as AMIError {
                #expect(error.code == .invalidHeader || error.code == .authenticationFailed)
                #expect(!"\(error)".contains(secret) || secret == "secret")
            }
            #expect(!store.all.contains("secret\r\n"))
            await client.close()
        }
        #expect(!server.receivedActions.contains { $0["Action"] == "Command" })
        await server.stop()
    }

    @Test func asyncAGICommandsWithLineBreaksAreRefused() async throws {
        let server = try await FakeAMIServer.start()
        let client = makeClient(server)
        try await client.connect()
        let outcomes = CollectedErrors()
        let controller = AsyncAGIServer(client: client) { call in
            for payload in Self.payloads {
                do {
                    try await call.setVariable("X", payload)
                } catch let error as AGIError {
                    await outcomes.add("\(error.code)")
                }
                do {
                    _ = try await call.send(AGICommand("VERBOSE", [payload, "1"]))
                } catch let error as AGIError {
                    await outcomes.add("\(error.code)")
                }
            }
        }
        let running = Task { try await controller.run() }
        let ended = client.events(named: "AsyncAGIEnd")
        try await Task.sleep(for: .milliseconds(20))
        server.startAsyncAGI(on: FakeChannel(name: "PJSIP/9-00000009", uniqueID: "inj-1"), dialogue: FakeAGIDialogue())
        var iterator = ended.makeAsyncIterator()
        _ = try await iterator.next()
        #expect(await outcomes.values == Array(repeating: "invalidArgument", count: Self.payloads.count * 2))
        let commands = server.asyncAGIRecord(for: "PJSIP/9-00000009")?.commands.map(\.line) ?? []
        #expect(commands.allSatisfy { !$0.contains("Command") })
        running.cancel()
        _ = try? await running.value
        await client.close()
        await server.stop()
    }
}

/// Error codes collected from a handler task.
actor CollectedErrors {
    private(set) var values: [String] = []
    func add(_ code: String) { values.append(code) }
}
