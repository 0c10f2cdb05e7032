import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@Suite("Fake ARI server HTTP details")
struct FakeARIUpgradeTests {
    /// Clients with a connection pool (aiohttp, for one) open the events WebSocket on a connection that
    /// already served REST requests; Asterisk accepts that, and so must the fake.
    @Test func theEventsUpgradeWorksOnAKeptAliveConnection() async throws {
        let server = try await FakeARIServer.start()
        let connection = try await RawConnection(to: server)
        func waitFor(_ text: String) async throws {
            #expect(try await connection.waitFor(text), "never received \(text)")
        }
        #expect(try await connection.ping())
        try await connection.send(
            "GET /ari/events?app=pooled HTTP/1.1\r\nHost: x\r\n\(RawConnection.auth)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        try await waitFor("101 Switching Protocols")
        _ = try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.registeredApps == ["pooled"] }
        server.emit(["type": "StasisStart", "args": [String](), "channel": FakeARIServer.sampleChannel(id: "pooled-1")], app: "pooled")
        try await waitFor("pooled-1")
        try await connection.channel.close()
        await server.stop()
    }

    /// A request that asks for an upgrade the fake refuses (no `app`) gets its error and the
    /// connection ends, instead of hanging: nothing after an upgrade request is read as HTTP.
    @Test func aRefusedUpgradeIsAnsweredAndTheConnectionCloses() async throws {
        let server = try await FakeARIServer.start()
        let connection = try await RawConnection(to: server)
        #expect(try await connection.ping())
        try await connection.send(
            "GET /ari/events HTTP/1.1\r\nHost: x\r\n\(RawConnection.auth)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        let closed = try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { !connection.channel.isActive }
        let received = connection.received
        #expect(closed, "the connection stayed open after a refused upgrade")
        #expect(received.contains("HTTP/1.1 400 Bad Request"), "no error for the refused upgrade: \(received)")
        #expect(received.contains("Connection: close"))
        #expect(!received.contains("101 Switching Protocols"))
        #expect(server.registeredApps.isEmpty)
        await server.stop()
    }

    /// The fake runs its connections on the group it is given (a benchmark gives it one loop).
    @Test func servesOnTheEventLoopGroupItIsGiven() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await FakeARIServer.start(eventLoopGroup: group)
        let seen = NIOLockedValueBox<[ObjectIdentifier]>([])
        let loop = group.next()
        server.onRequest { _ in
            seen.withLockedValue { $0.append(ObjectIdentifier(MultiThreadedEventLoopGroup.currentEventLoop.map { $0 as AnyObject } ?? NSNull())) }
            return nil
        }
        let connection = try await RawConnection(to: server)
        #expect(try await connection.ping())
        #expect(seen.withLockedValue { $0 } == [ObjectIdentifier(loop as AnyObject)])
        try await connection.channel.close()
        await server.stop()
        try await group.shutdownGracefully()
    }
}
