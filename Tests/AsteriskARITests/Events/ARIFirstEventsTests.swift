import AsteriskTesting
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import AsteriskARI

/// A server that answers the WebSocket upgrade and sends its first messages in the same write, so
/// they reach the client in the same read as the `101` (as a busy Asterisk can).
private final class EagerUpgradeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var request = ""
    private let messages: [String]

    init(messages: [String]) { self.messages = messages }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        request += String(buffer: unwrapInboundIn(data))
        guard request.contains("\r\n\r\n"), let keyLine = request.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("sec-websocket-key:") })
        else { return }
        let key = keyLine.dropFirst("sec-websocket-key:".count).trimmingCharacters(in: .whitespaces)
        var out = context.channel.allocator.buffer(
            string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(webSocketAcceptValue(for: key))\r\n\r\n")
        for message in messages { out.writeBytes(webSocketFrameBytes(opcode: 0x1, payload: Array(message.utf8))) }
        request = ""
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}

@Suite("ARI events that arrive with the upgrade answer")
struct ARIFirstEventsTests {
    @Test(.timeLimit(.minutes(1))) func messagesInTheSameReadAsThe101AreDelivered() async throws {
        let first = #"{"type":"StasisStart","args":[],"application":"eager","channel":{"id":"c1","name":"PJSIP/1-1","state":"Up","protocol_id":"","accountcode":"","language":"en","caller":{"name":"","number":"1"},"connected":{"name":"","number":""},"dialplan":{"context":"default","exten":"s","priority":1,"app_name":"Stasis","app_data":"eager"},"creationtime":"2026-11-23T04:16:33.306+0000"}}"#
        let second = #"{"type":"ChannelDtmfReceived","digit":"7","duration_ms":100,"application":"eager","channel":{"id":"c1","name":"PJSIP/1-1","state":"Up","protocol_id":"","accountcode":"","language":"en","caller":{"name":"","number":"1"},"connected":{"name":"","number":""},"dialplan":{"context":"default","exten":"s","priority":1,"app_name":"Stasis","app_data":"eager"},"creationtime":"2026-11-23T04:16:33.306+0000"}}"#
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EagerUpgradeHandler(messages: [first, second])) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let ari = ARIClient(configuration: .init(
            baseURL: "http://127.0.0.1:\(port)/ari", credentials: .basic("app", "secret"), connectTimeout: TestTiming.scaled(.seconds(2))))
        let subscription = try await ari.events(apps: ["eager"], reconnect: .disabled)
        var events = subscription.events.makeAsyncIterator()
        // Nothing else arrives after these two: both must be delivered without a later read to push them.
        #expect(try await events.next()?.type == "StasisStart")
        #expect(try await events.next()?.type == "ChannelDtmfReceived")
        subscription.close()
        try await ari.shutdown()
        try await server.close()
    }
}
