import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

/// Pending handles: the client picks the id and opens the route before the creating request, so events
/// Asterisk sends before its answer (the fake sends them first, as Asterisk can) are not lost.
@Suite("ARI tracked resources", .timeLimit(.minutes(2)))
struct ARITrackedResourceTests {
    private func client(_ server: FakeARIServer, transport: ARIRESTTransport = .http) -> ARIClient {
        ARIClient(configuration: .init(
            baseURL: server.baseURL, credentials: .basic("app", "secret"), connectTimeout: TestTiming.scaled(.seconds(2)),
            restTransport: transport))
    }

    /// The types of a handle's events until its stream ends (bounded by a generous deadline).
    private func types(of events: AsyncStream<ARIEvent>) async -> [String] {
        let collector = Task {
            var types: [String] = []
            for await event in events { types.append(event.type) }
            return types
        }
        let guardTimer = Task {
            try await Task.sleep(for: TestTiming.scaled(.seconds(10)))
            collector.cancel()
        }
        defer { guardTimer.cancel() }
        return await collector.value
    }

    @Test(arguments: [ARIRESTTransport.http, .webSocket(app: "t")])
    func anOriginatedChannelsHandleHasItsEventsFromTheFirst(transport: ARIRESTTransport) async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server, transport: transport)
        let subscription = try await ari.events(apps: ["t"])
        let call = try await ari.originateTracked(endpoint: "PJSIP/100", app: "t", appArgs: ["a"])
        #expect(call.id.hasPrefix("ch-"))
        #expect(call.resource.id == call.id)
        #expect(server.requests.first { $0.path == "/channels" }?.query["channelId"] == call.id)
        // Answered and in the app: hang it up; the handle's stream ends with ChannelDestroyed.
        for _ in 0..<Int(1000 * TestTiming.factor) where server.channelState(call.id) != "Up" { try await Task.sleep(for: .milliseconds(2)) }
        try await ari.send(ARIOperations.Channels.hangup(channelID: call.id))
        let callTypes = await types(of: call.events)
        #expect(callTypes == ["Dial", "StasisStart", "StasisEnd", "ChannelDestroyed"])
        #expect(ari.routes.isEmpty)
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func eventsSentBeforeTheAnswerReachTheHandleOfAnyOperation() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["t"])
        let call = server.simulateCall(app: "t")
        // The fake raises a custom event about the new playback before it answers the request.
        server.onRequest { request in
            guard request.path == "/channels/\(call)/play", let id = request.query["playbackId"] else { return nil }
            server.emit(["type": "PlaybackContinuing", "playback": ["id": id, "media_uri": "sound:x", "target_uri": "channel:\(call)", "language": "en", "state": "playing"]], app: "t")
            return nil
        }
        let playback = try await ari.track(.playback) { id in
            try await ari.send(ARIOperations.Channels.play(channelID: call, media: ["sound:x"], playbackID: id))
        }
        let playbackTypes = await types(of: playback.events)
        #expect(playbackTypes == ["PlaybackContinuing", "PlaybackStarted", "PlaybackFinished"])
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test(arguments: [ARIRESTTransport.http, .webSocket(app: "t")])
    func playbacksAndRecordingsEndWithTheirLastEvent(transport: ARIRESTTransport) async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server, transport: transport)
        let subscription = try await ari.events(apps: ["t"])
        let call = server.simulateCall(app: "t")
        let playback = try await ari.playTracked(["sound:hello-world"], onChannel: call)
        #expect(playback.resource.mediaUri == "sound:hello-world")
        let playbackTypes = await types(of: playback.events)
        #expect(playbackTypes == ["PlaybackStarted", "PlaybackFinished"])
        let recording = try await ari.recordTracked(channelID: call, name: "msg-1")
        #expect(recording.id == "msg-1")
        let recordingTypes = await types(of: recording.events)
        #expect(recordingTypes == ["RecordingStarted", "RecordingFinished"])
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aBridgesHandleFollowsItsMembersUntilItIsDestroyed() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["t"])
        let bridge = try await ari.createBridgeTracked(app: "t")
        #expect(bridge.id.hasPrefix("br-"))
        let call = server.simulateCall(app: "t")
        try await ari.send(ARIOperations.Bridges.addChannel(bridgeID: bridge.id, channel: [call]))
        try await ari.send(ARIOperations.Bridges.destroy(bridgeID: bridge.id))
        let bridgeTypes = await types(of: bridge.events)
        #expect(bridgeTypes == ["ChannelEnteredBridge", "ChannelLeftBridge", "BridgeDestroyed"])
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aFailedCreationClosesTheRouteAndClosingEndsTheStream() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        let subscription = try await ari.events(apps: ["t"])
        do {
            _ = try await ari.originateTracked(endpoint: "no-technology", app: "t")
            Issue.record("a malformed endpoint was originated")
        } catch {
            #expect(error.status == 400)
        }
        #expect(ari.routes.isEmpty)
        let call = server.simulateCall(app: "t")
        var stream = subscription.events.makeAsyncIterator()
        #expect(try await stream.next()?.type == "StasisStart")
        let followed = try await ari.track(.channel, id: call) { id in
            try await ari.send(ARIOperations.Channels.get(channelID: id))
        }
        server.sendDTMF("1", to: call)
        var iterator = followed.events.makeAsyncIterator()
        #expect(await iterator.next()?.type == "ChannelDtmfReceived")
        #expect(try await stream.next()?.type == "ChannelDtmfReceived")
        followed.close()
        #expect(await iterator.next() == nil)
        #expect(ari.routes.isEmpty)
        // Shutting the client down ends every handle still open.
        let other = try await ari.track(.channel, id: call) { id in
            try await ari.send(ARIOperations.Channels.get(channelID: id))
        }
        subscription.close()
        try await ari.shutdown()
        let otherTypes = await types(of: other.events)
        #expect(otherTypes == [])
        await server.stop()
    }
}
