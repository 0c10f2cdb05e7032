/// How ARI requests prove who they come from; never printed.
public struct ARICredentials: Sendable, Hashable, CustomStringConvertible {
    /// How the credentials travel.
    public enum Method: Sendable, Hashable {
        /// An `Authorization: Basic` header.
        case basic
        /// An `api_key=user:password` query parameter.
        case apiKey
    }

    /// How the credentials travel.
    public let method: Method
    /// The ARI user (`[name]` in ari.conf).
    public let username: String
    /// The user's password. Read it only to authenticate.
    public let password: String

    /// HTTP basic authentication.
    public static func basic(_ username: String, _ password: String) -> ARICredentials {
        ARICredentials(method: .basic, username: username, password: password)
    }

    /// The `api_key` query parameter.
    public static func apiKey(_ username: String, _ password: String) -> ARICredentials {
        ARICredentials(method: .apiKey, username: username, password: password)
    }

    /// The user and `<redacted>`.
    public var description: String { "\(username):<redacted>" }

    /// The value of an `Authorization: Basic` header for these credentials (never logged).
    var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}

import Foundation
import NIOSSL

/// Everything an ``ARIClient`` needs to know.
public struct ARIClientConfiguration: Sendable {
    /// The ARI base URL, for example `http://127.0.0.1:8088/ari` (https for TLS).
    public var baseURL: String
    /// The credentials.
    public var credentials: ARICredentials
    /// How long one request may take: waiting for a free connection, connecting and the answer.
    public var requestTimeout: Duration
    /// How long one connection attempt may take (for the events WebSocket, its upgrade included).
    public var connectTimeout: Duration
    /// The largest response body (and events WebSocket message) accepted.
    public var maxResponseSize: Int
    /// TLS settings for https and wss (a private CA, client certificates); nil uses the system's trust roots.
    public var tls: TLSConfiguration?
    /// How often the events WebSocket is pinged; a connection that stays silent for two intervals is
    /// treated as lost. nil never pings.
    public var webSocketPingInterval: Duration?
    /// Which way REST requests travel: HTTP (the default) or the events WebSocket (Asterisk 22+).
    public var restTransport: ARIRESTTransport
    /// The most HTTP connections open to Asterisk at once; requests beyond that many in flight wait for one.
    public var maxConnections: Int
    /// The most bytes of undecoded events that wait for a subscription's consumer; beyond that the
    /// oldest are dropped (and counted), as beyond the subscription's `bufferSize` messages.
    public var maxBufferedEventBytes: Int

    /// Creates a configuration.
    public init(
        baseURL: String, credentials: ARICredentials, requestTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5), maxResponseSize: Int = 16 * 1024 * 1024, tls: TLSConfiguration? = nil,
        webSocketPingInterval: Duration? = .seconds(20), restTransport: ARIRESTTransport = .http, maxConnections: Int = 8,
        maxBufferedEventBytes: Int = 64 * 1024 * 1024
    ) {
        self.maxBufferedEventBytes = maxBufferedEventBytes
        self.maxConnections = maxConnections
        self.restTransport = restTransport
        self.tls = tls
        self.webSocketPingInterval = webSocketPingInterval
        self.connectTimeout = connectTimeout
        self.baseURL = baseURL
        self.credentials = credentials
        self.requestTimeout = requestTimeout
        self.maxResponseSize = maxResponseSize
    }

    /// Reads `http://user:password@host:8088` (or https, with an optional path; `/ari` is assumed
    /// when none is given), as `ASTERISK_ARI_URL` holds it. User and password may be percent-encoded.
    /// - Throws: ``ARIError`` `.invalidRequest` when the URL is not of that form.
    public init(url text: String) throws(ARIError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw ARIError(.invalidRequest, "expected http://user:password@host:8088, got \(ARIClientConfiguration.redacted(text))")
        }
        guard let user = components.percentEncodedUser?.removingPercentEncoding,
            let password = components.percentEncodedPassword?.removingPercentEncoding
        else {
            throw ARIError(.invalidRequest, "the URL \(ARIClientConfiguration.redacted(text)) carries no user:password")
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let path = components.path.isEmpty || components.path == "/" ? "/ari" : components.path
        self.init(baseURL: "\(scheme)://\(host)\(port)\(path)", credentials: .basic(user, password))
    }

    /// The URL with its password replaced, for messages.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text.debugDescription }
        components.password = "<redacted>"
        return (components.string ?? "<url>").debugDescription
    }
}
