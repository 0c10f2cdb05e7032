import AsteriskAGI
import AsteriskAMI
import AsteriskTesting
import NIOConcurrencyHelpers
import Testing

@Suite("AsyncAGI over AMI")
struct AsyncAGIServerTests {
    private func connect(_ server: FakeAMIServer) async throws -> AMIClient {
        let client = AMIClient(configuration: .init(
            port: server.port, username: "admin", secret: .plain("secret"), keepAliveInterval: nil, reconnect: .disabled))
        try await client.connect()
        return client
    }

    @Test func aCallInAsyncAGIRunsTheHandlerAndContinuesInTheDialplan() async throws {
        let ami = try await FakeAMIServer.start()
        let client = try await connect(ami)
        let seen = NIOLockedValueBox<[String]>([])
        let server = AsyncAGIServer(client: client) { call in
            seen.withLockedValue { $0.append("script=\(call.environment.request ?? "") args=\(call.environment.arguments)") }
            try await call.answer()
            let pin = try await call.getData("enter-pin", timeout: .seconds(3), maxDigits: 4)
            seen.withLockedValue { $0.append("pin=\(pin.digits)") }
            try await call.setVariable("RESULT", "ok done")
            let value = try await call.getVariable("RESULT")
            seen.withLockedValue { $0.append("var=\(value ?? "nil")") }
        }
        let running = Task { try await server.run() }
        let channel = FakeChannel(name: "PJSIP/100-00000001", uniqueID: "async.1")
        let ended = client.events(named: "AsyncAGIEnd")
        try await Task.sleep(for: .milliseconds(50))
        ami.startAsyncAGI(on: channel, arguments: ["x"], dialogue: FakeAGIDialogue(digitEntries: ["1234"]))
        var iterator = ended.makeAsyncIterator()
        _ = try await iterator.next()
        #expect(seen.withLockedValue { $0 } == ["script=async args=[\"x\"]", "pin=1234", "var=ok done"])
        let record = try #require(ami.asyncAGIRecord(for: channel.name))
        #expect(record.commands.map(\.line) == [
            "ANSWER", "GET DATA enter-pin 3000 4", #"SET VARIABLE RESULT "ok done""#, "GET VARIABLE RESULT", "ASYNCAGI BREAK",
        ])
        let agiActions = ami.receivedActions.filter { $0["Action"] == "AGI" }
        #expect(Set(agiActions.compactMap { $0["CommandID"] }).count == agiActions.count)
        running.cancel()
        _ = try? await running.value
        await client.close()
        await ami.stop()
    }

    @Test func hangupDuringAsyncAGIFailsTheWaitingCommand() async throws {
        let ami = try await FakeAMIServer.start()
        let client = try await connect(ami)
        let outcome = NIOLockedValueBox<[String]>([])
        let server = AsyncAGIServer(client: client) { call in
            try await call.answer()
            do {
                try await call.streamFile("long-prompt")
            } catch let error as AGIError {
                outcome.withLockedValue { $0.append("\(error.code) hungUp=\(call.isHungUp)") }
            }
        }
        let running = Task { try await server.run() }
        try await Task.sleep(for: .milliseconds(50))
        let hangups = client.events(named: "Hangup")
        ami.startAsyncAGI(
            on: FakeChannel(name: "PJSIP/200-00000002", uniqueID: "async.2"), dialogue: FakeAGIDialogue(hangUpAt: "STREAM FILE"))
        var iterator = hangups.makeAsyncIterator()
        _ = try await iterator.next()
        while server.activeCalls > 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(outcome.withLockedValue { $0 }.first?.hasPrefix("hangup") == true)
        running.cancel()
        _ = try? await running.value
        await client.close()
        await ami.stop()
    }

    @Test func losingTheAMIConnectionEndsWaitingCommandsAtOnce() async throws {
        let ami = try await FakeAMIServer.start()
        let client = try await connect(ami)
        ami.neverRespond(to: "AGI")
        let outcome = NIOLockedValueBox<[String]>([])
        let server = AsyncAGIServer(client: client) { call in
            do {
                try await call.answer()
            } catch let error as AGIError {
                outcome.withLockedValue { $0.append("\(error.code)") }
            }
        }
        let running = Task { try await server.run() }
        try await Task.sleep(for: .milliseconds(50))
        ami.startAsyncAGI(on: FakeChannel(name: "PJSIP/300-00000003", uniqueID: "async.3"))
        while ami.receivedActions.filter({ $0["Action"] == "AGI" }).isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        ami.dropAllConnections()
        _ = try? await running.value
        #expect(outcome.withLockedValue { $0 } == ["connectionClosed"])
        await client.close()
        await ami.stop()
    }
}
