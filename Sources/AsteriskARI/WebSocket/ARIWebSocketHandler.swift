import NIOCore
import NIOWebSocket

/// The NIO edge of the events WebSocket once upgraded: reads frames from the connection's bytes
/// (``ARIWebSocketFrameReader``), joins fragments into whole text messages, answers pings, echoes a
/// close, and watches the connection with its own pings (a peer that stops answering is closed, so a
/// half-open connection cannot stall the stream). Frames are masked on the client side of a connection
/// (we dialled Asterisk) and not on the server side (Asterisk dialled an ``ARIOutboundServer``).
///
/// It reads bytes, not NIO's decoded frames: NIO's decoder compacts its buffer after each read, and
/// since the messages of a burst are slices of that buffer, waiting to be decoded, every compaction
/// copied it (a third of the event loop's time at full rate). ``ARIEventConnection/install`` puts it in
/// front of the decoder the upgrade added, which then never sees a byte.
final class ARIWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    /// What the handler reports, on the event loop.
    enum Output {
        /// The complete text (or binary) messages of one read burst, in order.
        case messages([ByteBuffer])
        /// The connection ended; nil when it was closed on purpose.
        case closed(ARIError?)
    }

    private let maxMessageSize: Int
    private let pingInterval: TimeAmount?
    private let masksFrames: Bool
    private let deliver: (Output) -> Void
    private var reader: ARIWebSocketFrameReader
    private var fragments: ByteBuffer?
    /// Set once the handler has decided to close: frames read after that are ignored.
    private var closing = false
    /// Messages completed during the current read burst, delivered together on `channelReadComplete`.
    private var burst: [ByteBuffer] = []
    private var closeReason: ARIError?
    private var receivedSinceLastPing = true
    private var pingTask: RepeatedTask?
    private var reported = false
    /// Whether a flush of the burst is queued on the event loop (see ``scheduleFlush(context:)``).
    private var flushScheduled = false

    init(maxMessageSize: Int, pingInterval: TimeAmount?, masksFrames: Bool = true, deliver: @escaping (Output) -> Void) {
        self.masksFrames = masksFrames
        self.maxMessageSize = maxMessageSize
        self.pingInterval = pingInterval
        self.deliver = deliver
        self.reader = ARIWebSocketFrameReader(maxFrameSize: maxMessageSize)
    }

    /// A fresh masking key on the client side, none on the server side.
    private var mask: WebSocketMaskingKey? { masksFrames ? .random() : nil }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let pingInterval else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pingTask = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
            bound.value.0.keepAlive(context: bound.value.1)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pingTask?.cancel()
        pingTask = nil
    }

    private func keepAlive(context: ChannelHandlerContext) {
        guard receivedSinceLastPing else {
            close(context: context, reason: ARIError(.connectionFailed, "the events WebSocket stopped answering pings"))
            return
        }
        receivedSinceLastPing = false
        let ping = WebSocketFrame(fin: true, opcode: .ping, maskKey: mask, data: context.channel.allocator.buffer(capacity: 0))
        context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        reader.append(unwrapInboundIn(data))
        receivedSinceLastPing = true
        do {
            while !closing, let frame = try reader.next() { handle(frame, context: context) }
        } catch {
            closeReason = closeReason ?? ARIError(.malformedEvent, error.description)
            var code = context.channel.allocator.buffer(capacity: 2)
            code.write(webSocketErrorCode: error.closeCode)
            writeThenClose(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: mask, data: code), context: context)
        }
    }

    private func handle(_ frame: ARIWebSocketFrameReader.Frame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case .text, .binary:
            if fragments != nil {
                close(context: context, reason: ARIError(.malformedEvent, "a new WebSocket message began inside a fragmented one"))
                return
            }
            append(frame, context: context)
        case .continuation:
            guard fragments != nil else {
                close(context: context, reason: ARIError(.malformedEvent, "a WebSocket continuation frame arrived with no message open"))
                return
            }
            append(frame, context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: mask, data: frame.payload)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            var data = frame.payload
            let code = data.readWebSocketErrorCode()
            if closeReason == nil {
                closeReason = ARIError(.connectionFailed, "Asterisk closed the events WebSocket" + (code.map { " (\($0))" } ?? ""))
            }
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: mask, data: context.channel.allocator.buffer(capacity: 0))
            writeThenClose(reply, context: context)
        default:
            close(context: context, reason: ARIError(.malformedEvent, "an unknown WebSocket opcode \(frame.opcode) arrived"))
        }
    }

    private func append(_ frame: ARIWebSocketFrameReader.Frame, context: ChannelHandlerContext) {
        var data = frame.payload
        let size = (fragments?.readableBytes ?? 0) + data.readableBytes
        guard size <= maxMessageSize else {
            close(context: context, reason: ARIError(.malformedEvent, "a WebSocket message exceeded \(maxMessageSize) bytes"))
            return
        }
        if frame.fin {
            if burst.isEmpty { scheduleFlush(context: context) }
            if var joined = fragments {
                fragments = nil
                joined.writeBuffer(&data)
                burst.append(joined)
            } else {
                burst.append(data)
            }
        } else if fragments == nil {
            fragments = data
        } else {
            fragments!.writeBuffer(&data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushBurst()
        context.fireChannelReadComplete()
    }

    /// Bytes that came with the upgrade answer are forwarded without a read-complete: a burst must not
    /// wait for the next read, so one flush is queued whenever a burst starts (normally
    /// `channelReadComplete` has delivered it by then and the queued flush finds nothing).
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.flushScheduled = false
            bound.value.flushBurst()
        }
    }

    private func flushBurst() {
        guard !burst.isEmpty else { return }
        let messages = burst
        burst.removeAll(keepingCapacity: true)
        deliver(.messages(messages))
    }

    /// Closes the connection, remembering why (on the event loop).
    func close(context: ChannelHandlerContext, reason: ARIError?) {
        closing = true
        if closeReason == nil { closeReason = reason }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close(context: context, reason: ARIError(.connectionFailed, "the events WebSocket failed: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        flushBurst()
        if !reported {
            reported = true
            deliver(.closed(closeReason ?? ARIError(.connectionFailed, "the events WebSocket connection was lost")))
        }
        context.fireChannelInactive()
    }

    /// Marks the coming close as intended, so it is reported without an error.
    func closeOnPurpose(context: ChannelHandlerContext) {
        if !reported {
            reported = true
            deliver(.closed(nil))
        }
        let frame = WebSocketFrame(
            fin: true, opcode: .connectionClose, maskKey: mask,
            data: context.channel.allocator.buffer(integer: UInt16(1000)))
        writeThenClose(frame, context: context)
    }

    private func writeThenClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        closing = true
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
