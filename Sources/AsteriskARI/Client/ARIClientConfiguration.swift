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
}

/// Everything an ``ARIClient`` needs to know.
public struct ARIClientConfiguration: Sendable {
    /// The ARI base URL, for example `http://127.0.0.1:8088/ari` (https for TLS).
    public var baseURL: String
    /// The credentials.
    public var credentials: ARICredentials
    /// How long one request may take, including connecting (a refused connection is retried until then).
    public var requestTimeout: Duration
    /// How long one connection attempt may take.
    public var connectTimeout: Duration
    /// The largest response body accepted.
    public var maxResponseSize: Int

    /// Creates a configuration.
    public init(
        baseURL: String, credentials: ARICredentials, requestTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5), maxResponseSize: Int = 16 * 1024 * 1024
    ) {
        self.connectTimeout = connectTimeout
        self.baseURL = baseURL
        self.credentials = credentials
        self.requestTimeout = requestTimeout
        self.maxResponseSize = maxResponseSize
    }
}
