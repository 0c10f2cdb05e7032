/// The live model's state and how events change it (sans-IO: feed events and snapshots, read
/// channels and bridges).
public struct AMILiveModelState: Sendable {
    /// The channels, by unique id.
    public private(set) var channels: [String: AMILiveChannel] = [:]
    /// The bridges, by id.
    public private(set) var bridges: [String: AMILiveBridge] = [:]
    /// The call queues, by name.
    public internal(set) var queues: [String: AMILiveQueue] = [:]

    /// Creates an empty state.
    public init() {}

    /// Applies one event; returns what changed.
    public mutating func apply(_ event: AMIEvent) -> [AMILiveChange] {
        if let changes = applyQueueEvent(event) { return changes }
        switch event.name.lowercased() {
        case "newchannel":
            guard let channel = AMILiveChannel(snapshot: event) else { return [] }
            let existed = channels[channel.uniqueID] != nil
            channels[channel.uniqueID] = channel
            return [existed ? .channelUpdated(channel) : .channelAdded(channel)]
        case "newstate", "newcallerid", "newconnectedline", "newexten", "rename", "dialbegin", "dialstate", "dialend":
            return update(event["Uniqueid"]) { $0.refresh(from: event) }
        case "varset":
            guard let name = event["Variable"] else { return [] }
            return update(event["Uniqueid"]) { $0.variables[name] = event["Value"] ?? "" }
        case "hangup":
            guard let id = event["Uniqueid"], let channel = channels.removeValue(forKey: id) else { return [] }
            var changes: [AMILiveChange] = [.channelRemoved(channel)]
            if let bridgeID = channel.bridgeID, var bridge = bridges[bridgeID], bridge.members.remove(id) != nil {
                bridges[bridgeID] = bridge
                changes.append(.bridgeUpdated(bridge))
            }
            return changes
        case "bridgecreate":
            guard let bridge = Self.bridge(from: event) else { return [] }
            bridges[bridge.id] = bridge
            return [.bridgeAdded(bridge)]
        case "bridgedestroy":
            guard let id = event["BridgeUniqueid"], let bridge = bridges.removeValue(forKey: id) else { return [] }
            return [.bridgeRemoved(bridge)]
        case "bridgeenter", "bridgeleave":
            return membership(event, entering: event.isNamed("BridgeEnter"))
        default:
            return []
        }
    }

    /// Replaces the state with a snapshot (`CoreShowChannel`, `BridgeListItem` and `QueueStatus`'s
    /// events) and returns the differences: channels, bridges and queues that appeared, changed or
    /// are gone (a Hangup missed while disconnected leaves no ghost).
    public mutating func load(channels snapshot: [AMIEvent], bridges bridgeSnapshot: [AMIEvent], queues queueSnapshot: [AMIEvent] = []) -> [AMILiveChange] {
        var fresh: [String: AMILiveChannel] = [:]
        for event in snapshot {
            guard var channel = AMILiveChannel(snapshot: event) else { continue }
            channel.variables = channels[channel.uniqueID]?.variables ?? [:]
            fresh[channel.uniqueID] = channel
        }
        var freshBridges: [String: AMILiveBridge] = [:]
        for event in bridgeSnapshot {
            guard var bridge = Self.bridge(from: event) else { continue }
            bridge.members = Set(fresh.values.filter { $0.bridgeID == bridge.id }.map(\.uniqueID))
            freshBridges[bridge.id] = bridge
        }
        var changes: [AMILiveChange] = []
        for (id, channel) in channels.sorted(by: { $0.key < $1.key }) where fresh[id] == nil { changes.append(.channelRemoved(channel)) }
        for (id, channel) in fresh.sorted(by: { $0.key < $1.key }) {
            if let old = channels[id] {
                if old != channel { changes.append(.channelUpdated(channel)) }
            } else {
                changes.append(.channelAdded(channel))
            }
        }
        for (id, bridge) in bridges.sorted(by: { $0.key < $1.key }) where freshBridges[id] == nil { changes.append(.bridgeRemoved(bridge)) }
        for (id, bridge) in freshBridges.sorted(by: { $0.key < $1.key }) {
            if let old = bridges[id] {
                if old != bridge { changes.append(.bridgeUpdated(bridge)) }
            } else {
                changes.append(.bridgeAdded(bridge))
            }
        }
        let freshQueues = Self.queues(from: queueSnapshot)
        for (name, queue) in queues.sorted(by: { $0.key < $1.key }) where freshQueues[name] == nil { changes.append(.queueRemoved(queue)) }
        for (name, queue) in freshQueues.sorted(by: { $0.key < $1.key }) where queues[name] != queue { changes.append(.queueUpdated(queue)) }
        channels = fresh
        bridges = freshBridges
        queues = freshQueues
        changes.append(.resynchronized)
        return changes
    }

    private mutating func update(_ id: String?, _ change: (inout AMILiveChannel) -> Void) -> [AMILiveChange] {
        guard let id, var channel = channels[id] else { return [] }
        let before = channel
        change(&channel)
        guard channel != before else { return [] }
        channels[id] = channel
        return [.channelUpdated(channel)]
    }

    private mutating func membership(_ event: AMIEvent, entering: Bool) -> [AMILiveChange] {
        guard let bridgeID = event["BridgeUniqueid"], let channelID = event["Uniqueid"] else { return [] }
        var changes: [AMILiveChange] = []
        var bridge = bridges[bridgeID] ?? AMILiveBridge(
            id: bridgeID, type: event["BridgeType"] ?? "", technology: event["BridgeTechnology"] ?? "", members: [])
        let isNew = bridges[bridgeID] == nil
        if entering { bridge.members.insert(channelID) } else { bridge.members.remove(channelID) }
        bridges[bridgeID] = bridge
        changes.append(isNew ? .bridgeAdded(bridge) : .bridgeUpdated(bridge))
        changes += update(channelID) { channel in
            channel.refresh(from: event)
            channel.bridgeID = entering ? bridgeID : (channel.bridgeID == bridgeID ? nil : channel.bridgeID)
        }
        return changes
    }

    private static func bridge(from event: AMIEvent) -> AMILiveBridge? {
        guard let id = event["BridgeUniqueid"], !id.isEmpty else { return nil }
        return AMILiveBridge(id: id, type: event["BridgeType"] ?? "", technology: event["BridgeTechnology"] ?? "", members: [])
    }
}
