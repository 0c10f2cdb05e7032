import AsteriskNIOSupport
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The ARI REST client: sends the ``ARIRequest`` of any operation and returns its typed answer.
///
/// ```swift
/// let ari = ARIClient(configuration: .init(baseURL: "http://127.0.0.1:8088/ari", credentials: .basic("app", "s3cret")))
/// let info = try await ari.send(ARIOperations.Asterisk.getInfo())
/// let channel = try await ari.send(ARIOperations.Channels.originate(endpoint: "PJSIP/100", app: "ivr"))
/// try await ari.shutdown()
/// ```
///
/// Errors are ``ARIError`` values: `.requestFailed` with the HTTP status and Asterisk's `message`,
/// `.authenticationFailed` (401), `.connectionFailed`, `.timeout`, `.malformedResponse`, `.cancelled` (the waiting task was cancelled).
public final class ARIClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: ARIClientConfiguration
    /// The loop the client's HTTP connections live on.
    let eventLoop: any EventLoop
    /// The kept-alive HTTP connections, or why the base URL cannot be used.
    let pool: Result<ARIHTTPConnectionPool, ARIError>
    /// The header lines every HTTP request carries (`Host`, `Accept`, and `Authorization` when the
    /// credentials travel in one), checked and encoded once.
    private let headerBlock: Result<ByteBuffer, ARIError>
    let logger: Logger
    /// The events WebSocket REST requests go over, when ``ARIClientConfiguration/restTransport`` says so.
    let restCarrier = NIOLockedValueBox(ARIRESTCarrier())
    /// The event routes of tracked resources (``track(_:id:bufferSize:_:)``).
    let routes = ARIEventRoutes()
    /// The connections an ``ARIOutboundServer`` accepted, when this is that server's client.
    let outbound = NIOLockedValueBox<ARIAcceptedEventSource?>(nil)

    /// Creates a client with its own HTTP connection pool; call ``shutdown()`` when done.
    public init(configuration: ARIClientConfiguration, logger: Logger = Logger(label: "asterisk.ari")) {
        self.configuration = configuration
        self.logger = logger
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        self.eventLoop = eventLoop
        self.pool = Result { () throws(ARIError) in
            try ARIHTTPConnectionPool(
                endpoint: try ARIHTTPEndpoint(baseURL: configuration.baseURL), eventLoop: eventLoop, tls: configuration.tls,
                maxConnections: configuration.maxConnections, connectTimeout: configuration.connectTimeout,
                maxResponseSize: configuration.maxResponseSize)
        }
        let authorization = configuration.credentials.method == .basic ? configuration.credentials.basicAuthorization : nil
        self.headerBlock = pool.flatMap { pool in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: pool.endpoint.hostHeader)
            headers.add(name: "Accept", value: "application/json")
            if let authorization { headers.add(name: "Authorization", value: authorization) }
            return Result { () throws(ARIError) in try ARIHTTPRequestEncoder.headerBlock(headers) }
        }
    }

    /// The executor of the event loop the client's HTTP connections live on. A task that prefers it
    /// (`Task(executorPreference: ari.taskExecutor) { … }`) writes its requests and hears their answers
    /// without a thread hop either way: the fastest way to make many requests from one place.
    @available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
    public var taskExecutor: any TaskExecutor { EventLoopTaskExecutor.forLoop(eventLoop) }

    /// Sends a request (over HTTP or the events WebSocket, as ``ARIClientConfiguration/restTransport``
    /// says) and decodes its answer.
    @discardableResult
    public func send<Response>(_ request: ARIRequest<Response>) async throws(ARIError) -> Response {
        if case .webSocket(let app) = configuration.restTransport {
            return try await sendOverWebSocket(request, app: app)
        }
        return try await sendOverHTTP(request)
    }

    /// Sends a request as an HTTP request on a pooled connection.
    func sendOverHTTP<Response>(_ request: ARIRequest<Response>) async throws(ARIError) -> Response {
        let pool = try self.pool.get()
        var headers = HTTPHeaders()
        var body: ByteBuffer?
        if let content = request.body {
            do {
                body = ByteBuffer(bytes: try JSONEncoder().encode(content))
                headers.add(name: "Content-Type", value: "application/json")
            } catch {
                throw ARIError(.invalidRequest, "the body could not be encoded: \(error)", operation: request.operation)
            }
        }
        let outgoing = ARIHTTPRequest(
            method: HTTPMethod(rawValue: request.method), target: pool.endpoint.basePath + target(for: request), headers: headers, body: body,
            headerBlock: try headerBlock.get())
        let response: ARIHTTPResponse
        do {
            response = try await pool.execute(outgoing, timeout: configuration.requestTimeout)
        } catch {
            var error = error
            error.operation = request.operation
            if error.code == .timeout { error.message = "no answer within \(configuration.requestTimeout)" }
            if error.code == .connectionFailed { error.message = "\(request.method) \(request.path) failed: \(error.message)" }
            throw error
        }
        return try answer(to: request, status: response.status, body: Data(response.body.readableBytesView))
    }

    /// The outcome of a request Asterisk answered with `status` and `data`, whichever way it travelled.
    func answer<Response>(to request: ARIRequest<Response>, status: Int, body data: Data) throws(ARIError) -> Response {
        guard (200..<300).contains(status) else {
            let message = (try? JSONDecoder().decode(ARIJSON.self, from: data))?["message"]?.stringValue
            throw ARIError(
                status == 401 ? .authenticationFailed : .requestFailed,
                "Asterisk answered \(status)" + (message.map { ": \($0)" } ?? ""), operation: request.operation,
                status: status, serverMessage: message)
        }
        return try request.decodeResponse(data)
    }

    /// The HTTP connections open or being opened.
    var openHTTPConnections: Int { (try? pool.get().openConnectionCount) ?? 0 }

    /// A request's path below the base URL, with its query (and `api_key` when that is the credential).
    func target<Response>(for request: ARIRequest<Response>) -> String {
        var items = request.query.map { ($0.name, $0.value ?? "") }
        if configuration.credentials.method == .apiKey {
            items.append(("api_key", "\(configuration.credentials.username):\(configuration.credentials.password)"))
        }
        let query = items.map { ARIClient.encode($0.0) + "=" + ARIClient.encode($0.1) }.joined(separator: "&")
        return request.path + (query.isEmpty ? "" : "?" + query)
    }

    /// Percent-encodes a query component (`+` too: Asterisk decodes it as a space).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// Closes the connection pool (and the WebSocket the client opened for REST requests, if any).
    public func shutdown() async throws {
        closeRESTCarrier()
        routes.finishAll()
        try? pool.get().shutdown()
    }

    /// A client released without ``shutdown()`` closes its connections.
    deinit {
        try? pool.get().shutdown()
    }
}
