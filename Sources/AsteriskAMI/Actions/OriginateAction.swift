/// `Originate`: places a call to `channel` and connects it to a dialplan location or an application.
///
/// `Async` is an explicit choice here: a synchronous Originate blocks the AMI session until the call
/// is answered or fails, while an asynchronous one answers at once and reports the outcome later as
/// an `OriginateResponse` event (which is only seen when events are on).
public struct OriginateAction: AMIAction {
    /// Where the originated channel goes once answered.
    public enum Destination: Sendable, Hashable {
        /// A dialplan location.
        case dialplan(context: String, exten: String, priority: String = "1")
        /// An application with its data.
        case application(String, data: String = "")
    }

    /// `Originate`.
    public static let actionName = "Originate"
    /// The channel to call, for example `PJSIP/100` or `Local/100@calls`.
    public var channel: String
    /// Where the answered channel goes.
    public var destination: Destination
    /// Whether to answer at once and report the result as an `OriginateResponse` event (the default).
    public var isAsync: Bool
    /// How long the callee may ring (Asterisk's default is 30 s).
    public var timeout: Duration?
    /// Caller ID for the new channel, for example `"Lab" <5551234>`.
    public var callerID: String?
    /// Channel variables to set, sent as repeated `Variable:` headers in key order.
    public var variables: [String: String]
    /// The account code.
    public var account: String?
    /// Whether to connect on early media.
    public var earlyMedia: Bool?
    /// Codecs to offer, comma-separated.
    public var codecs: String?
    /// The unique id to give the new channel (lets you follow it from the first event).
    public var channelID: String?
    /// The unique id of the second Local channel half.
    public var otherChannelID: String?
    /// A pre-dial Gosub `context,exten,priority`.
    public var preDialGoSub: String?

    /// Creates the action.
    public init(
        channel: String, destination: Destination, isAsync: Bool = true, timeout: Duration? = nil,
        callerID: String? = nil, variables: [String: String] = [:], account: String? = nil, earlyMedia: Bool? = nil,
        codecs: String? = nil, channelID: String? = nil, otherChannelID: String? = nil, preDialGoSub: String? = nil
    ) {
        self.channel = channel
        self.destination = destination
        self.isAsync = isAsync
        self.timeout = timeout
        self.callerID = callerID
        self.variables = variables
        self.account = account
        self.earlyMedia = earlyMedia
        self.codecs = codecs
        self.channelID = channelID
        self.otherChannelID = otherChannelID
        self.preDialGoSub = preDialGoSub
    }

    /// The headers sent.
    public var headers: [AMIHeader] {
        var headers = [AMIHeader(name: "Channel", value: channel)]
        switch destination {
        case .dialplan(let context, let exten, let priority):
            headers += [
                AMIHeader(name: "Context", value: context), AMIHeader(name: "Exten", value: exten),
                AMIHeader(name: "Priority", value: priority),
            ]
        case .application(let application, let data):
            headers += [AMIHeader(name: "Application", value: application), AMIHeader(name: "Data", value: data)]
        }
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            headers.append(AMIHeader(name: "Timeout", value: String(seconds * 1000 + attoseconds / 1_000_000_000_000_000)))
        }
        if let callerID { headers.append(AMIHeader(name: "CallerID", value: callerID)) }
        for key in variables.keys.sorted() {
            headers.append(AMIHeader(name: "Variable", value: key + "=" + variables[key]!))
        }
        if let account { headers.append(AMIHeader(name: "Account", value: account)) }
        if let earlyMedia { headers.append(AMIHeader(name: "EarlyMedia", value: AMIValue.text(earlyMedia))) }
        headers.append(AMIHeader(name: "Async", value: AMIValue.text(isAsync)))
        if let codecs { headers.append(AMIHeader(name: "Codecs", value: codecs)) }
        if let channelID { headers.append(AMIHeader(name: "ChannelId", value: channelID)) }
        if let otherChannelID { headers.append(AMIHeader(name: "OtherChannelId", value: otherChannelID)) }
        if let preDialGoSub { headers.append(AMIHeader(name: "PreDialGoSub", value: preDialGoSub)) }
        return headers
    }
}
