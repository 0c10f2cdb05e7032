import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// The listening side shared by ``ARIOutboundServer`` and ``ARIMediaServer``: TLS when configured, an
/// HTTP pipeline whose WebSocket upgrades the gate decides, refused requests answered with their
/// status, and each upgraded channel handed to `accept` on its event loop. At most `limits.connections`
/// connections are open at once (more are closed as they arrive), and one that has not upgraded within
/// `limits.upgradeTimeout` is closed, so idle or half-open peers cannot pile up.
enum ARIWebSocketListener {
    /// How many connections may be open, and how long one may take to upgrade.
    struct Limits: Sendable {
        var connections: Int
        var upgradeTimeout: Duration
    }

    /// Binds `host:port` and serves upgrades; returns the listening channel.
    static func listen(
        host: String, port: Int, tls: TLSConfiguration?, gate: ARIOutboundGate, maxFrameSize: Int, limits: Limits, logger: Logger,
        accept: @escaping @Sendable (Channel) throws -> Void
    ) async throws(ARIError) -> Channel {
        let open = NIOLockedValueBox(0)
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
                        let admitted = open.withLockedValue { count -> Bool in
                            guard count < limits.connections else { return false }
                            count += 1
                            return true
                        }
                        guard admitted else {
                            logger.warning("ARI WebSocket connection refused: too many open", metadata: ["asterisk.ari.limit": "\(limits.connections)"])
                            channel.close(promise: nil)
                            return
                        }
                        let deadline = ARIUpgradeDeadline(timeout: limits.upgradeTimeout)
                        deadline.arm(on: channel)
                        channel.closeFuture.whenComplete { _ in
                            if deadline.hasPassed { logger.debug("ARI WebSocket connection closed: no upgrade in time") }
                            open.withLockedValue { $0 -= 1 }
                        }
                        if let sslContext { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext)) }
                        let upgrader = NIOWebSocketServerUpgrader(
                            maxFrameSize: maxFrameSize,
                            shouldUpgrade: { channel, head in channel.eventLoop.makeSucceededFuture(gate.check(head).upgradeHeaders) },
                            upgradePipelineHandler: { channel, _ in
                                deadline.disarm()
                                return channel.eventLoop.makeCompletedFuture {
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
