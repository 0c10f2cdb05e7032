import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

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
    /// Whether it came as a `RESTRequest` message on an events WebSocket rather than over HTTP.
    public var overWebSocket = false
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

/// An in-process ARI server on loopback (REST and the events WebSocket), answering like Asterisk 23
/// with a small state model of channels, bridges, playbacks and recordings.
///
/// REST calls change the model and emit the events Asterisk would (`ChannelStateChange` on answer,
/// `PlaybackStarted`/`PlaybackFinished` on play, `ChannelEnteredBridge`, `StasisEnd`,
/// `ChannelDestroyed`, …) to the application's WebSockets, with Asterisk's status codes (401, 404,
/// 409, 422). Tests drive the callers' side: ``simulateCall(app:args:channelID:callerNumber:)``,
/// ``sendDTMF(_:to:)``, ``hangUp(_:cause:)``; faults: ``failNextRequests(_:status:)``,
/// ``delayResponses(by:)``, ``closeEventSockets(abruptly:)``, ``stop()``/``resume()``.
public final class FakeARIServer: Sendable {
    /// The ARI user and password accepted.
    public let username: String
    let password: String
    let state = NIOLockedValueBox(FakeARIState())
    private let listener = NIOLockedValueBox<Channel?>(nil)
    private let boundPort = NIOLockedValueBox(0)
    /// Every accepted connection (HTTP and WebSocket), so ``stop()`` can drop them all.
    let connections = NIOLockedValueBox<[Channel]>([])

    /// TLS for https and wss, when the server was started with it.
    let sslContext: NIOSSLContext?
    /// The event loops the server's connections run on.
    private let group: any EventLoopGroup
    /// `user:password`, as `api_key` carries it.
    private let apiKey: String
    /// The `Authorization` header a client sends for these credentials (compared before decoding).
    private let basicAuthorization: String

    private init(username: String, password: String, sslContext: NIOSSLContext?, group: any EventLoopGroup) {
        self.username = username
        self.password = password
        self.sslContext = sslContext
        self.group = group
        self.apiKey = "\(username):\(password)"
        self.basicAuthorization = "Basic " + Data(apiKey.utf8).base64EncodedString()
    }

    /// Starts a server on 127.0.0.1 and a free port (or `port`); with `tls`, it speaks https and wss.
    /// `eventLoopGroup` runs its connections (NIO's shared group unless you pass one).
    public static func start(
        username: String = "app", password: String = "secret", port: Int = 0, tls: TLSConfiguration? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> FakeARIServer {
        let server = FakeARIServer(
            username: username, password: password, sslContext: try tls.map { try NIOSSLContext(configuration: $0) },
            group: eventLoopGroup)
        try await server.listen(port: port)
        return server
    }

    private func listen(port: Int) async throws {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    // Plain requests are answered from the bytes; an upgrade request moves the
                    // connection to NIO's HTTP pipeline (FakeARIPlainHTTPHandler).
                    try channel.pipeline.syncOperations.addHandler(FakeARIPlainHTTPHandler(server: self))
                    connections.withLockedValue { $0.append(channel) }
                    channel.closeFuture.whenComplete { [self] _ in
                        connections.withLockedValue { $0.removeAll { $0 === channel } }
                    }
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        listener.withLockedValue { $0 = channel }
        boundPort.withLockedValue { $0 = channel.localAddress?.port ?? port }
    }

    /// The port the server listens on (kept across ``stop()`` and ``resume()``).
    public var port: Int { boundPort.withLockedValue { $0 } }

    /// The base URL to give an ARI client, `http://127.0.0.1:<port>/ari` (https with TLS).
    public var baseURL: String { "\(sslContext == nil ? "http" : "https")://127.0.0.1:\(port)/ari" }

    /// Every request received, in order.
    public var requests: [FakeARIRequest] { state.withLockedValue { $0.requests } }

    /// Answers requests for which `handler` returns a response, before the built-in behaviour.
    public func onRequest(_ handler: @escaping @Sendable (FakeARIRequest) -> FakeARIResponse?) {
        state.withLockedValue { $0.handlers.append(handler) }
    }

    /// Stops (or resumes) keeping every request in ``requests`` (for load runs).
    public func recordRequests(_ record: Bool) {
        state.withLockedValue { $0.recordsRequests = record }
    }

    /// Delays every answer by `delay` (to test timeouts).
    public func delayResponses(by delay: Duration?) {
        state.withLockedValue { $0.delay = delay }
    }

    /// Stops listening and drops every connection, as an Asterisk that stops or restarts would.
    public func stop() async {
        let channel = listener.withLockedValue { state -> Channel? in
            defer { state = nil }
            return state
        }
        try? await channel?.close()
        let open = connections.withLockedValue { state -> [Channel] in
            defer { state = [] }
            return state
        }
        for connection in open { try? await connection.close() }
        state.withLockedValue { $0.sockets = [] }
    }

    /// Listens again on the same port after ``stop()`` (Asterisk coming back after a restart).
    public func resume() async throws {
        try await listen(port: port)
    }

    /// Whether a request carries the right credentials.
    func authorized(_ head: HTTPRequestHead, query: [String: String]) -> Bool {
        if query["api_key"] == apiKey { return true }
        guard let header = head.headers.first(name: "Authorization") else { return false }
        if header == basicAuthorization { return true }
        guard header.hasPrefix("Basic "), let decoded = Data(base64Encoded: String(header.dropFirst(6))) else { return false }
        return String(decoding: decoded, as: UTF8.self) == apiKey
    }
}

/// The fake's mutable state.
struct FakeARIState: @unchecked Sendable {  // JSON-like dictionaries, only touched under the server's lock
    var requests: [FakeARIRequest] = []
    var handlers: [@Sendable (FakeARIRequest) -> FakeARIResponse?] = []
    var channels: [String: FakeARIChannel] = [:]
    var bridges: [String: FakeARIBridge] = [:]
    var playbacks: [String: FakeARIPlayback] = [:]
    var recordings: [String: FakeARIRecording] = [:]
    var deviceStates: [String: String] = [:]
    var playbackDuration: Duration = .milliseconds(10)
    var recordingDuration: Duration = .milliseconds(10)
    var failures: [(status: Int, remaining: Int)] = []
    var nextID = 1
    var delay: Duration?
    var sockets: [FakeARIEventSocket] = []
    var refuseWebSockets = false
    var recordsRequests = true
    var silentWebSockets = false
    var silentWebSocketREST = false
    var followUps: [FakeARIFollowUp] = []
    var media: [String: FakeARIMediaSlot] = [:]
    var mediaToneFrames = 50
    var mediaJSON = true
}

