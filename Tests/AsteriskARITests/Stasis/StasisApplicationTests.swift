import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import AsteriskARI

/// Steps a handler reports, awaited by the test (no sleeps as synchronisation).
final class StepLog: Sendable {
    private let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let all = NIOLockedValueBox<[String]>([])

    init() { (stream, continuation) = AsyncStream.makeStream() }

    func note(_ step: String) {
        all.withLockedValue { $0.append(step) }
        continuation.yield(step)
    }

    var steps: [String] { all.withLockedValue { $0 } }

    /// Waits until `step` has been noted.
    func reached(_ step: String) async {
        if steps.contains(step) { return }
        for await noted in stream where noted == step { return }
    }
}

/// A fake server, a client and a running application; torn down by `finish()`.
struct StasisHarness {
    let server: FakeARIServer
    let ari: ARIClient
    let app: StasisApplication
    let running: Task<Void, any Error>

    static func start(
        name: String = "ivr", configuration: StasisApplication.Configuration = .init(), handler: @escaping StasisApplication.Handler
    ) async throws -> StasisHarness {
        let server = try await FakeARIServer.start()
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret")))
        let app = StasisApplication(name: name, client: ari, configuration: configuration, handler: handler)
        try await app.start()
        let running = Task { try await app.run() }
        return StasisHarness(server: server, ari: ari, app: app, running: running)
    }

    func finish() async throws {
        app.stop()
        try await running.value
        try await ari.shutdown()
        await server.stop()
    }
}

