/// A call queue (app_queue) as the live model knows it.
public struct AMILiveQueue: Sendable, Hashable {
    /// The queue's name.
    public var name: String
    /// Its ring strategy (`ringall`, `leastrecent`, …), when a snapshot has said.
    public var strategy: String?
    /// The members, by interface (`PJSIP/100`).
    public var members: [String: AMILiveQueueMember] = [:]
    /// The callers waiting, in queue order.
    public var callers: [AMILiveQueueCaller] = []
}

/// A queue member (an agent's interface).
public struct AMILiveQueueMember: Sendable, Hashable {
    /// The interface called (`PJSIP/100`).
    public var interface: String
    /// The member's name.
    public var name: String
    /// The interface whose device state is watched.
    public var stateInterface: String
    /// `static`, `dynamic` or `realtime`.
    public var membership: String
    /// Its penalty.
    public var penalty: Int
    /// Calls it has taken.
    public var callsTaken: Int
    /// Whether it is on a call now.
    public var inCall: Bool
    /// Its device state number (1 not in use, 2 in use, 6 ringing, …).
    public var status: Int
    /// Whether it is paused.
    public var isPaused: Bool
    /// Why it was paused.
    public var pausedReason: String

    /// Reads a member from `QueueMember` (QueueStatus: `Name`, `Location`) or `QueueMember…` events
    /// (`MemberName`, `Interface`).
    init?(event: AMIEvent) {
        guard let interface = event["Interface"] ?? event["Location"], !interface.isEmpty else { return nil }
        self.interface = interface
        name = event["MemberName"] ?? event["Name"] ?? interface
        stateInterface = event["StateInterface"] ?? interface
        membership = event["Membership"] ?? ""
        penalty = Int(event["Penalty"] ?? "") ?? 0
        callsTaken = Int(event["CallsTaken"] ?? "") ?? 0
        inCall = event["InCall"] == "1"
        status = Int(event["Status"] ?? "") ?? 0
        isPaused = event["Paused"] == "1"
        pausedReason = event["PausedReason"] ?? ""
    }
}

/// A caller waiting in a queue.
public struct AMILiveQueueCaller: Sendable, Hashable {
    /// The caller's channel unique id.
    public var uniqueID: String
    /// The caller's channel name.
    public var channel: String
    /// Its place in the queue (1 is next).
    public var position: Int
    /// Caller ID number.
    public var callerIDNumber: String
    /// Caller ID name.
    public var callerIDName: String

    init?(event: AMIEvent) {
        guard let uniqueID = event["Uniqueid"], !uniqueID.isEmpty else { return nil }
        self.uniqueID = uniqueID
        channel = event["Channel"] ?? ""
        position = Int(event["Position"] ?? "") ?? 0
        callerIDNumber = event["CallerIDNum"] ?? ""
        callerIDName = event["CallerIDName"] ?? ""
    }
}

extension AMILiveModelState {
    /// Applies a queue event; nil when the event is not about queues.
    mutating func applyQueueEvent(_ event: AMIEvent) -> [AMILiveChange]? {
        let name = event.name.lowercased()
        guard name.hasPrefix("queue"), let queueName = event["Queue"] else { return nil }
        var queue = queues[queueName] ?? AMILiveQueue(name: queueName)
        switch name {
        case "queuememberadded", "queuememberstatus", "queuememberpause", "queuememberpenalty", "queuememberringinuse":
            guard let member = AMILiveQueueMember(event: event) else { return [] }
            queue.members[member.interface] = member
        case "queuememberremoved":
            guard let interface = event["Interface"] else { return [] }
            queue.members[interface] = nil
        case "queuecallerjoin":
            guard let caller = AMILiveQueueCaller(event: event) else { return [] }
            queue.callers.removeAll { $0.uniqueID == caller.uniqueID }
            queue.callers.append(caller)
            queue.callers.sort { $0.position < $1.position }
        case "queuecallerleave", "queuecallerabandon":
            guard let id = event["Uniqueid"], let index = queue.callers.firstIndex(where: { $0.uniqueID == id }) else { return [] }
            queue.callers.remove(at: index)
            // Everyone behind moves up one place, as Asterisk renumbers them.
            for later in index..<queue.callers.count { queue.callers[later].position -= 1 }
        default:
            return []
        }
        guard queues[queueName] != queue else { return [] }
        queues[queueName] = queue
        return [.queueUpdated(queue)]
    }

    /// The queues of a `QueueStatus` answer (`QueueParams`, `QueueMember`, `QueueEntry` events).
    static func queues(from snapshot: [AMIEvent]) -> [String: AMILiveQueue] {
        var result: [String: AMILiveQueue] = [:]
        for event in snapshot {
            guard let name = event["Queue"] else { continue }
            var queue = result[name] ?? AMILiveQueue(name: name)
            switch event.name.lowercased() {
            case "queueparams": queue.strategy = event["Strategy"]
            case "queuemember": if let member = AMILiveQueueMember(event: event) { queue.members[member.interface] = member }
            case "queueentry": if let caller = AMILiveQueueCaller(event: event) { queue.callers.append(caller) }
            default: continue
            }
            queue.callers.sort { $0.position < $1.position }
            result[name] = queue
        }
        return result
    }
}
