/// `Ping`: a round trip that proves the session is alive.
public struct PingAction: AMIAction {
    /// The typed answer.
    public typealias Response = PingResponse
    /// `Ping`.
    public static let actionName = "Ping"
    /// Ping carries no headers.
    public var headers: [AMIHeader] { [] }
    /// Creates the action.
    public init() {}
}

/// The answer to ``PingAction``.
public struct PingResponse: AMIActionResponse {
    /// The raw response.
    public let response: AMIResponse
    /// Builds the typed answer.
    public init(response: AMIResponse) throws(AMIError) { self.response = response }
    /// `Pong` from Asterisk.
    public var ping: String? { response["Ping"] }
    /// The server's clock as Unix seconds, when sent.
    public var timestamp: Double? { response["Timestamp"].flatMap { Double($0) } }
}
