import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// One request the fake ARI server received.
public struct FakeARIRequest: Sendable, Hashable {
    /// `GET`, `POST`, `DELETE`, …
    public let method: String
    /// The path below `/ari`, for example `/channels/abc/answer`.
    public let path: String
    /// The query parameters, percent-decoded.
    public let query: [String: String]
    /// The body as sent.
    public let body: String
}

/// A reply of the fake ARI server: a status and a JSON body (empty for 204).
public struct FakeARIResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The JSON body.
    public var body: String

    /// Creates a reply.
    public init(status: Int, body: String = "") {
        self.status = status
        self.body = body
    }

    /// An error reply in ARI's shape, `{"message": …}`.
    public static func error(_ status: Int, _ message: String) -> FakeARIResponse {
        FakeARIResponse(status: status, body: #"{"message":"\#(message)"}"#)
    }
}

/// An in-process ARI REST server on loopback, answering like Asterisk 23 for the common resources
/// (asterisk info/ping, channels: originate, get, list, answer, hangup, variables, bridges: create,
/// add/remove channel, destroy) with basic-auth and `api_key` checks; handlers can answer anything.
public final class FakeARIServer: Sendable {
    /// The ARI user and password accepted.
    public let username: String
    let password: String
    let state = NIOLockedValueBox(FakeARIState())
    private let listener = NIOLockedValueBox<Channel?>(nil)

    private init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Starts a server on 127.0.0.1 and a free port.
    public static func start(username: String = "app", password: String = "secret") async throws -> FakeARIServer {
        let server = FakeARIServer(username: username, password: password)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeARIHTTPHandler(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        server.listener.withLockedValue { $0 = channel }
        return server
    }

    /// The port the server listens on.
    public var port: Int { listener.withLockedValue { $0?.localAddress?.port ?? 0 } }

    /// The base URL to give an ARI client, `http://127.0.0.1:<port>/ari`.
    public var baseURL: String { "http://127.0.0.1:\(port)/ari" }

    /// Every request received, in order.
    public var requests: [FakeARIRequest] { state.withLockedValue { $0.requests } }

    /// Answers requests for which `handler` returns a response, before the built-in behaviour.
    public func onRequest(_ handler: @escaping @Sendable (FakeARIRequest) -> FakeARIResponse?) {
        state.withLockedValue { $0.handlers.append(handler) }
    }

    /// Delays every answer by `delay` (to test timeouts).
    public func delayResponses(by delay: Duration?) {
        state.withLockedValue { $0.delay = delay }
    }

    /// Stops listening.
    public func stop() async {
        let channel = listener.withLockedValue { $0 }
        try? await channel?.close()
    }

    /// Whether a request carries the right credentials.
    func authorized(_ head: HTTPRequestHead, query: [String: String]) -> Bool {
        if query["api_key"] == "\(username):\(password)" { return true }
        guard let header = head.headers.first(name: "Authorization"), header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)))
        else { return false }
        return String(decoding: decoded, as: UTF8.self) == "\(username):\(password)"
    }
}

/// The fake's mutable state.
struct FakeARIState: @unchecked Sendable {  // JSON-like dictionaries, only touched under the server's lock
    var requests: [FakeARIRequest] = []
    var handlers: [@Sendable (FakeARIRequest) -> FakeARIResponse?] = []
    var channels: [String: [String: Any]] = [:]
    var channelVariables: [String: [String: String]] = [:]
    var bridges: [String: [String: Any]] = [:]
    var nextID = 1
    var delay: Duration?
}

/// Reads one HTTP request and answers it.
final class FakeARIHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

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
            let keepAlive = head.isKeepAlive
            if let delay {
                let (seconds, attoseconds) = delay.components
                context.eventLoop.scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {
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
