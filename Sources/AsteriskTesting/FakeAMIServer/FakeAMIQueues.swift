import AsteriskAMI

/// A member of a fake call queue.
public struct FakeQueueMember: Sendable, Hashable {
    /// The interface called (`PJSIP/100`).
    public var interface: String
    /// The member's name.
    public var name: String
    /// Its penalty.
    public var penalty: Int
    /// Whether it is paused.
    public var isPaused: Bool
    /// Why it was paused.
    public var pausedReason: String
    /// `static` (from queues.conf) or `dynamic` (added with `QueueAdd`).
    public var membership: String

    /// Creates a member.
    public init(interface: String, name: String? = nil, penalty: Int = 0, isPaused: Bool = false, pausedReason: String = "", membership: String = "static") {
        self.interface = interface
        self.name = name ?? interface
        self.penalty = penalty
        self.isPaused = isPaused
        self.pausedReason = pausedReason
        self.membership = membership
    }

    /// The member headers of `QueueMember…` events (`QueueStatus` spells two of them differently).
    func headers(queue: String, forStatus: Bool = false) -> [AMIHeader] {
        [
            AMIHeader(name: "Queue", value: queue), AMIHeader(name: forStatus ? "Name" : "MemberName", value: name),
            AMIHeader(name: forStatus ? "Location" : "Interface", value: interface), AMIHeader(name: "StateInterface", value: interface),
            AMIHeader(name: "Membership", value: membership), AMIHeader(name: "Penalty", value: String(penalty)),
            AMIHeader(name: "CallsTaken", value: "0"), AMIHeader(name: "LastCall", value: "0"), AMIHeader(name: "LastPause", value: "0"),
            AMIHeader(name: "LoginTime", value: "0"), AMIHeader(name: "InCall", value: "0"), AMIHeader(name: "Status", value: "1"),
            AMIHeader(name: "Paused", value: isPaused ? "1" : "0"), AMIHeader(name: "PausedReason", value: pausedReason),
            AMIHeader(name: "Wrapuptime", value: "0"),
        ] + (forStatus ? [] : [AMIHeader(name: "Ringinuse", value: "0")])
    }
}

/// A call queue of the fake server: its members and the callers waiting (unique ids, in order).
public struct FakeQueue: Sendable, Hashable {
    /// The queue's name.
    public var name: String
    /// Its strategy (`ringall`, `leastrecent`, …).
    public var strategy: String
    /// Its members, in the order they were added.
    public var members: [FakeQueueMember]
    /// The unique ids of the callers waiting, first in line first.
    public var callers: [String]
}

extension FakeAMIServer {
    /// The queues the server pretends to have.
    public var queues: [FakeQueue] { state.withLockedValue { $0.queues.values.sorted { $0.name < $1.name } } }

    /// Adds a queue (as queues.conf would) with static members; no event, as a reload would not send one.
    public func addQueue(_ name: String, strategy: String = "ringall", members: [FakeQueueMember] = []) {
        state.withLockedValue { $0.queues[name] = FakeQueue(name: name, strategy: strategy, members: members, callers: []) }
    }

    /// A channel enters a queue (`Queue()` in the dialplan): `QueueCallerJoin`. False when either does not exist.
    @discardableResult
    public func enqueue(_ uniqueID: String, in queueName: String) -> Bool {
        let event = state.withLockedValue { state -> AMIEvent? in
            guard let channel = state.channels[uniqueID], var queue = state.queues[queueName] else { return nil }
            queue.callers.append(uniqueID)
            state.queues[queueName] = queue
            return AMIEvent(name: "QueueCallerJoin", headers: channel.snapshotHeaders() + [
                AMIHeader(name: "Queue", value: queueName), AMIHeader(name: "Position", value: String(queue.callers.count)),
                AMIHeader(name: "Count", value: String(queue.callers.count)),
            ])
        }
        event.map(emit)
        return event != nil
    }

    /// A caller leaves its queue, answered by a member (`QueueCallerLeave`) or giving up
    /// (`QueueCallerAbandon` first).
    public func dequeue(_ uniqueID: String, abandoned: Bool = false) {
        state.withLockedValue { $0.leaveQueues(uniqueID, abandoned: abandoned) }.forEach(emit)
    }

