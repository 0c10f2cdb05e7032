import Foundation
import NIOCore
import NIOSSL

/// Where an ``ARIClient``'s requests go, read from its base URL: host, port, TLS and the base path.
struct ARIHTTPEndpoint: Sendable, Hashable {
    /// The host name or address to connect to (an IPv6 address without brackets).
    var host: String
    /// The TCP port (80 or 443 when the URL names none).
    var port: Int
    /// Whether the URL is https.
    var useTLS: Bool
    /// The URL's path without a trailing slash, for example `/ari`.
    var basePath: String
    /// The value of the `Host` header.
    var hostHeader: String

    /// Reads `http://host:8088/ari` or `https://…`.
    /// - Throws: ``ARIError`` `.invalidRequest` for any other form.
    init(baseURL: String) throws(ARIError) {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = url.host, !host.isEmpty
        else {
            throw ARIError(.invalidRequest, "the base URL must look like http://host:8088/ari, not \(baseURL.debugDescription)")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.useTLS = scheme == "https"
        self.port = url.port ?? (useTLS ? 443 : 80)
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
        let bracketed = host.contains(":") ? "[\(host)]" : host
        self.hostHeader = url.port.map { "\(bracketed):\($0)" } ?? bracketed
    }

    /// The name TLS checks the certificate against (nil for an IP address, which is checked against the certificate's IP entries).
    var tlsServerName: String? { Self.tlsServerName(for: host) }

    /// `host` as the name TLS checks a certificate against: nil for an IP address.
    static func tlsServerName(for host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// The client TLS context for an https/wss connection (`tls`, or the system's trust roots), nil without TLS.
    /// - Throws: ``ARIError`` `.invalidRequest` when the settings cannot be used.
    static func clientSSLContext(useTLS: Bool, _ tls: TLSConfiguration?) throws(ARIError) -> NIOSSLContext? {
        guard useTLS else { return nil }
        do {
            return try NIOSSLContext(configuration: tls ?? .makeClientConfiguration())
        } catch {
            throw ARIError(.invalidRequest, "the TLS configuration is not usable: \(error)")
        }
    }
}