@Suite("StasisApplication against the fake ARI server")
struct StasisApplicationTests {
    @Test func aCallFlowReadsLikeAScript() async throws {
        let log = StepLog()
        let harness = try await StasisHarness.start { call in
            log.note("start:\(call.args.joined(separator: ","))")
            try await call.answer()
            let playback = try await call.play("sound:hello-world")
            log.note("played:\(playback.state)")
            let pin = try await call.collectDigits(maxDigits: 4, terminators: ["#"], firstDigitTimeout: TestTiming.scaled(.seconds(5)))
            log.note("pin:\(pin.digits):\(pin.ending)")
            let recording = try await call.record(name: "msg-\(call.id)", maxDuration: .seconds(5))
            log.note("recorded:\(recording.state)")
            try await call.setVariable("RESULT", "ok")
            log.note("variable:\(try await call.variable("RESULT") ?? "nil"):\(try await call.variable("UNSET") ?? "nil")")
            try await call.continueInDialplan(context: "after-ivr", extension: "s", priority: 1)
            log.note("done")
        }
        let id = harness.server.simulateCall(app: "ivr", args: ["sales", "en"])
        await log.reached("played:done")
        harness.server.sendDTMF("12#9", to: id)
        await log.reached("done")
        #expect(log.steps == [
            "start:sales,en", "played:done", "pin:12:terminator(\"#\")", "recorded:done", "variable:ok:nil", "done",
        ])
        #expect(harness.server.channelApp(id) == nil)
        #expect(harness.server.channelDialplan(id)?.context == "after-ivr")
        #expect(harness.server.channelState(id) == "Up")
        try await harness.finish()
    }

    @Test func digitsStopAtTheMaximumOrATimeout() async throws {
        let log = StepLog()
        let harness = try await StasisHarness.start { call in
            log.note("ready")
            let three = try await call.collectDigits(maxDigits: 3, firstDigitTimeout: TestTiming.scaled(.seconds(5)))
            log.note("three:\(three.digits):\(three.ending)")
            let none = try await call.collectDigits(maxDigits: 3, firstDigitTimeout: .milliseconds(50))
            log.note("none:\(none.digits):\(none.ending)")
            log.note("left:\(call.flushDigits())")
        }
        let id = harness.server.simulateCall(app: "ivr")
        await log.reached("ready")
        harness.server.sendDTMF("123", to: id)
        await log.reached("left:")
        #expect(log.steps == ["ready", "three:123:maxDigits", "none::timeout", "left:"])
        try await harness.finish()
    }

    @Test func aHangupEndsTheWaitAndOnlyThatCall() async throws {
        let log = StepLog()
        let harness = try await StasisHarness.start { call in
            log.note("waiting:\(call.args.first ?? "")")
            do {
                _ = try await call.collectDigits(maxDigits: 4, firstDigitTimeout: .seconds(30))
                log.note("digits:\(call.args.first ?? "")")
            } catch let error as ARIError {
                log.note("gone:\(call.args.first ?? ""):\(error.code)")
                throw error
            }
        }
        let first = harness.server.simulateCall(app: "ivr", args: ["a"])
        let second = harness.server.simulateCall(app: "ivr", args: ["b"])
        await log.reached("waiting:a")
        await log.reached("waiting:b")
        harness.server.hangUp(first)
        await log.reached("gone:a:channelGone")
        harness.server.sendDTMF("1234", to: second)
        await log.reached("digits:b")
        #expect(harness.server.channelIDs == [second])
        try await harness.finish()
    }

    @Test func aThrowingHandlerHangsUpItsOwnChannelOnly() async throws {
        struct Boom: Error {}
        let log = StepLog()
        let harness = try await StasisHarness.start { call in
            if call.args.first == "bad" {
                log.note("throwing")
                throw Boom()
            }
            try await call.answer()
            log.note("good answered")
        }
        let bad = harness.server.simulateCall(app: "ivr", args: ["bad"])
        let good = harness.server.simulateCall(app: "ivr", args: ["good"])
        await log.reached("good answered")
        await log.reached("throwing")
        _ = try await TestTiming.eventually(within: .milliseconds(2500), every: .milliseconds(5)) { harness.server.channelState(bad) == nil }
        #expect(harness.server.channelState(bad) == nil)
        #expect(harness.server.channelState(good) == "Up")
        try await harness.finish()
    }

    @Test func aServerErrorFailsTheCallWithStatusAndMessage() async throws {
        let log = StepLog()
        let harness = try await StasisHarness.start { call in
            do {
                try await call.answer()
            } catch let error as ARIError {
                log.note("failed:\(error.status ?? 0):\(error.operation ?? "")")
                throw error
            }
        }
        harness.server.failNextRequests(1, status: 500)
        let id = harness.server.simulateCall(app: "ivr")
        await log.reached("failed:500:channels.answer")
        _ = try await TestTiming.eventually(within: .milliseconds(2500), every: .milliseconds(5)) { harness.server.channelState(id) == nil }
        #expect(harness.server.channelState(id) == nil)
        try await harness.finish()
    }

    @Test func bridgesJoinAndSeparateCalls() async throws {
        let log = StepLog()
        let bridgeBox = NIOLockedValueBox<StasisBridge?>(nil)
        let harness = try await StasisHarness.start { call in
            try await call.answer()
            guard call.args.first == "agent" else {
                log.note("caller")
                return
            }
            log.note("agent")
        }
        let caller = harness.server.simulateCall(app: "ivr", args: ["caller"])
        let agent = harness.server.simulateCall(app: "ivr", args: ["agent"])
        await log.reached("caller")
        await log.reached("agent")
        let bridge = try await harness.app.createBridge()
        bridgeBox.withLockedValue { $0 = bridge }
        let channels = harness.app.registry.withLockedValue { $0.channels }
        let callerHandle = try #require(channels[caller])
        let agentHandle = try #require(channels[agent])
        var callerEvents = callerHandle.events.makeAsyncIterator()
        try await bridge.add(callerHandle, agentHandle)
        #expect(harness.server.bridgeMembers(bridge.id)?.sorted() == [agent, caller].sorted())
        while let event = await callerEvents.next() {
            if case .channelEnteredBridge(let entered) = event {
                #expect(entered.bridge.id == bridge.id)
                break
            }
        }
        try await bridge.remove(agentHandle)
        #expect(harness.server.bridgeMembers(bridge.id) == [caller])
        // A channel outside the bridge cannot be removed from it (422 from Asterisk).
        do {
            try await bridge.remove(agentHandle)
            Issue.record("removing a channel twice succeeded")
        } catch {
            #expect(error.status == 422)
        }
        try await bridge.destroy()
        #expect(harness.server.bridgeMembers(bridge.id) == nil)
        try await harness.finish()
    }

    @Test func originateWaitsForTheAnswerOrTellsWhyNot() async throws {
        let handled = StepLog()
        let harness = try await StasisHarness.start { call in handled.note("handler:\(call.id)") }
        let outbound = try await harness.app.originate(endpoint: "PJSIP/200", args: ["outbound"])
        #expect(outbound.args == ["outbound"])
        #expect(harness.server.channelState(outbound.id) == "Up")
        try await outbound.play("sound:beep")
        try await outbound.hangup()
        do {
            _ = try await harness.app.originate(endpoint: "PJSIP/busy")
            Issue.record("a busy endpoint answered")
        } catch {
            #expect(error.code == .callFailed)
            #expect(error.message.contains("User busy"))
        }
        do {
            _ = try await harness.app.originate(endpoint: "nonsense")
            Issue.record("a malformed endpoint was accepted")
        } catch {
            #expect(error.status == 400)
        }
        #expect(handled.steps.isEmpty)
        try await harness.finish()
    }

    @Test func stoppingTheApplicationEndsWaitingHandlers() async throws {
        let log = StepLog()
        let harness = try await StasisHarness.start { call in
            log.note("waiting")
            do {
                _ = try await call.collectDigits(maxDigits: 1, firstDigitTimeout: .seconds(60))
            } catch let error as ARIError {
                log.note("ended:\(error.code)")
            }
        }
        harness.server.simulateCall(app: "ivr")
        await log.reached("waiting")
        try await harness.finish()
        #expect(log.steps.last == "ended:applicationStopped")
    }

    @Test func channelsThatVanishWhileDisconnectedAreEnded() async throws {
        let log = StepLog()
        let harness = try await StasisHarness.start(configuration: .init(reconnect: .exponential(initialDelay: .milliseconds(10)))) { call in
            log.note("waiting")
            do {
                _ = try await call.collectDigits(maxDigits: 1, firstDigitTimeout: .seconds(60))
            } catch let error as ARIError {
                log.note("ended:\(error.code)")
            }
        }
        let id = harness.server.simulateCall(app: "ivr")
        await log.reached("waiting")
        // The socket drops, and the call ends while no events can arrive.
        harness.server.refuseEventSockets(true)
        harness.server.closeEventSockets(abruptly: true)
        _ = try await TestTiming.eventually(within: .milliseconds(2500), every: .milliseconds(5)) { harness.server.eventSocketCount == 0 }
        _ = try await harness.ari.send(ARIOperations.Channels.hangup(channelID: id))
        harness.server.refuseEventSockets(false)
        await log.reached("ended:channelGone")
        try await harness.finish()
    }
}
