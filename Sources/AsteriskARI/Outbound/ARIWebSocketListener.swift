import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// The listening side shared by ``ARIOutboundServer`` and ``ARIMediaServer``: TLS when configured, an
/// HTTP pipeline whose WebSocket upgrades the gate decides, refused requests answered with their
/// status, and each upgraded channel handed to `accept` on its event loop.
enum ARIWebSocketListener {
    /// Binds `host:port` and serves upgrades; returns the listening channel.
    static func listen(
        host: String, port: Int, tls: TLSConfiguration?, gate: ARIOutboundGate, maxFrameSize: Int, logger: Logger,
        accept: @escaping @Sendable (Channel) throws -> Void
    ) async throws(ARIError) -> Channel {
        let sslContext: NIOSSLContext?
        do {
            sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        } catch {
            throw ARIError(.invalidRequest, "the TLS configuration is not usable: \(error)")
        }
        do {
            return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext)) }
                        let upgrader = NIOWebSocketServerUpgrader(
                            maxFrameSize: maxFrameSize,
                            shouldUpgrade: { channel, head in channel.eventLoop.makeSucceededFuture(gate.check(head).upgradeHeaders) },
                            upgradePipelineHandler: { channel, _ in
                                channel.eventLoop.makeCompletedFuture {
                                    if let refusal = try? channel.pipeline.syncOperations.handler(type: ARIOutboundRefusalHandler.self) {
                                        channel.pipeline.syncOperations.removeHandler(refusal, promise: nil)
                                    }
                                    try accept(channel)
                                }
                            })
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                        try channel.pipeline.syncOperations.addHandler(ARIOutboundRefusalHandler(gate: gate, logger: logger))
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            throw ARIError(.connectionFailed, "could not listen on \(host):\(port): \(error)")
        }
    }
}
