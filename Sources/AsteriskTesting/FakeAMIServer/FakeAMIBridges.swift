import AsteriskAMI

/// A bridge the fake server pretends to have.
public struct FakeBridge: Sendable, Hashable {
    /// The bridge's unique id.
    public var id: String
    /// Its type (`basic`, `holding`, …).
    public var type: String
    /// Its technology (`simple_bridge`, `softmix`, `holding_bridge`).
    public var technology: String
    /// The unique ids of the channels in it, in the order they entered.
    public var members: [String]

    /// The bridge snapshot headers Asterisk puts in bridge events and list items.
    func snapshotHeaders() -> [AMIHeader] {
        [
            AMIHeader(name: "BridgeUniqueid", value: id), AMIHeader(name: "BridgeType", value: type),
            AMIHeader(name: "BridgeTechnology", value: technology), AMIHeader(name: "BridgeCreator", value: "<unknown>"),
            AMIHeader(name: "BridgeName", value: "<unknown>"), AMIHeader(name: "BridgeNumChannels", value: String(members.count)),
            AMIHeader(name: "BridgeVideoSourceMode", value: "none"),
        ]
    }
}

extension FakeAMIServer {
    /// The bridges the server pretends to have, by id.
    public var bridges: [FakeBridge] { state.withLockedValue { $0.bridges.values.sorted { $0.id < $1.id } } }

    /// Creates an empty bridge and emits `BridgeCreate`; returns its id.
    @discardableResult
    public func createBridge(id: String? = nil, type: String = "basic", technology: String = "simple_bridge") -> String {
        let bridge = state.withLockedValue { state -> FakeBridge in
            let bridge = FakeBridge(id: id ?? "bridge-\(state.makeUniqueID())", type: type, technology: technology, members: [])
            state.bridges[bridge.id] = bridge
            return bridge
        }
        emit(AMIEvent(name: "BridgeCreate", headers: bridge.snapshotHeaders()))
        return bridge.id
    }

    /// Puts a channel into a bridge (`BridgeEnter`), taking it out of the bridge it was in first
    /// (`BridgeLeave`). Returns false when the channel or the bridge does not exist.
    @discardableResult
    public func bridge(_ uniqueID: String, into bridgeID: String) -> Bool {
        let events = state.withLockedValue { state -> [AMIEvent]? in
            guard let channel = state.channels[uniqueID], state.bridges[bridgeID] != nil else { return nil }
            var events = state.leaveBridge(channel)
            state.bridges[bridgeID]?.members.append(uniqueID)
            events.append(AMIEvent(name: "BridgeEnter", headers: state.bridges[bridgeID]!.snapshotHeaders() + channel.snapshotHeaders()))
            return events
        }
        events?.forEach(emit)
        return events != nil
    }

    /// Takes a channel out of its bridge (`BridgeLeave`).
    public func unbridge(_ uniqueID: String) {
        let events = state.withLockedValue { state -> [AMIEvent] in
            guard let channel = state.channels[uniqueID] else { return [] }
            return state.leaveBridge(channel)
        }
        events.forEach(emit)
    }

    /// Destroys a bridge: every member leaves (`BridgeLeave`), then `BridgeDestroy`.
    public func destroyBridge(_ id: String) {
        let events = state.withLockedValue { state -> [AMIEvent] in
            guard let bridge = state.bridges[id] else { return [] }
            var events = bridge.members.compactMap { state.channels[$0] }.flatMap { state.leaveBridge($0) }
            if let emptied = state.bridges.removeValue(forKey: id) {
                events.append(AMIEvent(name: "BridgeDestroy", headers: emptied.snapshotHeaders()))
            }
            return events
        }
        events.forEach(emit)
    }

    /// The `BridgeList`, `BridgeInfo`, `Bridge`, `BridgeKick` and `BridgeDestroy` actions; nil for other actions.
    func bridgeAction(_ request: FakeAMIRequest) -> FakeAMIReply? {
        switch request.action.lowercased() {
        case "bridgelist":
            let type = request["BridgeType"]
            let items = bridges.filter { type == nil || type == "" || $0.type == type }
                .map { AMIEvent(name: "BridgeListItem", headers: $0.snapshotHeaders()) }
            return .list(message: "Bridge listing will follow", items: items, completeEvent: "BridgeListComplete")
        case "bridgeinfo":
            guard let id = request["BridgeUniqueid"], !id.isEmpty else { return .error(message: "BridgeUniqueid must be provided") }
            guard let (bridge, members) = state.withLockedValue({ state in
                state.bridges[id].map { ($0, $0.members.compactMap { state.channels[$0] }) }
            }) else { return .error(message: "Bridge '\(id)' not found") }
            let items = members.map { AMIEvent(name: "BridgeInfoChannel", headers: $0.snapshotHeaders()) }
            return .list(
                message: "Bridge channel listing will follow", items: items, completeEvent: "BridgeInfoComplete",
                completeHeaders: bridge.snapshotHeaders())
        case "bridge":
            guard let first = request["Channel1"], let second = request["Channel2"] else {
                return .error(message: "Channel1 and Channel2 must be both specified")
            }
            let found = state.withLockedValue { state in
                (state.channel(named: first), state.channel(named: second))
            }
            guard let one = found.0 else { return .error(message: "Channel1 does not exist: \(first)") }
            guard let two = found.1 else { return .error(message: "Channel2 does not exist: \(second)") }
            let id = createBridge()
            bridge(one.uniqueID, into: id)
            bridge(two.uniqueID, into: id)
            return .success(message: "Channels have been bridged")
        case "bridgekick":
            guard let target = request["Channel"], !target.isEmpty else { return .error(message: "Channel must be provided") }
            guard let channel = state.withLockedValue({ $0.channel(named: target) }) else {
                return .error(message: "Channel does not exist")
            }
            let bridgeID = request["BridgeUniqueid"]
            let member = state.withLockedValue { state in
                state.bridges.values.first { $0.members.contains(channel.uniqueID) && (bridgeID == nil || $0.id == bridgeID) }
            }
            guard member != nil else { return .error(message: "Channel is not in the bridge") }
            unbridge(channel.uniqueID)
            return .success(message: "Channel has been kicked")
        case "bridgedestroy":
            guard let id = request["BridgeUniqueid"], !id.isEmpty else { return .error(message: "BridgeUniqueid must be provided") }
            guard state.withLockedValue({ $0.bridges[id] }) != nil else { return .error(message: "Bridge not found") }
            destroyBridge(id)
            return .success(message: "Bridge has been destroyed")
        default:
            return nil
        }
    }
}

extension FakeAMIServerState {
    /// The channel called `name` or with that unique id.
    func channel(named name: String) -> FakeChannel? {
        channels[name] ?? channels.values.first { $0.name == name }
    }

    /// The bridge a channel is in, if any.
    func bridgeID(of uniqueID: String) -> String? {
        bridges.values.first { $0.members.contains(uniqueID) }?.id
    }

    /// Takes `channel` out of its bridge; returns the `BridgeLeave` to emit.
    mutating func leaveBridge(_ channel: FakeChannel) -> [AMIEvent] {
        guard let id = bridgeID(of: channel.uniqueID) else { return [] }
        bridges[id]?.members.removeAll { $0 == channel.uniqueID }
        return [AMIEvent(name: "BridgeLeave", headers: bridges[id]!.snapshotHeaders() + channel.snapshotHeaders())]
    }
}
