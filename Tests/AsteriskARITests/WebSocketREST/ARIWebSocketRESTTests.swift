import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import AsteriskARI

/// REST over the events WebSocket against the fake Asterisk: the same typed API, multiplexed with
/// the events, correlated by request id, with timeouts, cancellation and typed failure when the socket drops.
@Suite("REST over WebSocket over loopback", .timeLimit(.minutes(2)))
struct ARIWebSocketRESTTests {
    private func client(_ server: FakeARIServer, app: String = "rest", timeout: Duration = .seconds(10)) -> ARIClient {
        ARIClient(configuration: .init(
            baseURL: server.baseURL, credentials: .basic("app", "secret"), requestTimeout: TestTiming.scaled(timeout),
            connectTimeout: TestTiming.scaled(.seconds(2)), restTransport: .webSocket(app: app)))
    }

    @Test func typedRequestsTravelOverTheEventsSocketAlongsideEvents() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let events = try await ari.events(apps: ["rest"])
        let call = server.simulateCall(app: "rest", args: ["x"])
        let info = try await ari.send(ARIOperations.Asterisk.getInfo())
        #expect(info.system?.version == "23.4.1")
        try await ari.send(ARIOperations.Channels.answer(channelID: call))
        let channel = try await ari.send(ARIOperations.Channels.get(channelID: call))
        #expect(channel.id == call)
        #expect(channel.state == "Up")
        let requests = server.requests
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.overWebSocket })
        #expect(requests.map(\.path) == ["/asterisk/info", "/channels/\(call)/answer", "/channels/\(call)"])
        // Responses are answers, not events: the stream sees the call's events only.
        var types: [String] = []
        for try await event in events.events {
            types.append(event.type)
            if event.type == "ChannelStateChange" { break }
        }
        #expect(types == ["StasisStart", "ChannelStateChange"])
        #expect(server.eventSocketCount == 1)
        events.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func errorsAreTheSameTypedErrorsAsOverHTTP() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        _ = try await ari.events(apps: ["rest"])
        do {
            try await ari.send(ARIOperations.Channels.answer(channelID: "nope"))
            Issue.record("a missing channel was answered")
        } catch {
            #expect(error.code == .requestFailed)
            #expect(error.status == 404)
            #expect(error.serverMessage == "Channel not found")
            #expect(error.operation == "channels.answer")
        }
        try await ari.shutdown()
        await server.stop()
    }

    @Test func manyConcurrentRequestsAreCorrelatedByID() async throws {
        let server = try await FakeARIServer.start()
        server.recordRequests(false)
        let ari = client(server)
        _ = try await ari.events(apps: ["rest"])
        let ids = (0..<200).map { _ in server.simulateCall(app: "rest") }
        let matched = try await withThrowingTaskGroup(of: Bool.self) { group in
            for id in ids {
                group.addTask { try await ari.send(ARIOperations.Channels.get(channelID: id)).id == id }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(matched == ids.count)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aRequestWithoutAnAnswerTimesOutAndTheNextOneWorks() async throws {
        let server = try await FakeARIServer.start()
        // Generous: the answer after the fault must not miss its deadline on a busy machine.
        let ari = client(server, timeout: .seconds(3))
        _ = try await ari.events(apps: ["rest"])
        server.silenceWebSocketREST(true)
        do {
            _ = try await ari.send(ARIOperations.Asterisk.ping())
            Issue.record("an unanswered request returned")
        } catch {
            #expect(error.code == .timeout)
        }
        server.silenceWebSocketREST(false)
        #expect(try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong")
        try await ari.shutdown()
        await server.stop()
    }

    @Test func cancellingTheWaitingTaskEndsTheRequest() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        _ = try await ari.events(apps: ["rest"])
        server.silenceWebSocketREST(true)
        let task = Task { try await ari.send(ARIOperations.Asterisk.ping()) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("a cancelled request returned")
        } catch let error as ARIError {
            #expect(error.code == .cancelled)
        }
        try await ari.shutdown()
        await server.stop()
    }

    @Test func everyPendingRequestFailsPromptlyWhenTheSocketDrops() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server, timeout: .seconds(30))
        let events = try await ari.events(apps: ["rest"], reconnect: .exponential(initialDelay: .milliseconds(50)))
        server.silenceWebSocketREST(true)
        let failures = NIOLockedValueBox<[ARIError.Code]>([])
        let pending = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await ari.send(ARIOperations.Asterisk.ping())
                        } catch let error as ARIError {
                            failures.withLockedValue { $0.append(error.code) }
                        } catch {
                            Issue.record("untyped error \(error)")
                        }
                    }
                }
            }
        }
        while server.requests.count < 20 { try await Task.sleep(for: .milliseconds(5)) }
        let droppedAt = ContinuousClock.now
        server.closeEventSockets(abruptly: true)
        await pending.value
        // Far below the 30 s request timeout: the loss ended them.
        #expect(ContinuousClock.now - droppedAt < TestTiming.scaled(.seconds(5)))
        #expect(failures.withLockedValue { $0 } == Array(repeating: .connectionFailed, count: 20))
        // Once the subscription has reconnected, requests flow again over the new socket.
        server.silenceWebSocketREST(false)
        var iterator = events.makeAsyncIterator()
        while let element = try await iterator.next() {
            if case .reconnected = element { break }
        }
        #expect(try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong")
        events.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func withoutASubscriptionTheClientOpensItsOwnSocketAndHandsOverToALaterOne() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        // Concurrent first requests share one socket.
        async let first = ari.send(ARIOperations.Asterisk.ping())
        async let second = ari.send(ARIOperations.Asterisk.ping())
        _ = try await (first, second)
        #expect(try await TestTiming.eventually { server.registeredApps == ["rest"] })
        #expect(server.eventSocketCount == 1)
        let events = try await ari.events(apps: ["rest"])
        _ = try await TestTiming.eventually(within: .seconds(1), every: .milliseconds(5)) { server.eventSocketCount == 1 }
        #expect(server.eventSocketCount == 1)
        #expect(try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong")
        #expect(server.requests.allSatisfy { $0.overWebSocket })
        events.close()
        // With the subscription closed, the client opens its own socket again.
        #expect(try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong")
        try await ari.shutdown()
        _ = try await TestTiming.eventually(within: .seconds(1), every: .milliseconds(5)) { server.eventSocketCount == 0 }
        #expect(server.eventSocketCount == 0)
        await server.stop()
    }

    @Test func aStasisApplicationRunsItsCallsOverTheSocket() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server, app: "ivr-ws")
        let app = StasisApplication(name: "ivr-ws", client: ari) { call in
            try await call.answer()
            try await call.play("sound:hello-world")
            try await call.hangup()
        }
        let running = Task { try await app.run() }
        for _ in 0..<Int(1000 * TestTiming.factor) where server.registeredApps != ["ivr-ws"] { try await Task.sleep(for: .milliseconds(5)) }
        let call = server.simulateCall(app: "ivr-ws")
        for _ in 0..<Int(2000 * TestTiming.factor) where server.channelState(call) != nil { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.channelState(call) == nil)
        let paths = server.requests.map { "\($0.method) \($0.path)" }
        #expect(paths.contains("POST /channels/\(call)/answer"))
        #expect(paths.contains("DELETE /channels/\(call)"))
        #expect(server.requests.allSatisfy { $0.overWebSocket })
        #expect(server.eventSocketCount == 1)
        app.stop()
        try await running.value
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aResponseNobodyWaitsForAndGarbageAreNeitherEventsNorFatal() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let events = try await ari.events(apps: ["rest"])
        server.emitRaw(#"{"type":"RESTResponse","transaction_id":"x","request_id":"unknown-1","status_code":200,"reason_phrase":"OK","uri":"asterisk/ping"}"#)
        server.emitRaw(#"{"type":"RESTResponse"}"#)
        server.emit(["type": "StasisStart", "args": [], "channel": FakeARIServer.sampleChannel(id: "c1")], app: "rest")
        var iterator = events.events.makeAsyncIterator()
        let event = try await iterator.next()
        #expect(event?.type == "StasisStart")
        #expect(try await ari.send(ARIOperations.Asterisk.ping()).ping == "pong")
        events.close()
        try await ari.shutdown()
        await server.stop()
    }
}
