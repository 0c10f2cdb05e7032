import AsteriskTesting
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOPosix
import NIOWebSocket
import Testing

@testable import AsteriskARI

/// `Sec-WebSocket-Accept` for a request's key (RFC 6455, section 4.2.2).
func webSocketAcceptValue(for key: String) -> String {
    Data(Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
}

/// A server that answers the events upgrade, then writes `script` a few bytes per write, and hands
/// every frame the client sends back to `received`.
private final class ScriptedWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: [UInt8]
    private let piece: Int
    private let received: AsyncStream<SeenClientFrame>.Continuation
    private var request = ""
    private var upgraded = false
    private var reader = ARIWebSocketFrameReader(maxFrameSize: 1 << 16)

    init(script: [UInt8], piece: Int, received: AsyncStream<SeenClientFrame>.Continuation) {
        self.script = script
        self.piece = piece
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard upgraded else {
            request += String(buffer: bytes)
            guard request.contains("\r\n\r\n"),
                let keyLine = request.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("sec-websocket-key:") })
            else { return }
            upgraded = true
            let key = keyLine.dropFirst("sec-websocket-key:".count).trimmingCharacters(in: .whitespaces)
            let answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(webSocketAcceptValue(for: key))\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: answer)), promise: nil)
            for start in stride(from: 0, to: script.count, by: piece) {
                let chunk = script[start..<min(start + piece, script.count)]
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: chunk)), promise: nil)
            }
            return
        }
        reader.append(bytes)
        while let frame = try? reader.next() {
            received.yield(SeenClientFrame(opcode: UInt8(webSocketOpcode: frame.opcode), payload: Array(frame.payload.readableBytesView)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        received.finish()
        context.fireChannelInactive()
    }
}

/// A frame the client sent (unmasked).
private struct SeenClientFrame: Equatable {
    let opcode: UInt8
    let payload: [UInt8]
}

/// The event loop the scripted servers write from.
private let scriptedServerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)

/// A scripted server, a client subscribed to it, and what the client sends back.
private struct ScriptedConnection {
    let server: Channel
    let ari: ARIClient
    let subscription: ARIEventSubscription
    let received: AsyncStream<SeenClientFrame>

    static func start(script: [UInt8], piece: Int, maxResponseSize: Int = 16 * 1024 * 1024) async throws -> ScriptedConnection {
        let (received, continuation) = AsyncStream<SeenClientFrame>.makeStream()
        // A loop of its own: thousands of tiny writes must not starve the other suites' loopback tests.
        let server = try await ServerBootstrap(group: scriptedServerLoop)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedWebSocketHandler(script: script, piece: piece, received: continuation))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let ari = ARIClient(configuration: .init(
            baseURL: "http://127.0.0.1:\(port)/ari", credentials: .basic("app", "secret"),
            connectTimeout: TestTiming.scaled(.seconds(2)), maxResponseSize: maxResponseSize))
        let subscription = try await ari.events(apps: ["framing"], reconnect: .disabled)
        return ScriptedConnection(server: server, ari: ari, subscription: subscription, received: received)
    }

    func stop() async throws {
        subscription.close()
        try await ari.shutdown()
        try await server.close()
    }
}

