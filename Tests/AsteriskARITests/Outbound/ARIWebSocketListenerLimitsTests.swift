import AsteriskTesting
import NIOCore
import NIOPosix
import Testing

@testable import AsteriskARI

/// The WebSocket servers (outbound applications, media) against peers that connect and then do not
/// upgrade, and against more connections than allowed.
@Suite("ARI WebSocket servers' connection limits", .timeLimit(.minutes(2)))
struct ARIWebSocketListenerLimitsTests {
    /// A TCP connection that sends `text` (nothing by default) and then stays silent.
    private func idleConnection(to port: Int, sending text: String = "") async throws -> Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        // A server quicker than this write has closed the connection already, which is what is tested.
        if !text.isEmpty { try? await channel.writeAndFlush(ByteBuffer(string: text)).get() }
        return channel
    }

    /// Whether the server closes `channel` within `limit`.
    private func isClosed(_ channel: Channel, within limit: Duration) async throws -> Bool {
        try await TestTiming.eventually(within: limit, every: .milliseconds(5)) { !channel.isActive }
    }

    private func outboundServer(maximumConnections: Int = 10_000, upgradeTimeout: Duration) async throws -> ARIOutboundServer {
        let server = ARIOutboundServer(configuration: .init(
            port: 0, path: "/ari/app", credentials: .basic("asterisk", "s3cret"),
            maximumConnections: maximumConnections, upgradeTimeout: upgradeTimeout))
        try await server.start()
        return server
    }

    @Test func aConnectionThatNeverUpgradesIsClosedAfterTheTimeout() async throws {
        let server = try await outboundServer(upgradeTimeout: .milliseconds(300))
        let silent = try await idleConnection(to: server.port)
        // Half a request head, as a slow or hostile peer would leave it.
        let halfway = try await idleConnection(to: server.port, sending: "GET /ari/app HTTP/1.1\r\nHost: x\r\n")
        #expect(try await isClosed(silent, within: .seconds(5)))
        #expect(try await isClosed(halfway, within: .seconds(5)))
        await server.shutdown()
    }

    @Test func anUpgradedConnectionOutlivesTheUpgradeTimeout() async throws {
        let asterisk = try await FakeARIServer.start()
        let timeout = TestTiming.scaled(.seconds(1))
        let server = try await outboundServer(upgradeTimeout: timeout)
        let target = FakeARIOutboundTarget(url: "ws://127.0.0.1:\(server.port)/ari/app", username: "asterisk", password: "s3cret")
        try await asterisk.connectOutbound(to: target, apps: ["limits"])
        #expect(try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.connectionCount == 1 })
        try await Task.sleep(for: timeout * 2)
        #expect(server.connectionCount == 1)
        await server.shutdown()
        await asterisk.stop()
    }

    @Test func connectionsBeyondTheMaximumAreRefusedUntilOneCloses() async throws {
        let asterisk = try await FakeARIServer.start()
        let server = try await outboundServer(maximumConnections: 2, upgradeTimeout: .seconds(60))
        var connections: [Channel] = []
        for _ in 0..<3 { connections.append(try await idleConnection(to: server.port)) }
        // One of the three is refused: which one depends on which event loop sets its connection up first.
        #expect(try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { connections.filter { !$0.isActive }.count == 1 })
        try await Task.sleep(for: .milliseconds(50))
        let open = connections.filter(\.isActive)
        #expect(open.count == 2)
        guard open.count == 2 else { return }
        // Asterisk itself is refused too while the idle ones hold every place.
        let target = FakeARIOutboundTarget(url: "ws://127.0.0.1:\(server.port)/ari/app", username: "asterisk", password: "s3cret")
        await #expect(throws: (any Error).self) { try await asterisk.connectOutbound(to: target, apps: ["limits"]) }
        // A place comes free when a connection closes.
        try await open[0].close()
        var admitted = false
        for _ in 0..<200 where !admitted {
            do {
                try await asterisk.connectOutbound(to: target, apps: ["limits"])
                admitted = true
            } catch {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(admitted)
        #expect(try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.connectionCount == 1 })
        try await open[1].close()
        await server.shutdown()
        await asterisk.stop()
    }

    @Test func theMediaServerClosesConnectionsThatNeverUpgrade() async throws {
        let server = ARIMediaServer(configuration: .init(port: 0, upgradeTimeout: .milliseconds(300)))
        try await server.start()
        let silent = try await idleConnection(to: server.port)
        #expect(try await isClosed(silent, within: .seconds(5)))
        await server.shutdown()
    }
}
