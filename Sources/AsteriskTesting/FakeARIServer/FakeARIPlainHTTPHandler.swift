import NIOCore
import NIOHTTP1

/// The front of every fake ARI connection: answers plain HTTP/1.1 requests itself, from the bytes
/// (``FakeARIRequestReader``) straight to one buffer per answer, so a load test measures its client
/// rather than an HTTP library. A request that asks for an upgrade (the events WebSocket, a media
/// socket) hands the connection, that request's bytes included, to NIO's HTTP pipeline with the
/// WebSocket upgrader, as the fake had it before.
final class FakeARIPlainHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: FakeARIServer
    private let reader = FakeARIRequestReader()
    /// What has arrived and is not answered yet.
    private var pending = ByteBuffer()
    /// A delayed answer is due: later requests wait for it, and reading stops until it is written.
    private var answering = false
    /// A read asked for while ``answering``, made when the answer is out.
    private var readHeld = false
    /// An answer said `Connection: close`: nothing after it is read.
    private var closing = false
    /// The connection went to NIO's pipeline: bytes pass through until this handler is gone.
    private var handedOver = false

    init(server: FakeARIServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if handedOver { return context.fireChannelRead(data) }
        var bytes = unwrapInboundIn(data)
        if pending.readableBytes == 0 {
            pending = bytes
        } else {
            pending.writeBuffer(&bytes)
        }
        serve(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if answering {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// Answers the complete requests that have arrived, in order, one flush for all of them.
    private func serve(context: ChannelHandlerContext) {
        var wrote = false
        defer {
            if wrote { context.flush() }
            // Nothing left: let go of the read's storage, so the channel's allocator can reuse it.
            if pending.readableBytes == 0 { pending = ByteBuffer() } else if pending.readerIndex > 65_536 { pending.discardReadBytes() }
        }
        while !answering, !closing, !handedOver, context.channel.isActive {
            let request: FakeARIRequestReader.Request
            do {
                guard let complete = try reader.request(in: pending) else { return }
                request = complete
            } catch {
                refuse(error, context: context)
                return
            }
            if request.head.headers.contains(name: "Upgrade") {
                handOver(context: context)
                return
            }
            pending.moveReaderIndex(forwardBy: request.length)
            let response = server.answer(request.head, body: String(buffer: request.body))
            let keepAlive = request.head.isKeepAlive
            if let delay = server.state.withLockedValue({ $0.delay }) {
                answering = true
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: TimeAmount(delay)) {
                    let (handler, context) = bound.value
                    handler.write(response, keepAlive: keepAlive, context: context)
                    context.flush()
                    handler.answering = false
                    if handler.readHeld {
                        handler.readHeld = false
                        context.read()
                    }
                    handler.serve(context: context)
                }
                return
            }
            write(response, keepAlive: keepAlive, context: context)
            wrote = true
            if !keepAlive { return }
        }
    }

    /// One answer as one buffer; the connection closes after it unless kept alive.
    private func write(_ response: FakeARIResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        let status = HTTPResponseStatus(statusCode: response.status)
        var buffer = context.channel.allocator.buffer(capacity: 128 + response.body.utf8.count)
        buffer.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nContent-Length: \(response.body.utf8.count)\r\n")
        if !response.body.isEmpty { buffer.writeStaticString("Content-Type: application/json\r\n") }
        buffer.writeStaticString(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n")
        buffer.writeString(response.body)
        if keepAlive {
            context.write(wrapOutboundOut(buffer), promise: nil)
        } else {
            closing = true
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Answers a request that cannot be read with its status, then closes (its framing is lost).
    private func refuse(_ failure: FakeARIRequestReader.Failure, context: ChannelHandlerContext) {
        pending = ByteBuffer()
        let message = switch failure {
        case .malformed(let reason): "Bad request: \(reason)"
        case .headTooLarge: "Request header fields too large"
        case .bodyTooLarge: "Request body too large"
        }
        write(.error(failure.status, message), keepAlive: false, context: context)
    }

    /// Puts NIO's HTTP server pipeline (with the upgrade watcher and the request handler) behind this
    /// handler, passes it every byte from the upgrade request on, and leaves the pipeline (after the
    /// bytes, so they reach the new handlers in order).
    private func handOver(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.configureHTTPServerPipeline(withOutboundHeaderValidation: false)
            try pipeline.addHandler(FakeARIUpgradeWatcher(server: server))
            try pipeline.addHandler(FakeARIHTTPHandler(server: server), name: FakeARIHTTPHandler.name)
        } catch {
            context.close(promise: nil)
            return
        }
        handedOver = true
        let rest = pending
        pending = ByteBuffer()
        context.fireChannelRead(wrapInboundOut(rest))
        context.fireChannelReadComplete()
        pipeline.removeHandler(context: context, promise: nil)
    }
}
