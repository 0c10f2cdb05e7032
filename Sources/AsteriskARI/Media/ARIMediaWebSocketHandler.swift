import NIOCore
import NIOWebSocket

/// The NIO edge of a media WebSocket: binary frames are audio, text frames are control messages;
/// answers pings and echoes a close. Frames we write are masked when we are the client (we opened the
/// socket) and not when Asterisk opened it to an ``ARIMediaServer``.
final class ARIMediaWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// What the handler reports, on the event loop.
    enum Output {
        case audio(ByteBuffer)
        case control(String)
        /// The connection ended; nil when closed on purpose.
        case closed(ARIError?)
    }

    private let maxMessageSize: Int
    private let masksFrames: Bool
    private let deliver: (Output) -> Void
    private var fragments: ByteBuffer?
    private var fragmentsAreText = false
    private var closeReason: ARIError?
    private var reported = false

    init(maxMessageSize: Int, masksFrames: Bool = true, deliver: @escaping (Output) -> Void) {
        self.maxMessageSize = maxMessageSize
        self.masksFrames = masksFrames
        self.deliver = deliver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary, .text:
            guard fragments == nil else { return fail(context, "a WebSocket message began inside a fragmented one") }
            if frame.fin {
                emit(frame.unmaskedData, text: frame.opcode == .text)
            } else {
                fragments = frame.unmaskedData
                fragmentsAreText = frame.opcode == .text
            }
        case .continuation:
            guard var joined = fragments else { return fail(context, "a continuation frame arrived with no message open") }
            var data = frame.unmaskedData
            guard joined.readableBytes + data.readableBytes <= maxMessageSize else {
                return fail(context, "a media message exceeded \(maxMessageSize) bytes")
            }
            joined.writeBuffer(&data)
            if frame.fin {
                fragments = nil
                emit(joined, text: fragmentsAreText)
            } else {
                fragments = joined
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: masksFrames ? .random() : nil, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .connectionClose:
            if closeReason == nil { closeReason = ARIError(.connectionFailed, "Asterisk closed the media WebSocket") }
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: masksFrames ? .random() : nil, data: context.channel.allocator.buffer(capacity: 0))
            context.writeAndFlush(wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        default:
            fail(context, "an unknown WebSocket opcode \(frame.opcode) arrived")
        }
    }

    private func emit(_ data: ByteBuffer, text: Bool) {
        deliver(text ? .control(String(buffer: data)) : .audio(data))
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        if closeReason == nil { closeReason = ARIError(.malformedEvent, message) }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if closeReason == nil { closeReason = ARIError(.connectionFailed, "the media WebSocket failed: \(error)") }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !reported {
            reported = true
            deliver(.closed(closeReason ?? ARIError(.connectionFailed, "the media WebSocket connection was lost")))
        }
        context.fireChannelInactive()
    }

    /// Marks the coming close as intended and sends a close frame.
    func closeOnPurpose(context: ChannelHandlerContext) {
        if !reported {
            reported = true
            deliver(.closed(nil))
        }
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: masksFrames ? .random() : nil, data: context.channel.allocator.buffer(integer: UInt16(1000)))
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
