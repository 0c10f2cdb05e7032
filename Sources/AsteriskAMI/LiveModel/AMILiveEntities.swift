/// A channel as the live model knows it.
public struct AMILiveChannel: Sendable, Hashable {
    /// The unique id.
    public var uniqueID: String
    /// The channel's name (`PJSIP/100-00000001`).
    public var name: String
    /// The numeric state (0 Down, 4 Ring, 5 Ringing, 6 Up, …).
    public var state: Int
    /// Asterisk's word for the state (`Up`).
    public var stateDescription: String
    /// Caller ID number and name.
    public var callerIDNumber: String
    /// Caller ID name.
    public var callerIDName: String
    /// Connected line number.
    public var connectedLineNumber: String
    /// Connected line name.
    public var connectedLineName: String
    /// Dialplan context.
    public var context: String
    /// Dialplan extension.
    public var exten: String
    /// Dialplan priority.
    public var priority: Int
    /// The id shared by every channel of the call.
    public var linkedID: String
    /// The bridge the channel is in, if any.
    public var bridgeID: String?
    /// Channel variables seen in `VarSet` events.
    public var variables: [String: String] = [:]

    /// Reads a channel from an event carrying a channel snapshot (Newchannel, CoreShowChannel, …).
    init?(snapshot event: AMIEvent) {
        guard let uniqueID = event["Uniqueid"], !uniqueID.isEmpty else { return nil }
        self.uniqueID = uniqueID
        name = event["Channel"] ?? ""
        state = Int(event["ChannelState"] ?? "") ?? 0
        stateDescription = event["ChannelStateDesc"] ?? ""
        callerIDNumber = event["CallerIDNum"] ?? ""
        callerIDName = event["CallerIDName"] ?? ""
        connectedLineNumber = event["ConnectedLineNum"] ?? ""
        connectedLineName = event["ConnectedLineName"] ?? ""
        context = event["Context"] ?? ""
        exten = event["Exten"] ?? ""
        priority = Int(event["Priority"] ?? "") ?? 1
        linkedID = event["Linkedid"] ?? uniqueID
        let bridge = event["BridgeId"] ?? ""
        bridgeID = bridge.isEmpty ? nil : bridge
    }

    /// Takes the snapshot fields an event carries (every channel event repeats them).
    mutating func refresh(from event: AMIEvent) {
        if let value = event["Channel"] { name = value }
        if let value = event["ChannelState"].flatMap({ Int($0) }) { state = value }
        if let value = event["ChannelStateDesc"] { stateDescription = value }
        if let value = event["CallerIDNum"] { callerIDNumber = value }
        if let value = event["CallerIDName"] { callerIDName = value }
        if let value = event["ConnectedLineNum"] { connectedLineNumber = value }
        if let value = event["ConnectedLineName"] { connectedLineName = value }
        if let value = event["Context"] { context = value }
        if let value = event["Exten"] { exten = value }
        if let value = event["Priority"].flatMap({ Int($0) }) { priority = value }
        if let value = event["Linkedid"] { linkedID = value }
    }
}

/// A bridge as the live model knows it.
public struct AMILiveBridge: Sendable, Hashable {
    /// The bridge's unique id.
    public var id: String
    /// Its type (`basic`, `stasis`, …).
    public var type: String
    /// Its technology (`simple_bridge`, `softmix`, …).
    public var technology: String
    /// The unique ids of the channels in it.
    public var members: Set<String>
}

/// One change of the live model.
public enum AMILiveChange: Sendable, Hashable {
    /// A channel appeared.
    case channelAdded(AMILiveChannel)
    /// A channel changed (state, caller ID, dialplan position, variables, bridge).
    case channelUpdated(AMILiveChannel)
    /// A channel went away (a Hangup, or a snapshot that no longer lists it).
    case channelRemoved(AMILiveChannel)
    /// A bridge appeared.
    case bridgeAdded(AMILiveBridge)
    /// A bridge's members changed.
    case bridgeUpdated(AMILiveBridge)
    /// A bridge went away.
    case bridgeRemoved(AMILiveBridge)
    /// A queue's members or callers changed (or it appeared).
    case queueUpdated(AMILiveQueue)
    /// A queue is no longer in Asterisk's list.
    case queueRemoved(AMILiveQueue)
    /// A snapshot was loaded (at start or after a reconnect): the model now matches Asterisk's lists.
    case resynchronized
}
