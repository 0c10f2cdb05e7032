import NIOSSL

/// Everything an ``AMIClient`` needs to know, with defaults that suit most installations.
public struct AMIClientConfiguration: Sendable {
    /// The manager's host name or address.
    public var host: String
    /// The manager's TCP port (5038, or 5039 for TLS by convention).
    public var port: Int
    /// The manager user (`[name]` in manager.conf).
    public var username: String
    /// The user's secret and how to present it.
    public var secret: AMISecret
    /// TLS settings; nil connects in clear text.
    public var tls: TLSConfiguration?
    /// The host name checked against the server certificate (defaults to ``host``).
    public var tlsServerHostname: String?
    /// Which events to receive, sent as `Events:` at login.
    public var events: AMIEventMask
    /// How long connecting, receiving the banner, and logging in may take.
    public var connectTimeout: Duration
    /// The default time an action may wait for its complete answer.
    public var actionTimeout: Duration
    /// How often to send a keepalive `Ping`; nil disables keepalive.
    public var keepAliveInterval: Duration?
    /// What to do when the connection is lost.
    public var reconnect: AMIReconnectPolicy
    /// Limits on received frames.
    public var limits: AMIFrameParser.Limits
    /// How many events each subscriber may have waiting before the oldest are dropped.
    public var subscriberBufferCapacity: Int
    /// How long ``AMIClient/close()`` waits for the `Goodbye` answer to its `Logoff`; `.zero` sends
    /// Logoff without waiting, nil closes without Logoff.
    public var logoffTimeout: Duration?

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 5038, username: String, secret: AMISecret,
        tls: TLSConfiguration? = nil, events: AMIEventMask = .on, connectTimeout: Duration = .seconds(10),
        actionTimeout: Duration = .seconds(10), keepAliveInterval: Duration? = .seconds(30),
        reconnect: AMIReconnectPolicy = .exponential(), limits: AMIFrameParser.Limits = .init(),
        subscriberBufferCapacity: Int = 10_000, logoffTimeout: Duration? = .seconds(1)
    ) {
        self.logoffTimeout = logoffTimeout
        self.host = host
        self.port = port
        self.username = username
        self.secret = secret
        self.tls = tls
        self.events = events
        self.connectTimeout = connectTimeout
        self.actionTimeout = actionTimeout
        self.keepAliveInterval = keepAliveInterval
        self.reconnect = reconnect
        self.limits = limits
        self.subscriberBufferCapacity = subscriberBufferCapacity
    }

    /// Parses `ami://user:secret@host:5038` or `amis://…` (TLS, default port 5039).
    ///
    /// Query options: `auth=md5` for challenge login, `events=off` (or a class list such as `call,system`).
    /// User and secret may be percent-encoded.
    public init(url: String) throws(AMIError) {
        let parts = try AMIConnectionURL(url)
        self.init(
            host: parts.host, port: parts.port, username: parts.username,
            secret: parts.md5 ? .md5(parts.secret) : .plain(parts.secret))
        if parts.tls { tls = .makeClientConfiguration() }
        if let events = parts.events { self.events = AMIEventMask(headerValue: events) }
    }
}

/// The parts of an `ami://` or `amis://` URL.
struct AMIConnectionURL {
    var tls = false
    var username = ""
    var secret = ""
    var host = "127.0.0.1"
    var port = 5038
    var md5 = false
    var events: String?

    init(_ text: String) throws(AMIError) {
        guard let schemeEnd = Self.schemeSeparator(in: text) else {
            throw AMIError(.invalidURL, "'\(AMIConnectionURL.redact(text))' is not an ami:// or amis:// URL")
        }
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "ami": tls = false; port = 5038
        case "amis": tls = true; port = 5039
        default: throw AMIError(.invalidURL, "the scheme must be ami or amis")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let at = rest.lastIndex(of: "@") else {
            throw AMIError(.invalidURL, "the URL names no user (ami://user:secret@host:port)")
        }
        let userInfo = rest[..<at]
        var hostPort = rest[rest.index(after: at)...]
        if let colon = userInfo.firstIndex(of: ":") {
            username = try Self.percentDecode(userInfo[..<colon])
            secret = try Self.percentDecode(userInfo[userInfo.index(after: colon)...])
        } else {
            username = try Self.percentDecode(userInfo)
        }
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.hasPrefix(":") { try parsePort(hostPort.dropFirst()) }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            try parsePort(hostPort[hostPort.index(after: colon)...])
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty, !username.isEmpty else {
            throw AMIError(.invalidURL, "the URL needs a user and a host (ami://user:secret@host:port)")
        }
        for pair in query.split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1)
            let key = keyValue[0].lowercased()
            let value = keyValue.count > 1 ? try Self.percentDecode(keyValue[1]) : ""
            switch key {
            case "auth": md5 = value.lowercased() == "md5"
            case "events": events = value
            default: throw AMIError(.invalidURL, "unknown URL option '\(key)' (known: auth, events)")
            }
        }
    }

    private mutating func parsePort(_ text: Substring) throws(AMIError) {
        guard let value = Int(text), (1...65535).contains(value) else {
            throw AMIError(.invalidURL, "'\(text)' is not a TCP port")
        }
        port = value
    }

    static func percentDecode(_ text: Substring) throws(AMIError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { throw AMIError(.invalidURL, "bad percent-encoding in the URL") }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The range of the first `://`.
    static func schemeSeparator(in text: String) -> Range<String.Index>? {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix("://") {
                return index..<text.index(index, offsetBy: 3)
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The URL with its secret replaced, for messages.
    static func redact(_ text: String) -> String {
        guard let schemeEnd = schemeSeparator(in: text), let at = text[schemeEnd.upperBound...].lastIndex(of: "@") else {
            return text
        }
        let userInfo = text[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":<redacted>" + String(text[at...])
    }
}
