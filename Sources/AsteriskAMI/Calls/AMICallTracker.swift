/// Follows one originated call through the events Asterisk raises for it (sans-IO: feed events, read
/// the state). The call is recognised by the unique id given to `Originate` as `ChannelId` (its
/// `Uniqueid`, or `DestUniqueid` in Dial events) and by the action's ActionID (`OriginateResponse`).
public struct AMICallTracker: Sendable {
    /// The tracked channel's unique id.
    public let channelID: String
    /// The `Originate` action's ActionID.
    public let actionID: String?
    /// Where the call stands.
    public private(set) var state: AMICallState = .requested
    /// The channel's name, once seen.
    public private(set) var channelName: String?
    /// The bridge the channel is in, if any.
    public private(set) var bridgeID: String?
    /// The failure a `DialEnd` or `OriginateResponse` announced before the hangup.
    private var announcedFailure: AMICallEnd.Reason?
    private var wasAnswered = false
    private var channelSeen = false

    /// Creates a tracker for the channel `channelID` created by the action `actionID`.
    public init(channelID: String, actionID: String?) {
        self.channelID = channelID
        self.actionID = actionID
    }

    /// Whether `event` concerns this call.
    public func concerns(_ event: AMIEvent) -> Bool {
        if event["Uniqueid"] == channelID || event["DestUniqueid"] == channelID { return true }
        if let actionID, event.isNamed("OriginateResponse"), event["ActionID"] == actionID { return true }
        return false
    }

    /// Applies one event; returns whether the state changed.
    @discardableResult
    public mutating func apply(_ event: AMIEvent) -> Bool {
        guard !state.isEnded, concerns(event) else { return false }
        let before = state
        let isDest = event["DestUniqueid"] == channelID && event["Uniqueid"] != channelID
        let name = event.name.lowercased()
        if let channel = event[isDest ? "DestChannel" : "Channel"], !channel.isEmpty, name != "originateresponse" {
            channelName = channel
        }
        switch name {
        case "newchannel", "dialbegin":
            channelSeen = true
            if state == .requested { state = .dialing }
            progress(stateCode: event[isDest ? "DestChannelState" : "ChannelState"])
        case "newstate":
            channelSeen = true
            progress(stateCode: event["ChannelState"])
        case "dialend":
            switch event["DialStatus"]?.uppercased() {
            case "ANSWER": answer()
            case "BUSY": announcedFailure = .busy
            case "NOANSWER": announcedFailure = .noAnswer
            case "CONGESTION": announcedFailure = .congestion
            case "CHANUNAVAIL": announcedFailure = .unknownEndpoint
            default: break
            }
        case "bridgeenter":
            bridgeID = event["BridgeUniqueid"]
        case "bridgeleave":
            if event["BridgeUniqueid"] == bridgeID { bridgeID = nil }
        case "originateresponse":
            if event["Response"]?.lowercased() == "success" {
                answer()
            } else {
                let reason = Self.reason(forOriginateReason: Int(event["Reason"] ?? "") ?? 0)
                if announcedFailure == nil { announcedFailure = reason }
                // No channel ever appeared (unknown endpoint, no such technology): nothing more will come.
                if !channelSeen { state = .ended(AMICallEnd(reason: announcedFailure ?? reason)) }
            }
        case "hangup":
            let cause = Int(event["Cause"] ?? "")
            let reason: AMICallEnd.Reason = wasAnswered ? .completed : announcedFailure ?? cause.map(AMICallEnd.reason(forCause:)) ?? .failed
            state = .ended(AMICallEnd(reason: reason, cause: cause, causeText: event["Cause-txt"], wasAnswered: wasAnswered))
        default:
            break
        }
        return state != before
    }

    /// Ends the call as Asterisk's refusal of the action, or as the connection's loss.
    public mutating func end(_ reason: AMICallEnd.Reason) {
        guard !state.isEnded else { return }
        state = .ended(AMICallEnd(reason: reason, wasAnswered: wasAnswered))
    }

    private mutating func progress(stateCode: String?) {
        switch Int(stateCode ?? "") {
        case 4?, 5?: if state == .requested || state == .dialing { state = .ringing }
        case 6?: answer()
        default: break
        }
    }

    private mutating func answer() {
        wasAnswered = true
        if !state.isEnded { state = .answered }
    }

    /// What `OriginateResponse`'s `Reason` (Asterisk's control frame of the outcome) stands for.
    static func reason(forOriginateReason reason: Int) -> AMICallEnd.Reason {
        switch reason {
        case 1: return .failed  // hung up before answer
        case 3: return .noAnswer
        case 5: return .busy
        case 8: return .congestion
        default: return .unknownEndpoint  // 0: the channel could not be created or dialled
        }
    }
}
