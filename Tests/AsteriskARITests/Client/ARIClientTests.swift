import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

@Suite("ARIClient over loopback")
struct ARIClientTests {
    private func client(_ server: FakeARIServer, credentials: ARICredentials? = nil, timeout: Duration = .seconds(5)) -> ARIClient {
        ARIClient(configuration: .init(
            baseURL: server.baseURL + "/", credentials: credentials ?? .basic("app", "secret"), requestTimeout: TestTiming.scaled(timeout)))
    }

    @Test func typedCallsRoundTrip() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let info = try await ari.send(ARIOperations.Asterisk.getInfo())
        #expect(info.system?.version == "23.4.1")
        let channel = try await ari.send(ARIOperations.Channels.originate(
            endpoint: "PJSIP/100", app: "ivr", appArgs: "a b+c", callerID: "Lab <5550000>", channelID: "call-1"))
        #expect(channel.id == "call-1")
        #expect(channel.state == "Down")
        _ = try await ari.send(ARIOperations.Channels.answer(channelID: "call-1"))
        #expect(try await ari.send(ARIOperations.Channels.get(channelID: "call-1")).state == "Up")
        _ = try await ari.send(ARIOperations.Channels.setChannelVar(channelID: "call-1", variable: "GREETING", value: "hello world"))
        #expect(try await ari.send(ARIOperations.Channels.getChannelVar(channelID: "call-1", variable: "GREETING")).value == "hello world")
        let bridge = try await ari.send(ARIOperations.Bridges.create(type: "mixing", bridgeID: "br-1"))
        #expect(bridge.id == "br-1")
        _ = try await ari.send(ARIOperations.Bridges.addChannel(bridgeID: "br-1", channel: ["call-1"]))
        #expect(try await ari.send(ARIOperations.Channels.list()).map(\.id) == ["call-1"])
        _ = try await ari.send(ARIOperations.Channels.hangup(channelID: "call-1", reason: "normal"))
        // The query arrived decoded exactly as sent (a '+' must not turn into a space).
        let originate = try #require(server.requests.first { $0.method == "POST" && $0.path == "/channels" })
        #expect(originate.query["appArgs"] == "a b+c")
        #expect(originate.query["callerId"] == "Lab <5550000>")
        try await ari.shutdown()
        await server.stop()
    }

    @Test func resourceAccessorsAreTheSameCalls() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        #expect(try await ari.asterisk.getInfo().system?.version == "23.4.1")
        let channel = try await ari.channels.originate(endpoint: "PJSIP/300", app: "ivr", channelID: "acc-1")
        try await ari.channels.answer(channelID: channel.id)
        try await ari.channels.setChannelVar(channelID: channel.id, variable: "X", value: "1")
        #expect(try await ari.channels.getChannelVar(channelID: channel.id, variable: "X").value == "1")
        let bridge = try await ari.bridges.create(type: "holding")
        try await ari.bridges.addChannel(bridgeID: bridge.id, channel: [channel.id])
        #expect(try await ari.bridges.get(bridgeID: bridge.id).channels == [channel.id])
        do {
            try await ari.playbacks.stop(playbackID: "nope")
            Issue.record("stopping a missing playback succeeded")
        } catch {
            #expect(error.status == 404)
            #expect(error.operation == "playbacks.stop")
        }
        try await ari.channels.hangup(channelID: channel.id)
        #expect(try await ari.channels.list().isEmpty)
        let paths = server.requests.map { "\($0.method) \($0.path)" }
        #expect(paths.contains("POST /bridges/\(bridge.id)/addChannel"))
        try await ari.shutdown()
        await server.stop()
    }

    @Test func errorsCarryStatusOperationAndAsterisksMessage() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        do {
            _ = try await ari.send(ARIOperations.Channels.get(channelID: "does-not-exist"))
            Issue.record("a missing channel was found")
        } catch {
            #expect(error.code == .requestFailed)
            #expect(error.status == 404)
            #expect(error.serverMessage == "Channel not found")
            #expect(error.operation == "channels.get")
        }
        server.onRequest { $0.path == "/channels" && $0.method == "POST" ? .error(400, "Endpoint must be specified") : nil }
        await #expect(throws: ARIError.self) { _ = try await ari.send(ARIOperations.Channels.originate(endpoint: "")) }
        try await ari.shutdown()
        await server.stop()
    }

    @Test func credentialsBasicApiKeyAndRefusal() async throws {
        let server = try await FakeARIServer.start()
        let byKey = client(server, credentials: .apiKey("app", "secret"))
        _ = try await byKey.send(ARIOperations.Asterisk.ping())
        #expect(server.requests.last?.query["api_key"] == "app:secret")
        let wrong = client(server, credentials: .basic("app", "wrong"))
        do {
            _ = try await wrong.send(ARIOperations.Asterisk.ping())
            Issue.record("wrong credentials were accepted")
        } catch {
            #expect(error.code == .authenticationFailed)
            #expect(!"\(error)".contains("wrong"))
        }
        #expect(!"\(ARICredentials.basic("app", "hunter2"))".contains("hunter2"))
        try await byKey.shutdown()
        try await wrong.shutdown()
        await server.stop()
    }

    @Test func timeoutsAndUnreachableServersAreTyped() async throws {
        let server = try await FakeARIServer.start()
        server.delayResponses(by: .seconds(2))
        let slow = client(server, timeout: .milliseconds(200))
        do {
            _ = try await slow.send(ARIOperations.Asterisk.ping())
            Issue.record("no timeout")
        } catch {
            #expect(error.code == .timeout || error.code == .connectionFailed)
        }
        try await slow.shutdown()
        let port = server.port
        await server.stop()
        let gone = ARIClient(configuration: .init(
            baseURL: "http://127.0.0.1:\(port)/ari", credentials: .basic("a", "b"), requestTimeout: .milliseconds(500),
            connectTimeout: .milliseconds(200)))
        do {
            _ = try await gone.send(ARIOperations.Asterisk.ping())
            Issue.record("reached a stopped server")
        } catch {
            #expect(error.code == .connectionFailed || error.code == .timeout)
        }
        try await gone.shutdown()
        let bad = ARIClient(configuration: .init(baseURL: "ftp://x", credentials: .basic("a", "b")))
        await #expect(throws: ARIError.self) { _ = try await bad.send(ARIOperations.Asterisk.ping()) }
        try await bad.shutdown()
    }
}
