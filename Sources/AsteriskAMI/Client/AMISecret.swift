/// A manager password and how to present it at login; never printed.
public struct AMISecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How the secret is proven to Asterisk.
    public enum Method: Sendable, Hashable {
        /// `Login` with `Secret:` in clear text.
        case plain
        /// `Challenge` then `Login` with `AuthType: MD5` and `Key: md5(challenge + secret)`.
        case md5
    }

    /// How the secret is presented.
    public let method: Method
    /// The secret itself. Read it only to authenticate.
    public let value: String

    /// A secret sent in clear text at login.
    public static func plain(_ value: String) -> AMISecret { AMISecret(method: .plain, value: value) }

    /// A secret proven with the MD5 challenge; the secret never crosses the wire.
    public static func md5(_ value: String) -> AMISecret { AMISecret(method: .md5, value: value) }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `AMISecret(<method>, <redacted>)`.
    public var debugDescription: String { "AMISecret(\(method), <redacted>)" }
}

/// Which events Asterisk sends on this session, set at login and by the `Events` action.
public struct AMIEventMask: Sendable, Hashable, CustomStringConvertible {
    /// The value of the `Events:` header.
    public let headerValue: String

    /// Every event the user's read permissions allow.
    public static let on = AMIEventMask(headerValue: "on")
    /// No events at all (note: async `Originate` results are events, so they are not seen either).
    public static let off = AMIEventMask(headerValue: "off")
    /// Only events of these classes (`system`, `call`, `log`, `verbose`, `command`, `agent`, `user`, `dtmf`, …).
    public static func categories(_ names: [String]) -> AMIEventMask {
        AMIEventMask(headerValue: names.joined(separator: ","))
    }

    /// Creates a mask from a raw header value.
    public init(headerValue: String) { self.headerValue = headerValue }

    /// The header value.
    public var description: String { headerValue }
}
