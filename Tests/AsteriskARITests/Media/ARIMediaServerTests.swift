import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

/// Asterisk opening a call's media WebSocket to the application (`Dial(WebSocket/<client>)`), played by the fake.
@Suite("Media over WebSocket: the application's server", .timeLimit(.minutes(1)))
struct ARIMediaServerTests {
    private func target(_ server: ARIMediaServer, password: String = "s3cret", protocols: String = "media") -> FakeARIOutboundTarget {
        FakeARIOutboundTarget(url: "ws://127.0.0.1:\(server.port)/media", username: "asterisk", password: password, protocols: protocols)
    }

    @Test func eachCallsMediaArrivesAsASessionAfterMediaStart() async throws {
        let asterisk = try await FakeARIServer.start()
        asterisk.setMediaBehaviour(toneFrames: 5, jsonControl: false)
        let server = ARIMediaServer(configuration: .init(port: 0, path: "/media", credentials: .basic("asterisk", "s3cret")))
        try await server.start()
        let first = try await asterisk.dialMedia(to: target(server), format: "ulaw")
        let second = try await asterisk.dialMedia(to: target(server), format: "slin16")
        var sessions: [String: ARIMediaSession] = [:]
        for await session in server.sessions {
            sessions[session.start.channelID] = session
            if sessions.count == 2 { break }
        }
        #expect(Set(sessions.keys) == [first, second])
        let ulaw = try #require(sessions[first])
        #expect(ulaw.start.format == "ulaw")
        #expect(ulaw.start.optimalFrameSize == 160)
        var frames = 0
        for await frame in ulaw.audio {
            #expect(frame.count == 160)
            frames += 1
            if frames == 5 { break }
        }
        // Audio and commands back over the accepted socket (unmasked, as a server writes).
        try await ulaw.play([UInt8](repeating: 9, count: 160 * 3))
        try await ulaw.send(.mark(correlationID: "done"))
        for await event in ulaw.events {
            if case .markProcessed(let id) = event {
                #expect(id == "done")
                break
            }
        }
        let connection = try #require(asterisk.mediaConnectionID(ofChannel: first))
        #expect(asterisk.mediaRecord(connection)?.received.count == 480)
        #expect(asterisk.mediaRecord(connection)?.commands == ["MARK_MEDIA done"])
        #expect(server.connectionCount == 2)
        await server.shutdown()
        for _ in 0..<Int(400 * TestTiming.factor) where asterisk.mediaRecord(connection)?.connected == true { try await Task.sleep(for: .milliseconds(5)) }
        #expect(asterisk.mediaRecord(connection)?.connected == false)
        await asterisk.stop()
    }

    @Test func wrongCredentialsAndSubprotocolsAreRefused() async throws {
        let asterisk = try await FakeARIServer.start()
        let server = ARIMediaServer(configuration: .init(port: 0, path: "/media", credentials: .basic("asterisk", "s3cret")))
        try await server.start()
        let wrongPassword = await #expect(throws: FakeARIOutboundError.self) { try await asterisk.dialMedia(to: target(server, password: "x")) }
        #expect(wrongPassword?.status == 401)
        let wrongProtocol = await #expect(throws: FakeARIOutboundError.self) { try await asterisk.dialMedia(to: target(server, protocols: "ari")) }
        #expect(wrongProtocol?.status == 400)
        #expect(server.connectionCount == 0)
        await server.shutdown()
        await asterisk.stop()
    }
}
