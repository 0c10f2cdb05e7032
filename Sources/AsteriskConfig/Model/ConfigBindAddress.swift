/// A listening address as Asterisk's configs write it (`bindaddr`, `tlsbindaddr`): `0.0.0.0`,
/// `192.0.2.1:5039`, `[::]:8089`, `::1`, or a host name.
public struct ConfigBindAddress: Sendable, Hashable {
    /// The host, without IPv6 brackets.
    public var host: String
    /// The port, when the text has one.
    public var port: Int?

    /// Reads `text`; `nil` when it is empty or its port is not a number from 1 to 65535.
    public init?(_ text: String) {
        let trimmed = ConfigParser.trim(text)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            if rest.isEmpty { return }
            guard rest.first == ":", let number = Int(rest.dropFirst()), (1...65535).contains(number) else { return nil }
            port = number
        } else if trimmed.filter({ $0 == ":" }).count == 1, let colon = trimmed.firstIndex(of: ":") {
            host = String(trimmed[..<colon])
            guard let number = Int(trimmed[trimmed.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
        } else {
            host = trimmed
        }
        if host.isEmpty { return nil }
    }

    /// Whether it listens on every address (`0.0.0.0`, `::`).
    public var isWildcard: Bool { host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0" }

    /// The host a client on the same machine connects to: the loopback address for a wildcard.
    public var connectableHost: String {
        guard isWildcard else { return host }
        return host.contains(":") ? "::1" : "127.0.0.1"
    }

    /// `host` for a URL: IPv6 addresses in brackets.
    public var urlHost: String { connectableHost.contains(":") ? "[\(connectableHost)]" : connectableHost }
}