    /// The `QueueStatus`, `QueueSummary`, `QueueAdd`, `QueueRemove` and `QueuePause` actions; nil for other actions.
    func queueAction(_ request: FakeAMIRequest) -> FakeAMIReply? {
        switch request.action.lowercased() {
        case "queuestatus": return queueStatus(request)
        case "queuesummary":
            let wanted = request["Queue"].flatMap { $0.isEmpty ? nil : $0 }
            let items = queues.filter { wanted == nil || $0.name == wanted }.map { queue in
                AMIEvent(name: "QueueSummary", headers: [
                    AMIHeader(name: "Queue", value: queue.name), AMIHeader(name: "LoggedIn", value: String(queue.members.count)),
                    AMIHeader(name: "Available", value: String(queue.members.filter { !$0.isPaused }.count)),
                    AMIHeader(name: "Callers", value: String(queue.callers.count)), AMIHeader(name: "HoldTime", value: "0"),
                    AMIHeader(name: "TalkTime", value: "0"), AMIHeader(name: "LongestHoldTime", value: "0"),
                ])
            }
            return .list(message: "Queue summary will follow", items: items, completeEvent: "QueueSummaryComplete")
        case "queueadd":
            guard let queueName = request["Queue"], !queueName.isEmpty else { return .error(message: "'Queue' not specified.") }
            guard let interface = request["Interface"], !interface.isEmpty else { return .error(message: "'Interface' not specified.") }
            let member = FakeQueueMember(
                interface: interface, name: request["MemberName"].flatMap { $0.isEmpty ? nil : $0 }, penalty: Int(request["Penalty"] ?? "") ?? 0,
                isPaused: AMIValue.bool(request["Paused"] ?? "") ?? false, pausedReason: request["Reason"] ?? "", membership: "dynamic")
            let outcome = state.withLockedValue { state -> String? in
                guard state.queues[queueName] != nil else { return "Unable to add interface to queue: No such queue" }
                guard !state.queues[queueName]!.members.contains(where: { $0.interface == interface }) else {
                    return "Unable to add interface: Already there"
                }
                state.queues[queueName]!.members.append(member)
                return nil
            }
            if let outcome { return .error(message: outcome) }
            emit(AMIEvent(name: "QueueMemberAdded", headers: member.headers(queue: queueName)))
            return .success(message: "Added interface to queue")
        case "queueremove":
            guard let queueName = request["Queue"], let interface = request["Interface"] else {
                return .error(message: "Need 'Queue' and 'Interface' parameters.")
            }
            let outcome = state.withLockedValue { state -> Result<FakeQueueMember, FakeAMIQueueRefusal> in
                guard let queue = state.queues[queueName] else { return .failure(.init("Unable to remove interface from queue: No such queue")) }
                guard let index = queue.members.firstIndex(where: { $0.interface == interface }) else {
                    return .failure(.init("Unable to remove interface: Not there"))
                }
                guard queue.members[index].membership == "dynamic" else { return .failure(.init("Member not dynamic")) }
                return .success(state.queues[queueName]!.members.remove(at: index))
            }
            switch outcome {
            case .failure(let refusal): return .error(message: refusal.message)
            case .success(let member):
                emit(AMIEvent(name: "QueueMemberRemoved", headers: member.headers(queue: queueName)))
                return .success(message: "Removed interface from queue")
            }
        case "queuepause":
            guard let interface = request["Interface"], let pausedText = request["Paused"], let paused = AMIValue.bool(pausedText) else {
                return .error(message: "Need 'Interface' and 'Paused' parameters.")
            }
            let only = request["Queue"].flatMap { $0.isEmpty ? nil : $0 }
            let events = state.withLockedValue { state -> [AMIEvent] in
                var events: [AMIEvent] = []
                for name in state.queues.keys.sorted() where only == nil || only == name {
                    guard let index = state.queues[name]!.members.firstIndex(where: { $0.interface == interface }) else { continue }
                    state.queues[name]!.members[index].isPaused = paused
                    state.queues[name]!.members[index].pausedReason = paused ? (request["Reason"] ?? "") : ""
                    events.append(AMIEvent(name: "QueueMemberPause", headers: state.queues[name]!.members[index].headers(queue: name)))
                }
                return events
            }
            guard !events.isEmpty else { return .error(message: "Interface not found") }
            events.forEach(emit)
            return .success(message: paused ? "Interface paused successfully" : "Interface unpaused successfully")
        default:
            return nil
        }
    }

