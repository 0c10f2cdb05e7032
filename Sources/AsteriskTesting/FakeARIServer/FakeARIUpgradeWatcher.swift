import NIOCore
import NIOHTTP1

/// Puts NIO's upgrade handler in front of a request that asks for an upgrade, on a connection
/// ``FakeARIPlainHTTPHandler`` handed to NIO's HTTP pipeline (Asterisk accepts the events WebSocket
/// after plain requests on a kept-alive connection): NIO's handler would look at a connection's first
/// request only.
final class FakeARIUpgradeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let server: FakeARIServer

    init(server: FakeARIServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), head.headers.contains(name: "Upgrade") {
            armUpgrade(context: context)
        }
        context.fireChannelRead(data)
    }

    /// Adds the upgrade handler right after this one, so the request about to be passed on is the
    /// first it sees. On an upgrade it removes the HTTP handlers, this one included.
    private func armUpgrade(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        guard (try? pipeline.handler(type: HTTPServerUpgradeHandler.self)) == nil,
            let encoder = try? pipeline.handler(type: HTTPResponseEncoder.self),
            let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        else { return }
        var extra: [RemovableChannelHandler] = [decoder]
        if let pipelining = try? pipeline.handler(type: HTTPServerPipelineHandler.self) { extra.append(pipelining) }
        if let errors = try? pipeline.handler(type: HTTPServerProtocolErrorHandler.self) { extra.append(errors) }
        if let validator = try? pipeline.handler(type: NIOHTTPResponseHeadersValidator.self) { extra.append(validator) }
        extra.append(self)
        let upgrader = HTTPServerUpgradeHandler(
            upgraders: [server.webSocketUpgrader()], httpEncoder: encoder, extraHTTPHandlers: extra, upgradeCompletionHandler: { _ in })
        try? pipeline.addHandler(upgrader, position: .after(self))
    }
}
