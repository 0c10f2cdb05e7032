import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// Collects every byte a raw TCP connection receives.
private final class ByteCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let received = NIOLockedValueBox("")

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received.withLockedValue { $0 += String(decoding: buffer.readableBytesView, as: UTF8.self) }
    }
}

/// A raw TCP connection to the fake, speaking HTTP by hand, and what it received.
private struct RawConnection {
    let channel: Channel
    let collector = ByteCollector()
    /// The fake's default credentials as a header line.
    static let auth = "Authorization: Basic " + Data("app:secret".utf8).base64EncodedString()

    init(to server: FakeARIServer) async throws {
        let collector = self.collector
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: server.port).get()
    }

    /// Everything received so far.
    var received: String { collector.received.withLockedValue { $0 } }

    /// Writes `text` as it is.
    func send(_ text: String) async throws { try await channel.writeAndFlush(ByteBuffer(string: text)).get() }

    /// Whether `text` arrives within five seconds.
    func waitFor(_ text: String) async throws -> Bool {
        try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { received.contains(text) }
    }

    /// Sends a ping request and waits for its answer.
    func ping() async throws -> Bool {
        try await send("GET /ari/asterisk/ping HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n\r\n")
        return try await waitFor("\"ping\":\"pong\"")
    }
}

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
