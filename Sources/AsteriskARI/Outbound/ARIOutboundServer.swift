import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import ServiceLifecycle

/// Serves Stasis applications over the WebSockets Asterisk 22+ opens to them (an `outbound_websocket`
/// in ari.conf with a `websocket_client` in websocket_client.conf): Asterisk connects here, sends the
/// applications' events, and takes REST requests as messages on the same socket.
///
/// ```swift
/// let server = ARIOutboundServer(configuration: .init(port: 8765, credentials: .basic("asterisk", "s3cret")))
/// try await server.start()
/// let app = StasisApplication(name: "ivr", client: server.client) { call in
///     try await call.answer()
///     try await call.play("sound:hello-world")
///     try await call.hangup()
/// }
/// try await app.run()
/// ```
///
/// ``client`` is an ``ARIClient`` whose requests travel over the accepted WebSockets and whose one
/// ``ARIClient/events(apps:subscribeAll:reconnect:bufferSize:)`` subscription reads them, so the whole
/// Stasis API works unchanged. The server binds to 127.0.0.1 unless told otherwise, checks the
/// credentials Asterisk sends (basic authentication, when configured), accepts the `ari` subprotocol,
/// and speaks TLS (wss) when given a certificate. A connection that has not completed its WebSocket
/// upgrade within ``Configuration/upgradeTimeout`` is closed, and connections beyond
/// ``Configuration/maximumConnections`` are refused.
public final class ARIOutboundServer: Sendable {
    /// How connections are made and checked.
    public struct Configuration: Sendable {
        /// How Asterisk uses its connections (`connection_type` in websocket_client.conf).
        public enum ConnectionType: Sendable, Hashable {
            /// One long-lived connection for the applications; its loss and return are reported as
            /// `.connectionLost` / `.reconnected` markers.
            case persistent
            /// A connection per call (`per_call_config`), closed a few seconds after the call's `StasisEnd`.
            case perCall
        }

