import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Where the events WebSocket is: host, port, TLS, and the request line and headers of the upgrade.
struct ARIEventsEndpoint: Sendable {
    /// Host, port and TLS, from the base URL.
    var http: ARIHTTPEndpoint
    var host: String { http.host }
    var port: Int { http.port }
    var useTLS: Bool { http.useTLS }
    /// `/ari/events?app=a,b&subscribeAll=true`.
    var uri: String
    var headers: HTTPHeaders

    /// The endpoint for `apps`, from the client's base URL and credentials.
    init(configuration: ARIClientConfiguration, apps: [String], subscribeAll: Bool) throws(ARIError) {
        let endpoint = try ARIHTTPEndpoint(baseURL: configuration.baseURL)
        guard !apps.isEmpty else { throw ARIError(.invalidRequest, "the events WebSocket needs at least one application") }
        for app in apps where app.isEmpty || app.contains(",") {
            throw ARIError(.invalidRequest, "\(app.debugDescription) is not a usable application name")
        }
        self.http = endpoint
        var query = [("app", apps.joined(separator: ","))]
        if subscribeAll { query.append(("subscribeAll", "true")) }
        let credentials = configuration.credentials
        if credentials.method == .apiKey { query.append(("api_key", "\(credentials.username):\(credentials.password)")) }
        self.uri = endpoint.basePath + "/events?" + query.map { ARIClient.encode($0.0) + "=" + ARIClient.encode($0.1) }.joined(separator: "&")
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "Content-Length", value: "0")
        if credentials.method == .basic { headers.add(name: "Authorization", value: credentials.basicAuthorization) }
        self.headers = headers
    }
}

/// One open events WebSocket (dialled to Asterisk, or accepted from it by an ``ARIOutboundServer``).
final class ARIEventConnection: Sendable {
    let channel: Channel
    private let handler: NIOLoopBound<ARIWebSocketHandler>
    private let context: NIOLoopBound<ChannelHandlerContext>
    /// Whether frames we write are masked (we are the client).
    private let masksFrames: Bool

    private init(
        channel: Channel, handler: NIOLoopBound<ARIWebSocketHandler>, context: NIOLoopBound<ChannelHandlerContext>, masksFrames: Bool
    ) {
        self.channel = channel
        self.handler = handler
        self.context = context
        self.masksFrames = masksFrames
    }