/// A `ChannelDtmfReceived` message with `digit`, padded to about `size` bytes by its channel name.
private func dtmfMessage(_ digit: String, size: Int = 0) -> [UInt8] {
    let name = "PJSIP/" + String(repeating: "x", count: max(1, size - 420))
    return Array(#"{"type":"ChannelDtmfReceived","digit":"\#(digit)","duration_ms":100,"application":"framing","channel":{"id":"c1","name":"\#(name)","state":"Up","protocol_id":"","accountcode":"","language":"en","caller":{"name":"","number":"1"},"connected":{"name":"","number":""},"dialplan":{"context":"default","exten":"s","priority":1,"app_name":"Stasis","app_data":"framing"},"creationtime":"2026-11-23T04:16:33.306+0000"}}"#.utf8)
}

@Suite("ARI events WebSocket framing over loopback")
struct ARIEventFramingTests {
    @Test(.timeLimit(.minutes(1))) func fragmentsLengthsAndPingsWrittenAFewBytesAtATime() async throws {
        let fragmented = dtmfMessage("3")
        var frames = webSocketFrameBytes(fin: false, opcode: 0x1, payload: Array(fragmented[..<100]))
        frames += webSocketFrameBytes(opcode: 0x9, payload: Array("are you there".utf8))
        frames += webSocketFrameBytes(fin: false, opcode: 0x0, payload: Array(fragmented[100..<300]))
        frames += webSocketFrameBytes(opcode: 0x0, payload: Array(fragmented[300...]))
        frames += webSocketFrameBytes(opcode: 0x1, payload: dtmfMessage("4", size: 1000))
        // Three bytes per write for the small frames; the 64-bit length in pieces of 1000.
        let scripts = [
            (webSocketFrameBytes(opcode: 0x1, payload: dtmfMessage("1")) + webSocketFrameBytes(opcode: 0x1, payload: dtmfMessage("2", size: 300)) + frames, 3),
            (webSocketFrameBytes(opcode: 0x1, payload: dtmfMessage("1")) + webSocketFrameBytes(opcode: 0x1, payload: dtmfMessage("2", size: 70_000)) + frames, 1000),
        ]
        for (script, piece) in scripts {
            let connection = try await ScriptedConnection.start(script: script, piece: piece)
            var events = connection.subscription.events(of: ARIChannelDtmfReceivedEvent.self).makeAsyncIterator()
            var digits: [String] = []
            for _ in 0..<4 { digits.append(try #require(try await events.next()).digit) }
            #expect(digits == ["1", "2", "3", "4"], "pieces of \(piece)")
            var replies = connection.received.makeAsyncIterator()
            #expect(await replies.next() == SeenClientFrame(opcode: 0xA, payload: Array("are you there".utf8)))
            try await connection.stop()
        }
    }

    @Test(.timeLimit(.minutes(1))) func aFrameThatBreaksTheProtocolEndsTheConnectionWithATypedError() async throws {
        let cases: [([UInt8], UInt16, String)] = [
            (webSocketFrameBytes(opcode: 0x3, payload: []), 1002, "opcode"),
            (webSocketFrameBytes(opcode: 0x1, payload: [0x7B], reserved: 0x20), 1002, "reserved bit"),
            (webSocketFrameBytes(fin: false, opcode: 0x9, payload: []), 1002, "control frame"),
            // Only the header of a frame over the client's limit: refused at once, not waited for.
            (Array(webSocketFrameBytes(opcode: 0x1, payload: [UInt8](repeating: 0x20, count: 70_000)).prefix(10)), 1009, "over the limit"),
        ]
        for (bytes, code, words) in cases {
            let connection = try await ScriptedConnection.start(
                script: webSocketFrameBytes(opcode: 0x1, payload: dtmfMessage("1")) + bytes, piece: 7, maxResponseSize: 65_536)
            var elements = connection.subscription.makeAsyncIterator()
            guard case .event(.channelDtmfReceived)? = try await elements.next() else {
                Issue.record("expected the message before the bad frame")
                return
            }
            guard case .connectionLost(let error)? = try await elements.next() else {
                Issue.record("expected the connection to be lost for \(words)")
                return
            }
            #expect(error.code == .malformedEvent && error.message.contains(words), "\(error)")
            var replies = connection.received.makeAsyncIterator()
            let close = await replies.next()
            #expect(close?.opcode == 0x8 && close?.payload == [UInt8(code >> 8), UInt8(code & 0xFF)], "close for \(words)")
            try await connection.stop()
        }
    }

    @Test func theHandlerJoinsInFrontOfNIOsDecoderOrNotAtAll() throws {
        let delivered = NIOLockedValueBox<[String]>([])
        let deliver: @Sendable (ARIWebSocketHandler.Output) -> Void = { output in
            if case .messages(let buffers) = output { delivered.withLockedValue { $0 += buffers.map { String(buffer: $0) } } }
        }
        // Without the decoder an upgrade adds, the handler refuses to join (it reads bytes, not frames).
        let bare = EmbeddedChannel()
        #expect(throws: ARIError.self) {
            _ = try ARIEventConnection.install(on: bare, maxMessageSize: 1024, pingInterval: nil, masksFrames: true, deliver: deliver)
        }
        // With it, bytes reach the handler first and the decoder never sees one.
        let upgraded = EmbeddedChannel()
        try upgraded.pipeline.syncOperations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1024)))
        _ = try ARIEventConnection.install(on: upgraded, maxMessageSize: 1024, pingInterval: nil, masksFrames: true, deliver: deliver)
        try upgraded.writeInbound(ByteBuffer(bytes: webSocketFrameBytes(opcode: 0x1, payload: Array(#"{"type":"A"}"#.utf8))))
        upgraded.embeddedEventLoop.run()
        #expect(delivered.withLockedValue { $0 } == [#"{"type":"A"}"#])
        #expect(try upgraded.readInbound(as: WebSocketFrame.self) == nil)
        _ = try? upgraded.finish()
    }
}