        /// The address to listen on; 127.0.0.1 unless Asterisk runs on another machine.
        public var host: String
        /// The port to listen on (0: any free port, see ``ARIOutboundServer/port``).
        public var port: Int
        /// The request path Asterisk must use (the path of `uri` in websocket_client.conf); nil accepts any.
        public var path: String?
        /// The `username` / `password` Asterisk must send (basic authentication); nil accepts any connection.
        public var credentials: ARICredentials?
        /// How Asterisk uses its connections.
        public var connectionType: ConnectionType
        /// Server TLS (wss); nil for plain ws.
        public var tls: TLSConfiguration?
        /// How long a REST request may wait for its response.
        public var requestTimeout: Duration
        /// The largest message accepted.
        public var maxMessageSize: Int
        /// How often each connection is pinged (a silent one is closed after two intervals); nil never pings.
        public var pingInterval: Duration?
        /// How many messages may wait for the subscription's consumer before the oldest are dropped.
        public var bufferSize: Int
        /// How many bytes of messages may wait for the subscription's consumer before the oldest are dropped.
        public var maxBufferedEventBytes: Int
        /// Connections open at once; more are refused (closed as they arrive).
        public var maximumConnections: Int
        /// How long a new connection may take to complete its WebSocket upgrade before it is closed.
        public var upgradeTimeout: Duration

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1", port: Int = 8765, path: String? = nil, credentials: ARICredentials? = nil,
            connectionType: ConnectionType = .persistent, tls: TLSConfiguration? = nil, requestTimeout: Duration = .seconds(10),
            maxMessageSize: Int = 16 * 1024 * 1024, pingInterval: Duration? = .seconds(20), bufferSize: Int = 100_000,
            maxBufferedEventBytes: Int = 64 * 1024 * 1024, maximumConnections: Int = 10_000, upgradeTimeout: Duration = .seconds(10)
        ) {
            self.maxBufferedEventBytes = maxBufferedEventBytes
            self.maximumConnections = maximumConnections
            self.upgradeTimeout = upgradeTimeout
            self.host = host
            self.port = port
            self.path = path
            self.credentials = credentials
            self.connectionType = connectionType
            self.tls = tls
            self.requestTimeout = requestTimeout
            self.maxMessageSize = maxMessageSize
            self.pingInterval = pingInterval
            self.bufferSize = bufferSize
        }
    }

    /// The configuration the server was made with.
    public let configuration: Configuration
    /// The client whose requests and events travel over the connections Asterisk opened.
    public let client: ARIClient
    let source: ARIAcceptedEventSource
    private let logger: Logger
    private let listener = NIOLockedValueBox<Channel?>(nil)
    private let boundPort = NIOLockedValueBox(0)

    /// Creates a server; nothing listens until ``start()``.
    public init(configuration: Configuration, logger: Logger = Logger(label: "asterisk.ari.outbound")) {
        self.configuration = configuration
        self.logger = logger
        let client = ARIClient(
            configuration: ARIClientConfiguration(
                baseURL: "http://\(configuration.host):\(configuration.port)/ari", credentials: .basic("", ""),
                requestTimeout: configuration.requestTimeout, maxResponseSize: configuration.maxMessageSize, tls: nil,
                webSocketPingInterval: configuration.pingInterval, restTransport: .webSocket(app: "")),
            logger: logger)
        let source = ARIAcceptedEventSource(
            logger: logger, routes: client.routes, bufferSize: configuration.bufferSize,
            bufferBytes: configuration.maxBufferedEventBytes,
            reportsConnectionChanges: configuration.connectionType == .persistent)
        client.restCarrier.withLockedValue { $0.source = source }
        client.outbound.withLockedValue { $0 = source }
        self.client = client
        self.source = source
    }

    /// The port the server listens on (the chosen one when ``Configuration/port`` was 0).
    public var port: Int { boundPort.withLockedValue { $0 } }

    /// The number of WebSockets Asterisk has open to the server now.
    public var connectionCount: Int { source.connectionCount }

    /// Starts listening.
    /// - Throws: ``ARIError`` `.invalidRequest` for an unusable TLS configuration, `.connectionFailed` when the address cannot be bound.
    public func start() async throws(ARIError) {
        let source = self.source
        let maxMessageSize = configuration.maxMessageSize
        let pingInterval = configuration.pingInterval.map(TimeAmount.init)
        let channel = try await ARIWebSocketListener.listen(
            host: configuration.host, port: configuration.port, tls: configuration.tls,
            gate: ARIOutboundGate(path: configuration.path, credentials: configuration.credentials),
            maxFrameSize: min(maxMessageSize, 1 << 24),
            limits: .init(connections: configuration.maximumConnections, upgradeTimeout: configuration.upgradeTimeout), logger: logger
        ) { channel in
            if try !source.accept(channel, maxMessageSize: maxMessageSize, pingInterval: pingInterval) { channel.close(promise: nil) }
        }
        listener.withLockedValue { $0 = channel }
        boundPort.withLockedValue { $0 = channel.localAddress?.port ?? configuration.port }
        logger.info("ARI outbound WebSocket server listening", metadata: ["asterisk.ari.port": "\(port)"])
    }

    /// Stops listening, closes Asterisk's connections and ends the subscription (waiting requests fail).
    public func shutdown() async {
        let channel = listener.withLockedValue { state -> Channel? in
            defer { state = nil }
            return state
        }
        try? await channel?.close()
        source.close()
        try? await client.shutdown()
    }
}

extension ARIOutboundServer: Service {
    /// Starts the server and serves until cancelled or a graceful shutdown, then shuts down.
    public func run() async throws {
        try await start()
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await source.waitUntilClosed()
            } onCancel: {
                self.source.close()
            }
        } onGracefulShutdown: {
            self.source.close()
        }
        await shutdown()
    }
}
