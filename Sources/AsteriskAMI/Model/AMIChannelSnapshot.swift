/// The channel state headers Asterisk puts in channel events, read from an event with an optional prefix (`Dest`, `Transferee`, …).
public struct AMIChannelSnapshot: Sendable, Hashable {
    /// The event the headers come from.
    public let event: AMIEvent
    /// The header prefix (empty for the event's own channel).
    public let prefix: String

    /// Reads the snapshot headers with `prefix` from `event`.
    public init(event: AMIEvent, prefix: String = "") {
        self.event = event
        self.prefix = prefix
    }

    /// `Channel`: the channel's name.
    public var channel: String? { event[prefix + "Channel"] }
    /// `ChannelState` as a number (0 Down … 6 Up, 7 Busy).
    public var channelState: Int? { event.int(prefix + "ChannelState") }
    /// `ChannelStateDesc`: the state as text.
    public var channelStateDescription: String? { event[prefix + "ChannelStateDesc"] }
    /// `CallerIDNum`.
    public var callerIDNumber: String? { event[prefix + "CallerIDNum"] }
    /// `CallerIDName`.
    public var callerIDName: String? { event[prefix + "CallerIDName"] }
    /// `ConnectedLineNum`.
    public var connectedLineNumber: String? { event[prefix + "ConnectedLineNum"] }
    /// `ConnectedLineName`.
    public var connectedLineName: String? { event[prefix + "ConnectedLineName"] }
    /// `Language`.
    public var language: String? { event[prefix + "Language"] }
    /// `AccountCode`.
    public var accountCode: String? { event[prefix + "AccountCode"] }
    /// `Context`.
    public var context: String? { event[prefix + "Context"] }
    /// `Exten`.
    public var `extension`: String? { event[prefix + "Exten"] }
    /// `Priority` as a number.
    public var priority: Int? { event.int(prefix + "Priority") }
    /// `Uniqueid`.
    public var uniqueID: String? { event[prefix + "Uniqueid"] }
    /// `Linkedid`.
    public var linkedID: String? { event[prefix + "Linkedid"] }
}

/// The bridge state headers Asterisk puts in bridge events, with an optional prefix.
public struct AMIBridgeSnapshot: Sendable, Hashable {
    /// The event the headers come from.
    public let event: AMIEvent
    /// The header prefix (empty for the event's own bridge).
    public let prefix: String

    /// Reads the snapshot headers with `prefix` from `event`.
    public init(event: AMIEvent, prefix: String = "") {
        self.event = event
        self.prefix = prefix
    }

    /// `BridgeUniqueid`.
    public var bridgeUniqueID: String? { event[prefix + "BridgeUniqueid"] }
    /// `BridgeType`.
    public var bridgeType: String? { event[prefix + "BridgeType"] }
    /// `BridgeTechnology`.
    public var bridgeTechnology: String? { event[prefix + "BridgeTechnology"] }
    /// `BridgeCreator`.
    public var bridgeCreator: String? { event[prefix + "BridgeCreator"] }
    /// `BridgeName`.
    public var bridgeName: String? { event[prefix + "BridgeName"] }
    /// `BridgeNumChannels` as a number.
    public var bridgeNumChannels: Int? { event.int(prefix + "BridgeNumChannels") }
    /// `BridgeVideoSourceMode`.
    public var bridgeVideoSourceMode: String? { event[prefix + "BridgeVideoSourceMode"] }
    /// `BridgeVideoSource`.
    public var bridgeVideoSource: String? { event[prefix + "BridgeVideoSource"] }
}

/// The answer to a list action: the response and its items as typed events.
public struct AMIListResponse<Item: AMITypedEvent>: AMIActionResponse {
    /// The raw response with every list event.
    public let response: AMIResponse

    /// Builds the typed answer.
    public init(response: AMIResponse) throws(AMIError) { self.response = response }

    /// The list items of type `Item` (other events in the list are in `response.events`).
    public var items: [Item] { response.events.filter { $0.isNamed(Item.eventName) }.map { Item(event: $0) } }

    /// The closing `…Complete` event.
    public var completionEvent: AMIEvent? { response.completionEvent }
}

/// A typed event that carries its channel's snapshot headers without a prefix (`Channel`, `Uniqueid`, …).
public protocol AMIChannelEvent: AMITypedEvent {}

extension AMIChannelEvent {
    /// The channel's state, from its unprefixed snapshot headers.
    public var channelSnapshot: AMIChannelSnapshot { AMIChannelSnapshot(event: event) }
    /// `Channel`: the channel's name.
    public var channel: String? { channelSnapshot.channel }
    /// `ChannelState` as a number.
    public var channelState: Int? { channelSnapshot.channelState }
    /// `ChannelStateDesc`.
    public var channelStateDescription: String? { channelSnapshot.channelStateDescription }
    /// `CallerIDNum`.
    public var callerIDNumber: String? { channelSnapshot.callerIDNumber }
    /// `CallerIDName`.
    public var callerIDName: String? { channelSnapshot.callerIDName }
    /// `ConnectedLineNum`.
    public var connectedLineNumber: String? { channelSnapshot.connectedLineNumber }
    /// `ConnectedLineName`.
    public var connectedLineName: String? { channelSnapshot.connectedLineName }
    /// `Language`.
    public var language: String? { channelSnapshot.language }
    /// `AccountCode`.
    public var accountCode: String? { channelSnapshot.accountCode }
    /// `Context`.
    public var context: String? { channelSnapshot.context }
    /// `Exten`.
    public var `extension`: String? { channelSnapshot.extension }
    /// `Priority` as a number.
    public var priority: Int? { channelSnapshot.priority }
    /// `Uniqueid`.
    public var uniqueID: String? { channelSnapshot.uniqueID }
    /// `Linkedid`.
    public var linkedID: String? { channelSnapshot.linkedID }
}

/// A typed event that carries its bridge's snapshot headers without a prefix (`BridgeUniqueid`, …).
public protocol AMIBridgeEvent: AMITypedEvent {}

extension AMIBridgeEvent {
    /// The bridge's state, from its unprefixed snapshot headers.
    public var bridgeSnapshot: AMIBridgeSnapshot { AMIBridgeSnapshot(event: event) }
    /// `BridgeUniqueid`.
    public var bridgeUniqueID: String? { bridgeSnapshot.bridgeUniqueID }
    /// `BridgeType`.
    public var bridgeType: String? { bridgeSnapshot.bridgeType }
    /// `BridgeTechnology`.
    public var bridgeTechnology: String? { bridgeSnapshot.bridgeTechnology }
    /// `BridgeCreator`.
    public var bridgeCreator: String? { bridgeSnapshot.bridgeCreator }
    /// `BridgeName`.
    public var bridgeName: String? { bridgeSnapshot.bridgeName }
    /// `BridgeNumChannels` as a number.
    public var bridgeNumChannels: Int? { bridgeSnapshot.bridgeNumChannels }
    /// `BridgeVideoSourceMode`.
    public var bridgeVideoSourceMode: String? { bridgeSnapshot.bridgeVideoSourceMode }
    /// `BridgeVideoSource`.
    public var bridgeVideoSource: String? { bridgeSnapshot.bridgeVideoSource }
}
