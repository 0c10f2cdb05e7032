import NIOCore
import NIOHTTP1

/// Answers requests through NIO's HTTP pipeline, on a connection ``FakeARIPlainHTTPHandler`` handed
/// over for an upgrade (the upgrade request itself when it is refused).
final class FakeARIHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The handler's name in the pipeline (removed when a connection becomes a WebSocket).
    static let name = "fake-ari-http"

    private let server: FakeARIServer
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(server: FakeARIServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            let response = server.answer(head, body: String(buffer: body))
            let delay = server.state.withLockedValue { $0.delay }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            // An upgrade request that reaches here was refused; NIO's decoder reads nothing after an
            // upgrade request, so the connection ends with its answer rather than hang.
            let keepAlive = head.isKeepAlive && !head.headers.contains(name: "Upgrade")
            if let delay {
                context.eventLoop.scheduleTask(in: TimeAmount(delay)) {
                    bound.value.0.write(response, keepAlive: keepAlive, context: bound.value.1)
                }
            } else {
                write(response, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func write(_ response: FakeARIResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: String(response.body.utf8.count))
        if !response.body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !keepAlive { context.close(promise: nil) }
    }
}
