import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

/// A media WebSocket against the fake: an external-media channel, the tone it sends, paced audio
/// back, commands and their answers, flow control, a slow reader, and the socket going away.
@Suite("Media over WebSocket over loopback", .timeLimit(.minutes(2)))
struct ARIMediaSessionTests {
    private func client(_ server: FakeARIServer) -> ARIClient {
        ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret"), connectTimeout: TestTiming.scaled(.seconds(2))))
    }

    @Test(arguments: [true, false])
    func anExternalMediaChannelStreamsAudioBothWays(jsonControl: Bool) async throws {
        let server = try await FakeARIServer.start()
        server.setMediaBehaviour(toneFrames: 10, jsonControl: jsonControl)
        let ari = client(server)
        let (channel, media) = try await ari.externalMedia(app: "bot", format: "slin16")
        #expect(media.start.format == "slin16")
        #expect(media.start.optimalFrameSize == 640)
        #expect(media.start.ptime == 20)
        #expect(media.start.channelID == channel.id)
        // The fake's tone: ten 20 ms frames of slin16.
        var frames = 0
        for await frame in media.audio {
            #expect(frame.count == 640)
            frames += 1
            if frames == 10 { break }
        }
        // Half a second of audio back, paced: 25 frames of 640 bytes, about 20 ms apart.
        let started = ContinuousClock.now
        try await media.play([UInt8](repeating: 7, count: 640 * 25))
        #expect(ContinuousClock.now - started >= .milliseconds(400))
        let connection = try #require(server.mediaConnectionID(ofChannel: channel.id))
        for _ in 0..<Int(400 * TestTiming.factor) where (server.mediaRecord(connection)?.received.count ?? 0) < 640 * 25 {
            try await Task.sleep(for: .milliseconds(5))
        }
        let record = try #require(server.mediaRecord(connection))
        #expect(record.received.count == 640 * 25)
        #expect(record.frameTimes.count == 25)
        // Paced on the wire too: the last frame cannot arrive before it was sent, about 480 ms after the
        // first. (Measured from the start of play, not between arrivals: a busy receiver reads late and in
        // bursts, which only ever makes this later.)
        if let last = record.frameTimes.last { #expect(last - started >= .milliseconds(400)) }
        // Commands, in the connection's control format, and their answers.
        try await media.send(.mark(correlationID: "m1"))
        try await media.send(.getStatus)
        var answers: [ARIMediaEvent] = []
        for await event in media.events {
            switch event {
            case .markProcessed, .status: answers.append(event)
            default: break
            }
            if answers.count == 2 { break }
        }
        #expect(answers.first == .markProcessed(correlationID: "m1"))
        if case .status(let status) = answers.last { #expect(status.xoffLevel == 900) } else { Issue.record("no STATUS") }
        #expect(server.mediaRecord(connection)?.commands.first == (jsonControl ? #"{"command":"MARK_MEDIA","correlation_id":"m1"}"# : "MARK_MEDIA m1"))
        media.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func xoffPausesPlaybackUntilXon() async throws {
        let server = try await FakeARIServer.start()
        server.setMediaBehaviour(toneFrames: 0)
        let ari = client(server)
        let (channel, media) = try await ari.externalMedia(app: "bot", format: "ulaw")
        let connection = try #require(server.mediaConnectionID(ofChannel: channel.id))
        server.sendMediaEvent("MEDIA_XOFF", to: connection)
        for _ in 0..<Int(400 * TestTiming.factor) where !media.isPaused { try await Task.sleep(for: .milliseconds(5)) }
        let playing = Task { try await media.play([UInt8](repeating: 1, count: 160 * 5)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.mediaRecord(connection)?.received.isEmpty == true)
        server.sendMediaEvent("MEDIA_XON", to: connection)
        try await playing.value
        for _ in 0..<Int(400 * TestTiming.factor) where (server.mediaRecord(connection)?.received.count ?? 0) < 800 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.mediaRecord(connection)?.received.count == 800)
        media.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func aSlowReaderKeepsABoundedBufferAndCountsWhatItDropped() async throws {
        let server = try await FakeARIServer.start()
        server.setMediaBehaviour(toneFrames: 0)
        let ari = client(server)
        let (channel, media) = try await ari.externalMedia(app: "bot", format: "slin16", bufferFrames: 100)
        let connection = try #require(server.mediaConnectionID(ofChannel: channel.id))
        server.blastMedia(to: connection, frames: 5000)
        for _ in 0..<Int(2000 * TestTiming.factor) where media.droppedFrameCount < 4900 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(media.droppedFrameCount == 4900)
        media.close()
        var kept = 0
        for await _ in media.audio { kept += 1 }
        #expect(kept == 100)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func losingTheSocketEndsPlaybackAndStreamsWithATypedError() async throws {
        let server = try await FakeARIServer.start()
        server.setMediaBehaviour(toneFrames: 0)
        let ari = client(server)
        let (channel, media) = try await ari.externalMedia(app: "bot", format: "slin16")
        let playing = Task { () async -> ARIError? in
            do {
                try await media.play([UInt8](repeating: 0, count: 640 * 500))
                return nil
            } catch let error as ARIError {
                return error
            } catch {
                return nil
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        server.hangUp(channel.id)
        server.closeMediaSocket(ofChannel: channel.id)
        #expect(await playing.value?.code == .connectionFailed)
        var frames = 0
        for await _ in media.audio { frames += 1 }
        #expect(frames == 0)
        try await ari.shutdown()
        await server.stop()
    }

    @Test func anUnknownConnectionIsRefused() async throws {
        let server = try await FakeARIServer.start()
        let ari = client(server)
        do {
            _ = try await ari.mediaSession(connectionID: "nope", startTimeout: TestTiming.scaled(.seconds(2)))
            Issue.record("an unknown media connection was accepted")
        } catch {
            #expect(error.code == .requestFailed || error.code == .authenticationFailed)
        }
        try await ari.shutdown()
        await server.stop()
    }
}