    private func queueStatus(_ request: FakeAMIRequest) -> FakeAMIReply {
        let wanted = request["Queue"].flatMap { $0.isEmpty ? nil : $0 }
        let memberFilter = request["Member"].flatMap { $0.isEmpty ? nil : $0 }
        let items = state.withLockedValue { state -> [AMIEvent] in
            var items: [AMIEvent] = []
            for queue in state.queues.values.sorted(by: { $0.name < $1.name }) where wanted == nil || queue.name == wanted {
                items.append(AMIEvent(name: "QueueParams", headers: [
                    AMIHeader(name: "Queue", value: queue.name), AMIHeader(name: "Max", value: "0"),
                    AMIHeader(name: "Strategy", value: queue.strategy), AMIHeader(name: "Calls", value: String(queue.callers.count)),
                    AMIHeader(name: "Holdtime", value: "0"), AMIHeader(name: "TalkTime", value: "0"), AMIHeader(name: "Completed", value: "0"),
                    AMIHeader(name: "Abandoned", value: "0"), AMIHeader(name: "ServiceLevel", value: "0"),
                    AMIHeader(name: "ServicelevelPerf", value: "0.0"), AMIHeader(name: "ServicelevelPerf2", value: "0.0"),
                    AMIHeader(name: "Weight", value: "0"),
                ]))
                for member in queue.members where memberFilter == nil || member.interface == memberFilter || member.name == memberFilter {
                    items.append(AMIEvent(name: "QueueMember", headers: member.headers(queue: queue.name, forStatus: true)))
                }
                for (index, id) in queue.callers.enumerated() {
                    guard let channel = state.channels[id] else { continue }
                    items.append(AMIEvent(name: "QueueEntry", headers: [
                        AMIHeader(name: "Queue", value: queue.name), AMIHeader(name: "Position", value: String(index + 1)),
                        AMIHeader(name: "Channel", value: channel.name), AMIHeader(name: "Uniqueid", value: id),
                        AMIHeader(name: "CallerIDNum", value: channel.callerIDNumber), AMIHeader(name: "CallerIDName", value: channel.callerIDName),
                        AMIHeader(name: "ConnectedLineNum", value: "unknown"), AMIHeader(name: "ConnectedLineName", value: "unknown"),
                        AMIHeader(name: "Wait", value: "0"), AMIHeader(name: "Priority", value: "0"),
                    ]))
                }
            }
            return items
        }
        return .list(message: "Queue status will follow", items: items, completeEvent: "QueueStatusComplete")
    }
}

/// Why a queue action was refused (its `Message:`).
struct FakeAMIQueueRefusal: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension FakeAMIServerState {
    /// Takes a caller out of every queue it waits in; returns the events to emit.
    mutating func leaveQueues(_ uniqueID: String, abandoned: Bool) -> [AMIEvent] {
        guard let channel = channels[uniqueID] else { return [] }
        var events: [AMIEvent] = []
        for name in queues.keys.sorted() {
            guard let index = queues[name]!.callers.firstIndex(of: uniqueID) else { continue }
            queues[name]!.callers.remove(at: index)
            let position = AMIHeader(name: "Position", value: String(index + 1))
            if abandoned {
                events.append(AMIEvent(name: "QueueCallerAbandon", headers: channel.snapshotHeaders() + [
                    AMIHeader(name: "Queue", value: name), position, AMIHeader(name: "OriginalPosition", value: String(index + 1)),
                    AMIHeader(name: "HoldTime", value: "0"),
                ]))
            }
            events.append(AMIEvent(name: "QueueCallerLeave", headers: channel.snapshotHeaders() + [
                AMIHeader(name: "Queue", value: name), AMIHeader(name: "Count", value: String(queues[name]!.callers.count)), position,
            ]))
        }
        return events
    }

    /// Removes a channel, first taking it out of its bridge and its queues; returns it with the
    /// events that go before its `Hangup`.
    mutating func removeChannel(_ uniqueID: String) -> (FakeChannel, [AMIEvent])? {
        guard let channel = channels[uniqueID] else { return nil }
        let events = leaveBridge(channel) + leaveQueues(uniqueID, abandoned: true)
        channels[uniqueID] = nil
        return (channel, events)
    }
}
