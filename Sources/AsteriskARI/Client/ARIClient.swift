import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

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
/// `.authenticationFailed` (401), `.connectionFailed`, `.timeout`, `.malformedResponse`.
public final class ARIClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: ARIClientConfiguration
    let http: HTTPClient
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
        var http = HTTPClient.Configuration()
        http.timeout.connect = TimeAmount(configuration.connectTimeout)
        if let tls = configuration.tls { http.tlsConfiguration = tls }
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// Sends a request (over HTTP or the events WebSocket, as ``ARIClientConfiguration/restTransport``
    /// says) and decodes its answer.
    @discardableResult
    public func send<Response>(_ request: ARIRequest<Response>) async throws(ARIError) -> Response {
        if case .webSocket(let app) = configuration.restTransport {
            return try await sendOverWebSocket(request, app: app)
        }
        return try await sendOverHTTP(request)
    }

    /// Sends a request as an HTTP request.
    func sendOverHTTP<Response>(_ request: ARIRequest<Response>) async throws(ARIError) -> Response {
        let url = try self.url(for: request)
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        outgoing.headers.add(name: "Accept", value: "application/json")
        if configuration.credentials.method == .basic {
            let token = Data("\(configuration.credentials.username):\(configuration.credentials.password)".utf8).base64EncodedString()
            outgoing.headers.add(name: "Authorization", value: "Basic \(token)")
        }
        if let body = request.body {
            do {
                let data = try JSONEncoder().encode(body)
                outgoing.headers.add(name: "Content-Type", value: "application/json")
                outgoing.body = .bytes(ByteBuffer(bytes: data))
            } catch {
                throw ARIError(.invalidRequest, "the body could not be encoded: \(error)", operation: request.operation)
            }
        }
        let timeout = TimeAmount(configuration.requestTimeout)
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await http.execute(outgoing, timeout: timeout)
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: configuration.maxResponseSize)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw ARIError(.timeout, "no answer within \(configuration.requestTimeout)", operation: request.operation)
        } catch {
            throw ARIError(.connectionFailed, "\(request.method) \(request.path) failed: \(error)", operation: request.operation)
        }
        return try answer(to: request, status: status, body: Data(body.readableBytesView))
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

    /// The full URL of a request: base URL, path, query (and `api_key` when that is the credential).
    func url<Response>(for request: ARIRequest<Response>) throws(ARIError) -> String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ARIError(.invalidRequest, "the base URL must start with http:// or https://")
        }
        var items = request.query.map { ($0.name, $0.value ?? "") }
        if configuration.credentials.method == .apiKey {
            items.append(("api_key", "\(configuration.credentials.username):\(configuration.credentials.password)"))
        }
        let query = items.map { ARIClient.encode($0.0) + "=" + ARIClient.encode($0.1) }.joined(separator: "&")
        return base + request.path + (query.isEmpty ? "" : "?" + query)
    }

    /// Percent-encodes a query component (`+` too: Asterisk decodes it as a space).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// Closes the connection pool (and the WebSocket the client opened for REST requests, if any).
    public func shutdown() async throws {
        closeRESTCarrier()
        routes.finishAll()
        try await http.shutdown()
    }

    /// A client released without ``shutdown()`` closes its pool in the background rather than take
    /// the process down (AsyncHTTPClient traps when its client is released still open).
    deinit {
        http.shutdown { _ in }
    }
}
