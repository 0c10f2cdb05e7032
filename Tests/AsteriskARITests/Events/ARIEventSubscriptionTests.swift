import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

@Suite("ARI events WebSocket over loopback")
struct ARIEventSubscriptionTests {
    private func client(_ server: FakeARIServer, credentials: ARICredentials = .basic("app", "secret")) -> ARIClient {
        ARIClient(configuration: .init(baseURL: server.baseURL, credentials: credentials, connectTimeout: TestTiming.scaled(.seconds(2))))
    }

    @Test func typedEventsArriveForTheRegisteredApps() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["ivr", "queue"])
        #expect(try await TestTiming.eventually { server.registeredApps.sorted() == ["ivr", "queue"] })
        server.emit(["type": "StasisStart", "args": ["a"], "channel": FakeARIServer.sampleChannel(id: "c1")], app: "ivr")
        server.emit(["type": "SomethingNew", "detail": 1], app: "queue")
        server.emit(["type": "ChannelDtmfReceived", "digit": "5", "duration_ms": 100, "channel": FakeARIServer.sampleChannel(id: "c1")], app: "other")
        server.emit(["type": "ChannelDtmfReceived", "digit": "7", "duration_ms": 100, "channel": FakeARIServer.sampleChannel(id: "c1")], app: "ivr")
        var iterator = subscription.makeAsyncIterator()
        guard case .event(.stasisStart(let start))? = try await iterator.next() else {
            Issue.record("expected StasisStart")
            return
        }
        #expect(start.channel.id == "c1")
        #expect(start.args == ["a"])
        #expect(start.application == "ivr")
        guard case .event(.unknown(let type, let json))? = try await iterator.next() else {
            Issue.record("expected the unknown event kept raw")
            return
        }
        #expect(type == "SomethingNew")
        #expect(json["detail"] == .number(1))
        // The event for "other" never reaches this subscription.
        guard case .event(.channelDtmfReceived(let dtmf))? = try await iterator.next() else {
            Issue.record("expected ChannelDtmfReceived")
            return
        }
        #expect(dtmf.digit == "7")
        subscription.close()
        #expect(try await iterator.next() == nil)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func eventsOfOneTypeAndSubscribeAll() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["watch"], subscribeAll: true)
        server.emit(["type": "ChannelCreated", "channel": FakeARIServer.sampleChannel(id: "x")], app: "elsewhere")
        server.emit(["type": "ChannelDestroyed", "cause": 16, "cause_txt": "Normal Clearing", "channel": FakeARIServer.sampleChannel(id: "x")], app: "elsewhere")
        var destroyed = subscription.events(of: ARIChannelDestroyedEvent.self).makeAsyncIterator()
        let first = try await destroyed.next()
        #expect(first?.cause == 16)
        #expect(first?.channel.id == "x")
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    /// A stream of one type skips other messages by their `type` alone: broken messages of other
    /// types, garbage and a `type` that is not the first member change nothing about what arrives.
    @Test func eventsOfOneTypeSkipOtherMessagesUndecoded() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["narrow"])
        let channel = String(decoding: try JSONSerialization.data(withJSONObject: FakeARIServer.sampleChannel(id: "n-1")), as: UTF8.self)
        server.emitRaw(#"{"type":"ChannelCreated","channel":{"id":7}}"#)
        server.emitRaw("not json at all")
        server.emitRaw(#"{"cause":16,"cause_txt":"Normal Clearing","channel":"# + channel + #","type":"ChannelDestroyed","application":"narrow"}"#)
        server.emitRaw(#"{"type":"ChannelVarset","variable":"A","value":"1","application":"narrow"}"#)
        server.emit(["type": "ChannelDestroyed", "cause": 17, "cause_txt": "User busy", "channel": FakeARIServer.sampleChannel(id: "n-2")], app: "narrow")
        var destroyed = subscription.events(of: ARIChannelDestroyedEvent.self).makeAsyncIterator()
        let first = try await destroyed.next()
        #expect(first?.cause == 16 && first?.channel.id == "n-1")
        let second = try await destroyed.next()
        #expect(second?.cause == 17 && second?.channel.id == "n-2")
        subscription.close()
        #expect(try await destroyed.next() == nil)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func badCredentialsAndMissingAppsAreTypedErrors() async throws {
        let server = try await FakeARIServer.start()
        let wrong = client(server, credentials: .basic("app", "wrong"))
        await #expect(throws: ARIError.self) { _ = try await wrong.events(apps: ["ivr"]) }
        do {
            _ = try await wrong.events(apps: ["ivr"])
        } catch {
            #expect(error.code == .authenticationFailed)
            #expect(error.status == 401)
        }
        let ari = client(server, credentials: .apiKey("app", "secret"))
        let viaKey = try await ari.events(apps: ["keyed"])
        // The server completes its side of the upgrade after the client has seen the `101`.
        #expect(try await TestTiming.eventually { server.registeredApps == ["keyed"] })
        viaKey.close()
        do {
            _ = try await ari.events(apps: [])
            Issue.record("no apps accepted")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        do {
            _ = try await ari.events(apps: ["a,b"])
            Issue.record("a comma inside an app name accepted")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        await server.stop()
        do {
            _ = try await ari.events(apps: ["ivr"])
            Issue.record("connected to a stopped server")
        } catch {
            #expect(error.code == .connectionFailed)
        }
        try await wrong.shutdown()
        try await ari.shutdown()
    }

    @Test func reconnectsAfterALostSocketAndSaysSo() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["ivr"], reconnect: .exponential(initialDelay: .milliseconds(10)))
        var iterator = subscription.makeAsyncIterator()
        server.closeEventSockets(abruptly: true)
        guard case .connectionLost(let error)? = try await iterator.next() else {
            Issue.record("expected connectionLost")
            return
        }
        #expect(error.code == .connectionFailed)
        guard case .reconnected? = try await iterator.next() else {
            Issue.record("expected reconnected")
            return
        }
        // The server completes its side of the upgrade after the client has seen the `101`.
        #expect(try await TestTiming.eventually { server.registeredApps == ["ivr"] })
        server.emit(["type": "ChannelDtmfReceived", "digit": "1", "duration_ms": 80, "channel": FakeARIServer.sampleChannel(id: "c")], app: "ivr")
        guard case .event(.channelDtmfReceived(let dtmf))? = try await iterator.next() else {
            Issue.record("expected an event after reconnecting")
            return
        }
        #expect(dtmf.digit == "1")
        // A close frame from Asterisk (going away) is a loss too.
        server.closeEventSockets()
        guard case .connectionLost? = try await iterator.next(), case .reconnected? = try await iterator.next() else {
            Issue.record("expected connectionLost then reconnected after a close frame")
            return
        }
        subscription.close()
        #expect(try await iterator.next() == nil)
        #expect(try await TestTiming.eventually { server.eventSocketCount == 0 })
        try await ari.shutdown()
        await server.stop()
    }

    @Test func survivesARestartOfAsterisk() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["ivr"], reconnect: .exponential(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100)))
        var iterator = subscription.makeAsyncIterator()
        await server.stop()
        guard case .connectionLost? = try await iterator.next() else {
            Issue.record("expected connectionLost")
            return
        }
        try await server.resume()
        guard case .reconnected? = try await iterator.next() else {
            Issue.record("expected reconnected once Asterisk is back")
            return
        }
        // The server completes its side of the upgrade after the client has seen the `101`.
        #expect(try await TestTiming.eventually { server.registeredApps == ["ivr"] })
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func givesUpWithTheLastErrorWhenThePolicySaysSo() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["ivr"], reconnect: .exponential(initialDelay: .milliseconds(5), maximumAttempts: 2))
        var iterator = subscription.makeAsyncIterator()
        server.refuseEventSockets(true)
        server.closeEventSockets(abruptly: true)
        guard case .connectionLost? = try await iterator.next() else {
            Issue.record("expected connectionLost")
            return
        }
        do {
            _ = try await iterator.next()
            Issue.record("the stream did not end")
        } catch let error as ARIError {
            #expect(error.status == 503)
        }
        let disabled = try await { server.refuseEventSockets(false); return try await ari.events(apps: ["ivr"], reconnect: .disabled) }()
        var second = disabled.makeAsyncIterator()
        server.closeEventSockets(abruptly: true)
        guard case .connectionLost? = try await second.next() else {
            Issue.record("expected connectionLost")
            return
        }
        await #expect(throws: ARIError.self) { _ = try await second.next() }
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aPeerThatStopsAnsweringPingsCountsAsLost() async throws {
        let server = try await FakeARIServer.start()
        let ari = ARIClient(configuration: .init(
            baseURL: server.baseURL, credentials: .basic("app", "secret"), webSocketPingInterval: .milliseconds(30)))
        let subscription = try await ari.events(apps: ["ivr"], reconnect: .exponential(initialDelay: .milliseconds(10)))
        var iterator = subscription.makeAsyncIterator()
        server.silenceEventSockets(true)
        guard case .connectionLost(let error)? = try await iterator.next() else {
            Issue.record("expected connectionLost")
            return
        }
        #expect(error.message.contains("pings"))
        server.silenceEventSockets(false)
        guard case .reconnected? = try await iterator.next() else {
            Issue.record("expected reconnected")
            return
        }
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func garbageMessagesAreSkippedAndTheStreamGoesOn() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["ivr"])
        server.emitRaw("not json")
        server.emitRaw(#"{"no_type": true}"#)
        server.emitRaw(#"["an", "array"]"#)
        server.emit(["type": "StasisEnd", "channel": FakeARIServer.sampleChannel(id: "z")], app: "ivr")
        var events = subscription.events.makeAsyncIterator()
        guard case .stasisEnd(let end)? = try await events.next() else {
            Issue.record("expected StasisEnd after the garbage")
            return
        }
        #expect(end.channel.id == "z")
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aNewSocketForTheSameAppReplacesTheOldOne() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let old = try await ari.events(apps: ["ivr"])
        let new = try await ari.events(apps: ["ivr"])
        var events = old.events.makeAsyncIterator()
        guard case .applicationReplaced(let replaced)? = try await events.next() else {
            Issue.record("expected ApplicationReplaced on the old socket")
            return
        }
        #expect(replaced.application == "ivr")
        old.close()
        new.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aConsumerThatFallsBehindLosesTheOldestAndIsTold() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["slow"], bufferSize: 2)
        // Nobody reads; the subscription holds two messages.
        for index in 0..<2000 where subscription.droppedEventCount == 0 {
            server.emit(["type": "ChannelDtmfReceived", "digit": "\(index % 10)", "duration_ms": 1, "channel": FakeARIServer.sampleChannel(id: "s")], app: "slow")
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(subscription.droppedEventCount > 0)
        var events = subscription.events.makeAsyncIterator()
        #expect(try await events.next() != nil)
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func cancellingTheConsumerEndsTheStreamAndClosesTheWebSocket() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["gone"])
        #expect(try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.eventSocketCount == 1 })
        let consumer = Task { () -> Int in
            var count = 0
            for try await _ in subscription { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(50))
        consumer.cancel()
        #expect(try await consumer.value == 0)
        #expect(try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.eventSocketCount == 0 })
        try await ari.shutdown()
        await server.stop()
    }

    @Test func reconnectDelaysGrowAndStayBounded() {
        let policy = ARIReconnectPolicy.exponential(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), jitter: 0.5)
        #expect(policy.delay(forAttempt: 0, random: 0.5) == .milliseconds(100))
        #expect(policy.delay(forAttempt: 2, random: 0.5) == .milliseconds(400))
        #expect(policy.delay(forAttempt: 10, random: 0.5) == .seconds(1))
        #expect(policy.delay(forAttempt: 10, random: 1) == .seconds(1))
        #expect(policy.delay(forAttempt: 10, random: 0) == .milliseconds(500))
        #expect(policy.delay(forAttempt: 1, random: 0) == .milliseconds(100))
    }
}
