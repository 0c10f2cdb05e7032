import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

extension ARIMediaSession {
    /// Opens the media WebSocket of a channel Asterisk waits on (`externalMedia` with
    /// `connection_type=server`, or `Dial(WebSocket/INCOMING)`): `ws(s)://host:port/media/<connectionID>`
    /// with the `media` subprotocol, then waits for `MEDIA_START`.
    /// - Parameters:
    ///   - url: the media URL, for example `ws://127.0.0.1:8088/media/1f3c…`.
    ///   - credentials: basic credentials, when Asterisk's HTTP server asks for them.
    ///   - tls: client TLS settings for wss.
    ///   - startTimeout: how long connecting and the upgrade may take, and then how long to wait for `MEDIA_START`.
    ///   - bufferFrames: how many frames from Asterisk may wait for the reader (the oldest are dropped beyond).
    public static func connect(
        url: String, credentials: ARICredentials? = nil, tls: TLSConfiguration? = nil, startTimeout: Duration = .seconds(10),
        bufferFrames: Int = 500, maxMessageSize: Int = 1 << 20
    ) async throws(ARIError) -> ARIMediaSession {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "ws" || scheme == "wss", let host = parsed.host
        else { throw ARIError(.invalidRequest, "a media URL looks like ws://host:8088/media/<connection id>, not \(url.debugDescription)") }
        let useTLS = scheme == "wss"
        let port = parsed.port ?? (useTLS ? 443 : 80)
        let sslContext = try ARIHTTPEndpoint.clientSSLContext(useTLS: useTLS, tls)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Sec-WebSocket-Protocol", value: "media")
        if let credentials {
            headers.add(name: "Authorization", value: credentials.basicAuthorization)
        }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: parsed.path + (parsed.query.map { "?" + $0 } ?? ""), headers: headers)
        let core = ARIMediaCore(bufferFrames: bufferFrames)
        let deadline = ARIUpgradeDeadline(timeout: startTimeout)
        let upgraded: EventLoopFuture<ARIMediaUpgrade>
        do {
            upgraded = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        deadline.arm(on: channel)
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: sslContext, serverHostname: ARIHTTPEndpoint.tlsServerName(for: host)))
                        }
                        let upgrader = NIOTypedWebSocketClientUpgrader<ARIMediaUpgrade>(maxFrameSize: maxMessageSize) { channel, _ in
                            deadline.disarm()
                            return channel.eventLoop.makeCompletedFuture {
                                try core.install(on: channel, maxMessageSize: maxMessageSize)
                                return .upgraded
                            }
                        }
                        let upgrade = NIOTypedHTTPClientUpgradeConfiguration<ARIMediaUpgrade>(
                            upgradeRequestHead: head, upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    let collector = ARIDeclinedUpgradeCollector(promise: channel.eventLoop.makePromise())
                                    try channel.pipeline.syncOperations.addHandler(collector)
                                    return .declined(collector.promise.futureResult.map(\.status))
                                }
                            })
                        // MEDIA_START may come in the same read as the 101: keep those bytes.
                        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
                        pipeline.leftOverBytesStrategy = .forwardBytes
                        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                    }
                }
        } catch {
            throw deadline.error(for: error) { ARIError(.connectionFailed, "could not connect to \(host):\(port): \($0)") }
        }
        let outcome: ARIMediaUpgrade
        do {
            outcome = try await upgraded.get()
        } catch {
            throw deadline.error(for: error) { ARIError(.connectionFailed, "the media WebSocket upgrade failed: \($0)") }
        }
        if case .declined(let status) = outcome {
            let code = (try? await status.get()) ?? 0
            throw ARIError(code == 401 ? .authenticationFailed : .requestFailed, "Asterisk refused the media WebSocket with HTTP \(code)", status: code)
        }
        switch await core.waitForStart(timeout: startTimeout) {
        case .success(let start):
            return ARIMediaSession(start: start, core: core)
        case .failure(let error):
            core.close()
            throw error
        }
    }
}

/// The outcome of a media WebSocket upgrade.
enum ARIMediaUpgrade: Sendable {
    case upgraded
    /// Refused: the future of the HTTP status.
    case declined(EventLoopFuture<Int>)
}

extension ARIClient {
    /// The media URL of a connection id on this client's Asterisk (`ws(s)://host:port/media/<id>`).
    func mediaURL(connectionID: String) throws(ARIError) -> String {
        guard let url = URL(string: configuration.baseURL), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw ARIError(.invalidRequest, "the base URL must look like http://host:8088/ari")
        }
        let port = url.port.map { ":\($0)" } ?? ""
        return (scheme == "https" ? "wss" : "ws") + "://\(host)\(port)/media/\(ARIRequestBuilding.segment(connectionID))"
    }

    /// Opens the media WebSocket of a connection id (`MEDIA_WEBSOCKET_CONNECTION_ID`) on this client's Asterisk.
    public func mediaSession(connectionID: String, startTimeout: Duration = .seconds(10), bufferFrames: Int = 500) async throws(ARIError) -> ARIMediaSession {
        let credentials = configuration.credentials.method == .basic ? configuration.credentials : nil
        return try await ARIMediaSession.connect(
            url: try mediaURL(connectionID: connectionID), credentials: credentials, tls: configuration.tls, startTimeout: startTimeout,
            bufferFrames: bufferFrames)
    }

    /// Creates an external-media channel carried over a WebSocket (`transport=websocket`,
    /// `encapsulation=none`, `connection_type=server`) in `app`, and opens its media session.
    /// - Parameters:
    ///   - app: the Stasis application the channel enters.
    ///   - format: the audio format (`slin16`, `ulaw`, …).
    ///   - channelID: the channel's id (a fresh one when nil).
    ///   - bufferFrames: how many frames from Asterisk may wait for the reader.
    public func externalMedia(
        app: String, format: String, channelID: String? = nil, variables: [String: String]? = nil, startTimeout: Duration = .seconds(10),
        bufferFrames: Int = 500
    ) async throws(ARIError) -> (channel: ARIChannel, media: ARIMediaSession) {
        let channel = try await send(ARIOperations.Channels.externalMedia(
            app: app, format: format, channelID: channelID ?? ARIClient.freshID(for: .channel), variables: variables,
            encapsulation: "none", transport: "websocket", connectionType: "server"))
        guard case .object(let vars)? = channel.channelvars, case .string(let connectionID)? = vars["MEDIA_WEBSOCKET_CONNECTION_ID"] else {
            throw ARIError(.malformedResponse, "the external-media channel \(channel.id) came without MEDIA_WEBSOCKET_CONNECTION_ID", operation: "channels.externalMedia")
        }
        do {
            return (channel, try await mediaSession(connectionID: connectionID, startTimeout: startTimeout, bufferFrames: bufferFrames))
        } catch {
            _ = try? await send(ARIOperations.Channels.hangup(channelID: channel.id))
            throw error
        }
    }
}
