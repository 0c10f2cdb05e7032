import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// One open events WebSocket of the fake: its channel and the applications it registered.
struct FakeARIEventSocket: @unchecked Sendable {  // the channel is only written through its event loop
    let channel: Channel
    var apps: [String]
    let subscribeAll: Bool
    /// Whether the WebSocket handlers are in place. The socket is registered before the `101` goes
    /// out (a client may act the moment it has it); messages for it wait here until then.
    var ready = false
    var queued: [ByteBuffer] = []
    /// Whether the fake dialled this socket (outbound mode): it then masks what it writes, as a client must.
    var masksFrames = false
    /// Whether it is a per-call outbound socket, closed shortly after its call's `StasisEnd`.
    var perCall = false
}

extension FakeARIServer {
    /// Accepts `GET /ari/events?app=…` upgrades with valid credentials; anything else goes to the HTTP handler.
    func webSocketUpgrader() -> NIOWebSocketServerUpgrader {
        NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 24,
            shouldUpgrade: { [self] channel, head in
                let (path, query) = FakeARIServer.split(head.uri)
                if path.hasPrefix("/media/") {
                    // chan_websocket's media sockets: one client per known connection id, `media` subprotocol.
                    let id = String(path.dropFirst("/media/".count))
                    let free = state.withLockedValue { $0.media[id].map { $0.socket == nil } ?? false }
                    var headers = HTTPHeaders()
                    headers.add(name: "Sec-WebSocket-Protocol", value: "media")
                    return channel.eventLoop.makeSucceededFuture(free ? headers : nil)
                }
                let refused = state.withLockedValue { $0.refuseWebSockets }
                guard path == "/events", !refused, authorized(head, query: query), let apps = query["app"], !apps.isEmpty else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                // Registered now, before the 101 is written: events emitted from here on are kept for it.
                let names = apps.split(separator: ",").map(String.init)
                register(FakeARIEventSocket(channel: channel, apps: names, subscribeAll: query["subscribeAll"] == "true"))
                channel.closeFuture.whenComplete { [self] _ in
                    state.withLockedValue { $0.sockets.removeAll { $0.channel === channel } }
                }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { [self] channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let http = try channel.pipeline.syncOperations.context(name: FakeARIHTTPHandler.name)
                    channel.pipeline.syncOperations.removeHandler(context: http, promise: nil)
                    let (path, _) = FakeARIServer.split(head.uri)
                    if path.hasPrefix("/media/") {
                        try channel.pipeline.syncOperations.addHandler(FakeARIMediaHandler(server: self, connectionID: String(path.dropFirst("/media/".count))))
                        return
                    }
                    try channel.pipeline.syncOperations.addHandler(FakeARIRawOutlet(), position: .first)
                    try channel.pipeline.syncOperations.addHandler(FakeARIWebSocketHandler(server: self))
                    let queued = state.withLockedValue { state -> [ByteBuffer] in
                        guard let index = state.sockets.firstIndex(where: { $0.channel === channel }) else { return [] }
                        state.sockets[index].ready = true
                        defer { state.sockets[index].queued = [] }
                        return state.sockets[index].queued
                    }
                    for text in queued { channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: text), promise: nil) }
                }
            })
    }

    /// Adds a socket; an app registered by an older socket moves to the new one (`ApplicationReplaced`).
    func register(_ socket: FakeARIEventSocket) {
        let replaced = state.withLockedValue { state -> [(Channel, String)] in
            var replaced: [(Channel, String)] = []
            for index in state.sockets.indices {
                for app in socket.apps where state.sockets[index].apps.contains(app) {
                    state.sockets[index].apps.removeAll { $0 == app }
                    replaced.append((state.sockets[index].channel, app))
                }
            }
            state.sockets.append(socket)
            return replaced
        }
        for (channel, app) in replaced {
            send(["type": "ApplicationReplaced", "application": app, "timestamp": FakeARIServer.timestamp()], on: channel)
        }
    }

    /// The number of open events WebSockets.
    public var eventSocketCount: Int { state.withLockedValue { $0.sockets.count } }

    /// The applications registered by open WebSockets (whose upgrade has completed).
    public var registeredApps: [String] { state.withLockedValue { $0.sockets.filter(\.ready).flatMap(\.apps) } }

    /// Sends an event (a JSON object with `type`) to every WebSocket that registered `app` (and to
    /// `subscribeAll` sockets); `application` and `timestamp` are filled in when absent.
    public func emit(_ event: [String: Any], app: String) {
        let targets = state.withLockedValue { state in
            state.sockets.filter { $0.apps.contains(app) || $0.subscribeAll }.map(\.channel)
        }
        var event = event
        if event["application"] == nil { event["application"] = app }
        if event["timestamp"] == nil { event["timestamp"] = FakeARIServer.timestamp() }
        if event["asterisk_id"] == nil { event["asterisk_id"] = "02:fc:00:00:00:01" }
        for channel in targets { send(event, on: channel) }
        if event["type"] as? String == "StasisEnd" { closePerCallSockets(of: app) }
    }

    /// Sends raw text to every events WebSocket (to test how clients take garbage).
    public func emitRaw(_ text: String) {
        let targets = state.withLockedValue { $0.sockets.map(\.channel) }
        for channel in targets { send(text: ByteBuffer(string: text), on: channel) }
    }

    /// Closes every events WebSocket (with a close frame, or abruptly when `abruptly`).
    public func closeEventSockets(abruptly: Bool = false) {
        let targets = state.withLockedValue { $0.sockets.map { ($0.channel, $0.masksFrames) } }
        for (channel, masked) in targets {
            if abruptly {
                channel.close(promise: nil)
            } else {
                var data = channel.allocator.buffer(capacity: 2)
                data.write(webSocketErrorCode: .goingAway)
                let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: masked ? .random() : nil, data: data)
                channel.writeAndFlush(frame).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    /// Stops (or resumes) answering WebSocket pings, as a half-open connection would.
    public func silenceEventSockets(_ silent: Bool) {
        state.withLockedValue { $0.silentWebSockets = silent }
    }

    /// Refuses (or accepts again) new events WebSockets, as an Asterisk whose ARI is not ready would.
    public func refuseEventSockets(_ refuse: Bool) {
        state.withLockedValue { $0.refuseWebSockets = refuse }
    }

    func send(_ event: [String: Any], on channel: Channel) {
        guard let data = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else { return }
        send(text: ByteBuffer(bytes: data), on: channel)
    }

    /// Writes a text message, or keeps it until the socket's upgrade has completed.
    func send(text: ByteBuffer, on channel: Channel) {
        let queuedForLater = state.withLockedValue { state -> Bool in
            guard let index = state.sockets.firstIndex(where: { $0.channel === channel }), !state.sockets[index].ready else { return false }
            state.sockets[index].queued.append(text)
            return true
        }
        let masked = state.withLockedValue { state in state.sockets.first { $0.channel === channel }?.masksFrames ?? false }
        // Always through the channel's task queue, even from its own event loop: messages emitted from
        // different threads then go out in the order they were emitted, as Asterisk keeps them.
        if !queuedForLater {
            channel.eventLoop.execute {
                channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: masked ? .random() : nil, data: text), promise: nil)
            }
        }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// Answers pings and close frames on a fake events WebSocket, and `RESTRequest` messages as Asterisk 22+ does.
final class FakeARIWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let server: FakeARIServer
    private let masksFrames: Bool

    init(server: FakeARIServer, masksFrames: Bool = false) {
        self.server = server
        self.masksFrames = masksFrames
    }

    private var mask: WebSocketMaskingKey? { masksFrames ? .random() : nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            // A half-open connection (or a hung Asterisk) answers nothing.
            if server.state.withLockedValue({ $0.silentWebSockets }) { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: mask, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: mask, data: context.channel.allocator.buffer(capacity: 0))
            context.writeAndFlush(wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .text where frame.fin:
            server.answerRESTMessage(frame.unmaskedData, on: context.channel)
        default:
            break
        }
    }
}
