import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Accepts the media WebSockets Asterisk opens to the application, one per call
/// (`Dial(WebSocket/<client id>)`, or an external-media channel with `connection_type=client`, with a
/// `websocket_client` in websocket_client.conf whose `protocols = media`), and hands over each as an
/// ``ARIMediaSession`` once Asterisk has sent `MEDIA_START`.
///
/// ```swift
/// let server = ARIMediaServer(configuration: .init(port: 8787, credentials: .basic("asterisk", "s3cret")))
/// try await server.start()
/// for await media in server.sessions {
///     Task { for await frame in media.audio { recognizer.feed(frame, channel: media.start.channelID) } }
/// }
/// ```
///
/// The server binds to 127.0.0.1 unless told otherwise, checks the path and basic credentials when
/// configured, accepts the `media` subprotocol, and speaks TLS (wss) when given a certificate. A
/// connection that does not complete its WebSocket upgrade within ``Configuration/upgradeTimeout``, or
/// then sends no `MEDIA_START` within ``Configuration/startTimeout``, is closed; connections beyond
/// ``Configuration/maximumConnections`` are refused.
public final class ARIMediaServer: Sendable {
    /// How connections are accepted.
    public struct Configuration: Sendable {
        /// The address to listen on; 127.0.0.1 unless Asterisk runs on another machine.
        public var host: String
        /// The port (0: any free port, see ``ARIMediaServer/port``).
        public var port: Int
        /// The path Asterisk must use (the path of the client's `uri`); nil accepts any.
        public var path: String?
        /// The `username` / `password` Asterisk must send; nil accepts any connection.
        public var credentials: ARICredentials?
        /// Server TLS (wss); nil for plain ws.
        public var tls: TLSConfiguration?
        /// How long a new connection may take to send `MEDIA_START`.
        public var startTimeout: Duration
        /// How many frames from Asterisk may wait for a session's reader.
        public var bufferFrames: Int
        /// How many accepted sessions may wait to be taken from ``ARIMediaServer/sessions`` (the oldest
        /// are closed beyond).
        public var pendingSessions: Int
        /// Connections open at once; more are refused (closed as they arrive).
        public var maximumConnections: Int
        /// How long a new connection may take to complete its WebSocket upgrade before it is closed.
        public var upgradeTimeout: Duration

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1", port: Int = 8787, path: String? = nil, credentials: ARICredentials? = nil,
            tls: TLSConfiguration? = nil, startTimeout: Duration = .seconds(10), bufferFrames: Int = 500, pendingSessions: Int = 100,
            maximumConnections: Int = 10_000, upgradeTimeout: Duration = .seconds(10)
        ) {
            self.maximumConnections = maximumConnections
            self.upgradeTimeout = upgradeTimeout
            self.host = host
            self.port = port
            self.path = path
            self.credentials = credentials
            self.tls = tls
            self.startTimeout = startTimeout
            self.bufferFrames = bufferFrames
            self.pendingSessions = pendingSessions
        }
    }

    /// The configuration the server was made with.
    public let configuration: Configuration
    /// Each accepted call's media session, after its `MEDIA_START`.
    public let sessions: AsyncStream<ARIMediaSession>
    private let continuation: AsyncStream<ARIMediaSession>.Continuation
    private let logger: Logger
    private let listener = NIOLockedValueBox<Channel?>(nil)
    private let boundPort = NIOLockedValueBox(0)
    private let open = NIOLockedValueBox<[ObjectIdentifier: ARIMediaCore]>([:])

    /// Creates a server; nothing listens until ``start()``.
    public init(configuration: Configuration, logger: Logger = Logger(label: "asterisk.ari.media")) {
        self.configuration = configuration
        self.logger = logger
        let (stream, continuation) = AsyncStream<ARIMediaSession>.makeStream(
            bufferingPolicy: .bufferingNewest(max(1, configuration.pendingSessions)))
        self.sessions = stream
        self.continuation = continuation
    }

    /// The port the server listens on.
    public var port: Int { boundPort.withLockedValue { $0 } }

    /// The number of media connections open now.
    public var connectionCount: Int { open.withLockedValue { $0.count } }

    /// Starts listening.
    /// - Throws: ``ARIError`` `.invalidRequest` for an unusable TLS configuration, `.connectionFailed` when the address cannot be bound.
    public func start() async throws(ARIError) {
        var gate = ARIOutboundGate(path: configuration.path, credentials: configuration.credentials)
        gate.subprotocol = "media"
        let channel = try await ARIWebSocketListener.listen(
            host: configuration.host, port: configuration.port, tls: configuration.tls, gate: gate, maxFrameSize: 1 << 20,
            limits: .init(connections: configuration.maximumConnections, upgradeTimeout: configuration.upgradeTimeout), logger: logger
        ) { [self] channel in
            try accept(channel)
        }
        listener.withLockedValue { $0 = channel }
        boundPort.withLockedValue { $0 = channel.localAddress?.port ?? configuration.port }
        logger.info("ARI media WebSocket server listening", metadata: ["asterisk.ari.port": "\(port)"])
    }

    /// Takes over an upgraded channel (on its event loop) and hands its session over after `MEDIA_START`.
    private func accept(_ channel: Channel) throws {
        let core = ARIMediaCore(bufferFrames: configuration.bufferFrames, masksFrames: false)
        try core.install(on: channel, maxMessageSize: 1 << 20)
        let key = ObjectIdentifier(channel)
        open.withLockedValue { $0[key] = core }
        channel.closeFuture.whenComplete { [self] _ in open.withLockedValue { $0[key] = nil } }
        let timeout = configuration.startTimeout
        Task { [self] in
            switch await core.waitForStart(timeout: timeout) {
            case .success(let start):
                if case .dropped(let oldest) = continuation.yield(ARIMediaSession(start: start, core: core)) { oldest.close() }
            case .failure(let error):
                logger.warning("A media WebSocket sent no MEDIA_START", metadata: ["asterisk.error": "\(error)"])
                core.close()
            }
        }
    }

    /// Stops listening, closes every media connection and ends ``sessions``.
    public func shutdown() async {
        let channel = listener.withLockedValue { state -> Channel? in
            defer { state = nil }
            return state
        }
        try? await channel?.close()
        let cores = open.withLockedValue { Array($0.values) }
        for core in cores { core.close() }
        continuation.finish()
    }
}
