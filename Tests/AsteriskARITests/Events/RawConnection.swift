import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Collects every byte a raw TCP connection receives.
final class ByteCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let received = NIOLockedValueBox("")

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received.withLockedValue { $0 += String(decoding: buffer.readableBytesView, as: UTF8.self) }
    }
}

/// A raw TCP connection to the fake, speaking HTTP by hand, and what it received.
struct RawConnection {
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

    /// Whether the fake closed the connection within five seconds.
    func waitForClose() async throws -> Bool {
        try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { !channel.isActive }
    }

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