    /// Puts the WebSocket handler on an upgraded channel and wraps it (on the channel's event loop).
    static func install(
        on channel: Channel, maxMessageSize: Int, pingInterval: TimeAmount?, masksFrames: Bool,
        deliver: @escaping @Sendable (ARIWebSocketHandler.Output) -> Void
    ) throws -> ARIEventConnection {
        let handler = ARIWebSocketHandler(maxMessageSize: maxMessageSize, pingInterval: pingInterval, masksFrames: masksFrames, deliver: deliver)
        // The handler reads frames from bytes itself: it goes in front of the decoder that NIO's upgrade
        // added (which then never sees a byte), behind the frame encoder it writes through. Without that
        // decoder the pipeline is not one this handler knows how to join.
        let pipeline = channel.pipeline.syncOperations
        guard let decoder = try? pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self) else {
            throw ARIError(.connectionFailed, "the WebSocket upgrade left no frame decoder in front of the events handler")
        }
        try pipeline.addHandler(handler, position: .before(decoder))
        let context = try channel.pipeline.syncOperations.context(handler: handler)
        return ARIEventConnection(
            channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
            context: NIOLoopBound(context, eventLoop: channel.eventLoop), masksFrames: masksFrames)
    }

    /// The outcome of the HTTP upgrade.
    private enum Upgrade: Sendable {
        case upgraded(ARIEventConnection)
        case declined(EventLoopFuture<(status: Int, body: String)>)
    }

    /// Connects and upgrades; `deliver` then receives every message and, once, the end of the connection.
    static func connect(
        to endpoint: ARIEventsEndpoint, configuration: ARIClientConfiguration,
        deliver: @escaping @Sendable (ARIWebSocketHandler.Output) -> Void
    ) async throws(ARIError) -> ARIEventConnection {
        let sslContext = try ARIHTTPEndpoint.clientSSLContext(useTLS: endpoint.useTLS, configuration.tls)
        let maxMessageSize = configuration.maxResponseSize
        let pingInterval = configuration.webSocketPingInterval.map(TimeAmount.init)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.uri, headers: endpoint.headers)
        let deadline = ARIUpgradeDeadline(timeout: configuration.connectTimeout)
        let outcome: EventLoopFuture<Upgrade>
        do {
            outcome = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        deadline.arm(on: channel)
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: sslContext, serverHostname: endpoint.http.tlsServerName))
                        }
                        let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: min(maxMessageSize, 1 << 24)) {
                            channel, _ in
                            deadline.disarm()
                            return channel.eventLoop.makeCompletedFuture {
                                .upgraded(try install(
                                    on: channel, maxMessageSize: maxMessageSize, pingInterval: pingInterval, masksFrames: true, deliver: deliver))
                            }
                        }
                        let upgrade = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                            upgradeRequestHead: head, upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    let collector = ARIDeclinedUpgradeCollector(promise: channel.eventLoop.makePromise())
                                    try channel.pipeline.syncOperations.addHandler(collector)
                                    return .declined(collector.promise.futureResult)
                                }
                            })
                        // Asterisk may send its first events in the same read as the `101`: keep those bytes
                        // for the WebSocket decoder (NIO drops them by default).
                        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
                        pipeline.leftOverBytesStrategy = .forwardBytes
                        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                    }
                }
        } catch {
            throw deadline.error(for: error) { ARIError(.connectionFailed, "could not connect to \(endpoint.host):\(endpoint.port): \($0)") }
        }
        let upgrade: Upgrade
        do {
            upgrade = try await outcome.get()
        } catch {
            throw deadline.error(for: error) { ARIError(.connectionFailed, "the WebSocket upgrade failed: \($0)") }
        }
        switch upgrade {
        case .upgraded(let connection):
            return connection
        case .declined(let response):
            let answer = try? await response.get()
            let status = answer?.status ?? 0
            let message = answer.flatMap { try? JSONDecoder().decode(ARIJSON.self, from: Data($0.body.utf8)) }?["message"]?.stringValue
            throw ARIError(
                status == 401 ? .authenticationFailed : .requestFailed,
                "Asterisk refused the events WebSocket with HTTP \(status)" + (message.map { ": \($0)" } ?? ""),
                operation: "events.eventWebsocket", status: status, serverMessage: message)
        }
    }

    /// Writes one text message (masked, as a client must); `failed` hears of a write that did not happen.
    func sendText(_ text: ByteBuffer, failed: @escaping @Sendable (any Error) -> Void) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: masksFrames ? .random() : nil, data: text)
        channel.writeAndFlush(frame).whenFailure(failed)
    }

    /// Closes on purpose (reported as a clean end).
    func close() {
        let handler = self.handler
        let context = self.context
        channel.eventLoop.execute { handler.value.closeOnPurpose(context: context.value) }
    }
}

/// Collects the HTTP answer of a refused upgrade, then closes the connection.
final class ARIDeclinedUpgradeCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let promise: EventLoopPromise<(status: Int, body: String)>
    private var status = 0
    private var body = ""
    private var done = false

    init(promise: EventLoopPromise<(status: Int, body: String)>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(let chunk): if body.utf8.count < 64 * 1024 { body += String(buffer: chunk) }
        case .end:
            finish()
            context.close(promise: nil)
        }
    }

    private func finish() {
        guard !done else { return }
        done = true
        promise.succeed((status, body))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish()
        context.close(promise: nil)
    }
}
