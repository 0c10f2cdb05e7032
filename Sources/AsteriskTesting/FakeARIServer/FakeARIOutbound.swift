import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// How the fake dials an application's WebSocket server, as Asterisk 22+ does for an
/// `outbound_websocket` (websocket_client.conf: `uri`, `username`, `password`, `protocols = ari`).
public struct FakeARIOutboundTarget: Sendable {
    /// `ws://host:port/path` or `wss://…`.
    public var url: String
    /// The basic-authentication user, if the server wants one.
    public var username: String?
    /// Its password.
    public var password: String?
    /// The subprotocols offered (`protocols`).
    public var protocols: String
    /// Client TLS settings for wss (the test CA, hostname checks).
    public var tls: TLSConfiguration?

    /// Describes a target.
    public init(url: String, username: String? = nil, password: String? = nil, protocols: String = "ari", tls: TLSConfiguration? = nil) {
        self.url = url
        self.username = username
        self.password = password
        self.protocols = protocols
        self.tls = tls
    }
}

/// Why the fake could not open an outbound WebSocket.
public struct FakeARIOutboundError: Error, CustomStringConvertible {
    /// The HTTP status the server refused with (0: no answer).
    public let status: Int
    /// What happened.
    public let description: String
}

extension FakeARIServer {
    /// Opens a persistent outbound WebSocket for `apps` to `target`: from then on events for the apps go
    /// over it and the fake answers `RESTRequest` messages on it, exactly as on an events WebSocket.
    public func connectOutbound(to target: FakeARIOutboundTarget, apps: [String]) async throws {
        _ = try await dialOutbound(target, apps: apps, perCall: false)
    }

    /// A call arrives for `app` with a per-call outbound configuration: the fake opens a WebSocket to
    /// `target` for this call alone (its application is `app:channel-name`, as Asterisk names it),
    /// sends `StasisStart`, and closes the socket shortly after the call's `StasisEnd`. Returns the channel's id.
    @discardableResult
    public func simulateOutboundCall(
        app: String, to target: FakeARIOutboundTarget, args: [String] = [], callerNumber: String = "5551234"
    ) async throws -> String {
        let id = state.withLockedValue { state -> String in
            defer { state.nextID += 1 }
            return "call-\(state.nextID)"
        }
        let perCallApp = "\(app):PJSIP/\(callerNumber)-\(id)"
        _ = try await dialOutbound(target, apps: [perCallApp], perCall: true)
        return simulateCall(app: perCallApp, args: args, channelID: id, callerNumber: callerNumber)
    }

    /// Closes the per-call sockets that serve `app` (after a short linger, as Asterisk does).
    func closePerCallSockets(of app: String) {
        let targets = state.withLockedValue { state in state.sockets.filter { $0.perCall && $0.apps.contains(app) }.map(\.channel) }
        for channel in targets {
            channel.eventLoop.scheduleTask(in: .milliseconds(50)) {
                var data = channel.allocator.buffer(capacity: 2)
                data.write(webSocketErrorCode: .normalClosure)
                let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
                channel.writeAndFlush(frame).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    private func dialOutbound(_ target: FakeARIOutboundTarget, apps: [String], perCall: Bool) async throws -> Channel {
        let channel = try await dialWebSocket(target) { channel in
            try channel.pipeline.syncOperations.addHandler(FakeARIWebSocketHandler(server: self, masksFrames: true))
        }
        var socket = FakeARIEventSocket(channel: channel, apps: apps, subscribeAll: false)
        socket.ready = true
        socket.masksFrames = true
        socket.perCall = perCall
        register(socket)
        channel.closeFuture.whenComplete { [self] _ in
            state.withLockedValue { $0.sockets.removeAll { $0.channel === channel } }
        }
        // Asterisk tells the application it is registered once the connection is up.
        for app in apps {
            emit(["type": "ApplicationRegistered", "application": app], app: app)
        }
        return channel
    }

    /// Opens a client WebSocket to `target` and installs the handlers of the upgraded channel with `install`.
    func dialWebSocket(_ target: FakeARIOutboundTarget, install: @escaping @Sendable (Channel) throws -> Void) async throws -> Channel {
        guard let url = URL(string: target.url), let scheme = url.scheme?.lowercased(), scheme == "ws" || scheme == "wss",
            let host = url.host
        else { throw FakeARIOutboundError(status: 0, description: "not a ws:// or wss:// URL: \(target.url)") }
        let useTLS = scheme == "wss"
        let port = url.port ?? (useTLS ? 443 : 80)
        let sslContext = try useTLS ? NIOSSLContext(configuration: target.tls ?? .makeClientConfiguration()) : nil
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Content-Length", value: "0")
        if !target.protocols.isEmpty { headers.add(name: "Sec-WebSocket-Protocol", value: target.protocols) }
        if let username = target.username {
            let token = Data("\(username):\(target.password ?? "")".utf8).base64EncodedString()
            headers.add(name: "Authorization", value: "Basic \(token)")
        }
        let uri = (url.path.isEmpty ? "/" : url.path) + (url.query.map { "?" + $0 } ?? "")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        let upgraded = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : host))
                    }
                    let upgrader = NIOTypedWebSocketClientUpgrader<FakeARIOutboundUpgrade>(maxFrameSize: 1 << 24) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try install(channel)
                            return .upgraded(channel)
                        }
                    }
                    let upgrade = NIOTypedHTTPClientUpgradeConfiguration<FakeARIOutboundUpgrade>(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture {
                                let status = FakeARIStatusCatcher(promise: channel.eventLoop.makePromise())
                                try channel.pipeline.syncOperations.addHandler(status)
                                return .refused(status.promise.futureResult)
                            }
                        })
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                }
            }
        let channel: Channel
        switch try await upgraded.get() {
        case .upgraded(let upgradedChannel):
            channel = upgradedChannel
        case .refused(let answer):
            let status = (try? await answer.get()) ?? 0
            throw FakeARIOutboundError(status: status, description: "the application refused the WebSocket (HTTP \(status))")
        }
        return channel
    }
}

/// The outcome of an outbound upgrade.
enum FakeARIOutboundUpgrade: Sendable {
    case upgraded(Channel)
    /// Refused: the future of the HTTP status (0 when the connection closed without one).
    case refused(EventLoopFuture<Int>)
}

/// Keeps the status of a refused outbound upgrade, then closes the connection.
final class FakeARIStatusCatcher: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let promise: EventLoopPromise<Int>
    private var status = 0
    private var done = false

    init(promise: EventLoopPromise<Int>) { self.promise = promise }

    private func finish() {
        guard !done else { return }
        done = true
        promise.succeed(status)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body: break
        case .end:
            finish()
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }
}
