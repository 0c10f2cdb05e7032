@testable import AsteriskAGI
import AsteriskTesting
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// Starts a server on a free loopback port with `routes`.
private func startServer(
    _ configure: (inout FastAGIServer.Configuration) -> Void = { _ in }, routes: (inout FastAGIRouter) -> Void
) async throws -> FastAGIServer {
    var configuration = FastAGIServer.Configuration(port: 0, idleTimeout: TestTiming.scaled(.seconds(5)), shutdownGracePeriod: .seconds(2))
    configure(&configuration)
    let server = FastAGIServer(configuration: configuration, routes: routes)
    try await server.start()
    return server
}

/// Collects values from handlers running on other tasks.
final class Collected<Value: Sendable>: Sendable {
    private let box = NIOLockedValueBox<[Value]>([])
    func append(_ value: Value) { box.withLockedValue { $0.append(value) } }
    var values: [Value] { box.withLockedValue { $0 } }
}

@Suite("FastAGIServer over loopback")
struct FastAGIServerTests {
    @Test func anIVRDialogueWithTypedResults() async throws {
        let seen = Collected<String>()
        let server = try await startServer { router in
            router.route("ivr") { call in
                try await call.answer()
                #expect(try await call.channelStatus() == .up)
                let pin = try await call.getData("enter-pin", timeout: .seconds(5), maxDigits: 4)
                seen.append("pin=\(pin.digits) timedOut=\(pin.timedOut)")
                let none = try await call.getData("again", timeout: .seconds(1), maxDigits: 4)
                seen.append("second=\(none.digits) timedOut=\(none.timedOut)")
                seen.append("caller=\(try await call.getVariable("CALLERID") ?? "nil")")
                seen.append("unset=\(try await call.getVariable("NOPE") == nil)")
                try await call.setVariable("GREETING", "hello world")
                seen.append("full=\(try await call.getFullVariable("${GREETING}!") ?? "")")
                let played = try await call.streamFile("hello-world", escapeDigits: "#")
                seen.append("endpos=\(played.endPosition ?? -1)")
                seen.append("key=\(try await call.waitForDigit(timeout: .seconds(1)).digit.map(String.init) ?? "none")")
                try await call.sayNumber(42)
                try await call.databasePut(family: "lab", key: "k1", value: "v1")
                seen.append("db=\(try await call.databaseGet(family: "lab", key: "k1") ?? "nil")")
                try await call.verbose("from the test", level: 2)
                try await call.hangup()
            }
        }
        let record = try await FakeAGICaller.call(
            port: server.port, script: "ivr?lang=de",
            dialogue: FakeAGIDialogue(digitEntries: ["1234", ""], keys: ["5"], variables: ["CALLERID": "5551234"]))
        #expect(seen.values == [
            "pin=1234 timedOut=false", "second= timedOut=true", "caller=5551234", "unset=true", "full=hello world!",
            "endpos=8000", "key=5", "db=v1",
        ])
        #expect(record.commands.map(\.line).prefix(3) == ["ANSWER", "CHANNEL STATUS", "GET DATA enter-pin 5000 4"])
        #expect(record.commands.contains { $0.line == #"SET VARIABLE GREETING "hello world""# })
        #expect(record.variables["GREETING"] == "hello world")
        #expect(record.commands.last?.line == "HANGUP")
        await server.shutdown()
    }

    @Test func routesByPathAndHandsOverTheQuery() async throws {
        let seen = Collected<String>()
        let server = try await startServer { router in
            router.route("sales/*") { call in seen.append("sales:\(call.environment.script):\(call.environment.query("lang") ?? "")") }
            router.route("support") { call in seen.append("support:\(call.environment.arguments)") }
            router.fallback { call in seen.append("fallback:\(call.environment.script)") }
        }
        _ = try await FakeAGICaller.call(port: server.port, script: "sales/emea?lang=fr")
        _ = try await FakeAGICaller.call(port: server.port, script: "/support", arguments: ["a", "b c"])
        _ = try await FakeAGICaller.call(port: server.port, script: "other")
        #expect(seen.values == ["sales:sales/emea:fr", "support:[\"a\", \"b c\"]", "fallback:other"])
        await server.shutdown()
    }

    @Test func acceptedCallsHaveNagleOff() async throws {
        // Commands are small and wait for their reply: Nagle's algorithm would delay them.
        let noDelay = Collected<Bool>()
        let server = try await startServer { router in
            router.route("nodelay") { call in
                let channel = try #require(call.transport as? AGIStreamTransport).channel
                let value = try await channel.getOption(.socketOption(.tcp_nodelay)).get()
                noDelay.append(value != 0)
            }
        }
        _ = try await FakeAGICaller.call(port: server.port, script: "nodelay")
        #expect(noDelay.values == [true])
        await server.shutdown()
    }

    @Test func unroutedCallsAreClosedAtOnce() async throws {
        let server = try await startServer { router in router.route("known") { _ in } }
        let record = try await FakeAGICaller.call(port: server.port, script: "unknown")
        #expect(record.commands.isEmpty)
        await server.shutdown()
    }

    @Test func hangupMidCallSurfacesAsAHangupError() async throws {
        let outcome = Collected<String>()
        let server = try await startServer { router in
            router.route("ivr") { call in
                try await call.answer()
                do {
                    try await call.streamFile("long-prompt")
                } catch let error as AGIError {
                    outcome.append("\(error.code) hungUp=\(call.isHungUp)")
                    #expect(try await call.getVariable("CHANNEL") == nil)
                    throw error
                }
            }
        }
        let record = try await FakeAGICaller.call(port: server.port, script: "ivr", dialogue: FakeAGIDialogue(hangUpAt: "STREAM FILE"))
        #expect(outcome.values == ["hangup hungUp=true"])
        #expect(record.replies.contains { $0.hasPrefix("511") })
        await server.shutdown()
    }

    @Test func protocolErrorsAreTyped() async throws {
        let codes = Collected<String>()
        let server = try await startServer { router in
            router.route("errors") { call in
                let raw = try await call.send(AGICommand("THIS IS NOT A COMMAND"))
                codes.append("raw=\(raw.code)")
                do { _ = try await call.exec("NoSuchApp", "x") } catch let error as AGIError { codes.append("\(error.code)") }
                do { _ = try await call.getData("") } catch let error as AGIError { codes.append("\(error.code)") }
                let syntax = try await call.send(AGICommand("GET DATA"))
                codes.append("usage=\(syntax.usage.count)")
                do {
                    try await call.setVariable("X", "1\nEXEC System rm")
                } catch let error as AGIError {
                    codes.append("\(error.code)")
                }
                do { try await call.streamFile("missing") } catch let error as AGIError { codes.append("\(error.code)") }
            }
        }
        let record = try await FakeAGICaller.call(
            port: server.port, script: "errors",
            dialogue: FakeAGIDialogue(missingFiles: ["missing"], missingApplications: ["NoSuchApp"], override: { line in
                line.isCommand("get data") && line.words.count == 3 && line.words[2] == "" ? "510 Invalid or unknown command" : nil
            }))
        #expect(codes.values == ["raw=510", "commandFailed", "invalidCommand", "usage=1", "invalidArgument", "commandFailed"])
        #expect(!record.commands.contains { $0.line.contains("System") })
        await server.shutdown()
    }

    @Test func aThrowingHandlerEndsItsCallCleanlyAndJumps() async throws {
        struct Boom: Error {}
        let server = try await startServer({ $0.priorityOnError = "error" }) { router in
            router.route("boom") { call in
                try await call.answer()
                throw Boom()
            }
            router.route("fine") { call in try await call.answer() }
        }
        let failed = try await FakeAGICaller.call(port: server.port, script: "boom")
        #expect(failed.commands.map(\.line) == ["ANSWER", "SET PRIORITY error"])
        let fine = try await FakeAGICaller.call(port: server.port, script: "fine")
        #expect(fine.commands.map(\.line) == ["ANSWER"])
        await server.shutdown()
    }

    @Test func garbageFromAsteriskEndsTheCallWithATypedError() async throws {
        let outcome = Collected<String>()
        let server = try await startServer { router in
            router.route("g") { call in
                do { try await call.answer() } catch let error as AGIError { outcome.append("\(error.code)") }
            }
        }
        _ = try await FakeAGICaller.call(port: server.port, script: "g", dialogue: FakeAGIDialogue(override: { _ in "garbage line" }))
        // The server closes the connection before the handler sees the error: wait for the handler.
        for _ in 0..<Int(500 * TestTiming.factor) where server.activeSessions > 0 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(outcome.values == ["malformedReply"])
        await server.shutdown()
    }

    @Test func aThousandConcurrentCalls() async throws {
        let server = try await startServer { router in
            router.route("load") { call in
                try await call.answer()
                _ = try await call.getVariable("CALLERID")
                try await call.hangup()
            }
        }
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    let record = try await FakeAGICaller.call(
                        port: server.port, script: "load", dialogue: FakeAGIDialogue(variables: ["CALLERID": "1"]), timeout: TestTiming.scaled(.seconds(60)))
                    return record.commands.count == 3 ? 1 : 0
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(completed == 1000)
        #expect(server.activeSessions == 0)
        await server.shutdown()
    }

    @Test func maximumSessionsRefusesTheRest() async throws {
        let gate = AsyncStream<Void>.makeStream()
        let server = try await startServer({ $0.maximumSessions = 1 }) { router in
            router.route("hold") { call in
                try await call.answer()
                for await _ in gate.stream { break }
            }
        }
        async let held = FakeAGICaller.call(port: server.port, script: "hold")
        while server.activeSessions == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let refused = try await FakeAGICaller.call(port: server.port, script: "hold")
        #expect(refused.commands.isEmpty)
        gate.continuation.yield()
        #expect(try await held.commands.map(\.line) == ["ANSWER"])
        await server.shutdown()
    }

    @Test func shutdownLetsCallsFinishWithinTheGracePeriod() async throws {
        let finished = Collected<String>()
        let answered = Collected<Bool>()
        let server = try await startServer({ $0.shutdownGracePeriod = .seconds(5) }) { router in
            router.route("slow") { call in
                try await call.answer()
                answered.append(true)
                try await Task.sleep(for: .milliseconds(200))
                try await call.verbose("still here")
                finished.append("done")
            }
        }
        async let call = FakeAGICaller.call(port: server.port, script: "slow")
        while answered.values.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        await server.shutdown()
        #expect(try await call.commands.count == 2)
        #expect(finished.values == ["done"])
        await #expect(throws: (any Error).self) { _ = try await FakeAGICaller.call(port: server.port, script: "slow") }
    }

    @Test func shutdownEndsCallsThatOverrunTheGracePeriod() async throws {
        let answered = Collected<Bool>()
        let server = try await startServer({ $0.shutdownGracePeriod = .milliseconds(100) }) { router in
            router.route("stuck") { call in
                try await call.answer()
                answered.append(true)
                try await Task.sleep(for: .seconds(30))
            }
        }
        async let call = FakeAGICaller.call(port: server.port, script: "stuck")
        while answered.values.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let clock = ContinuousClock()
        let start = clock.now
        await server.shutdown()
        // Far below the handler's 30 s: the grace period, not the handler, ended the call.
        #expect(clock.now - start < TestTiming.scaled(.seconds(10)))
        #expect(try await call.commands.count == 1)
    }

    @Test func runServesUntilCancelledThenShutsDown() async throws {
        let server = FastAGIServer(configuration: .init(port: 0)) { router in
            router.route("svc") { call in try await call.answer() }
        }
        let running = Task { try await server.run() }
        while server.port == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let record = try await FakeAGICaller.call(port: server.port, script: "svc")
        #expect(record.commands.map(\.line) == ["ANSWER"])
        running.cancel()
        try await running.value
        await #expect(throws: (any Error).self) { _ = try await FakeAGICaller.call(port: server.port, script: "svc") }
    }

    @Test func theIdleTimeoutClosesACallWhoseRepliesStop() async throws {
        let outcome = Collected<String>()
        let server = try await startServer({ $0.idleTimeout = TestTiming.scaled(.seconds(3)) }) { router in
            router.route("quiet") { call in
                do {
                    try await call.answer()
                    outcome.append("answered")
                    try await call.streamFile("prompt")
                } catch let error as AGIError {
                    outcome.append("\(error.code)")
                }
            }
        }
        // The caller waits far longer than the idle timeout: only the server's timeout can end this call
        // with `.timeout` (the caller giving up would surface as a closed connection).
        let record = try await FakeAGICaller.call(
            port: server.port, script: "quiet", dialogue: FakeAGIDialogue(silentFrom: "STREAM FILE"), timeout: TestTiming.scaled(.seconds(30)))
        #expect(record.commands.map(\.line) == ["ANSWER", #"STREAM FILE prompt """#])
        for _ in 0..<Int(500 * TestTiming.factor) where server.activeSessions > 0 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(outcome.values == ["answered", "timeout"])
        await server.shutdown()
    }
}
