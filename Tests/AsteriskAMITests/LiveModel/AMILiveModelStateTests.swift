import Testing

@testable import AsteriskAMI

@Suite("The live model's state (sans-IO)")
struct AMILiveModelStateTests {
    private func event(_ name: String, _ headers: KeyValuePairs<String, String>) -> AMIEvent {
        AMIEvent(name: name, headers: headers.map { AMIHeader(name: $0.key, value: $0.value) })
    }

    @Test func eventsBuildChannelsAndBridges() {
        var state = AMILiveModelState()
        #expect(state.apply(event("Newchannel", ["Uniqueid": "u1", "Channel": "PJSIP/100-1", "ChannelState": "4", "Linkedid": "u1"])).count == 1)
        _ = state.apply(event("Newchannel", ["Uniqueid": "u2", "Channel": "PJSIP/200-2", "ChannelState": "0", "Linkedid": "u1"]))
        _ = state.apply(event("Newstate", ["Uniqueid": "u1", "ChannelState": "6", "ChannelStateDesc": "Up", "CallerIDNum": "100"]))
        _ = state.apply(event("VarSet", ["Uniqueid": "u1", "Variable": "DIALSTATUS", "Value": "ANSWER"]))
        _ = state.apply(event("Newexten", ["Uniqueid": "u1", "Context": "office", "Exten": "200", "Priority": "2"]))
        let changes = state.apply(event("BridgeEnter", ["Uniqueid": "u1", "BridgeUniqueid": "b1", "BridgeType": "basic"]))
        #expect(changes.count == 2)
        _ = state.apply(event("BridgeEnter", ["Uniqueid": "u2", "BridgeUniqueid": "b1"]))
        let channel = state.channels["u1"]
        #expect(channel?.state == 6 && channel?.stateDescription == "Up" && channel?.callerIDNumber == "100")
        #expect(channel?.variables == ["DIALSTATUS": "ANSWER"] && channel?.context == "office" && channel?.priority == 2)
        #expect(channel?.bridgeID == "b1" && state.bridges["b1"]?.members == ["u1", "u2"])
        _ = state.apply(event("BridgeLeave", ["Uniqueid": "u2", "BridgeUniqueid": "b1"]))
        #expect(state.bridges["b1"]?.members == ["u1"] && state.channels["u2"]?.bridgeID == nil)
        let hangup = state.apply(event("Hangup", ["Uniqueid": "u1", "Cause": "16"]))
        #expect(hangup.count == 2)  // the channel, and its bridge's members
        #expect(state.channels.keys.sorted() == ["u2"] && state.bridges["b1"]?.members.isEmpty == true)
        _ = state.apply(event("BridgeDestroy", ["BridgeUniqueid": "b1"]))
        #expect(state.bridges.isEmpty)
        // Events about unknown channels change nothing.
        #expect(state.apply(event("Newstate", ["Uniqueid": "nobody", "ChannelState": "6"])).isEmpty)
        #expect(state.apply(event("Hangup", ["Uniqueid": "nobody"])).isEmpty)
    }

    @Test func aSnapshotReconcilesGhostsAndNewcomers() {
        var state = AMILiveModelState()
        _ = state.apply(event("Newchannel", ["Uniqueid": "ghost", "Channel": "PJSIP/1-1"]))
        _ = state.apply(event("Newchannel", ["Uniqueid": "kept", "Channel": "PJSIP/2-2", "ChannelState": "4"]))
        _ = state.apply(event("VarSet", ["Uniqueid": "kept", "Variable": "X", "Value": "1"]))
        let changes = state.load(
            channels: [
                event("CoreShowChannel", ["Uniqueid": "kept", "Channel": "PJSIP/2-2", "ChannelState": "6", "BridgeId": "b9"]),
                event("CoreShowChannel", ["Uniqueid": "new", "Channel": "PJSIP/3-3", "ChannelState": "6", "BridgeId": "b9"]),
            ],
            bridges: [event("BridgeListItem", ["BridgeUniqueid": "b9", "BridgeType": "basic", "BridgeTechnology": "simple_bridge"])])
        #expect(state.channels.keys.sorted() == ["kept", "new"])
        #expect(state.channels["kept"]?.variables == ["X": "1"] && state.channels["kept"]?.state == 6)
        #expect(state.bridges["b9"]?.members == ["kept", "new"])
        #expect(changes.contains { if case .channelRemoved(let channel) = $0 { return channel.uniqueID == "ghost" } else { return false } })
        #expect(changes.contains { if case .channelAdded(let channel) = $0 { return channel.uniqueID == "new" } else { return false } })
        #expect(changes.last == .resynchronized)
    }
}

@Suite("The live model's queues (sans-IO)")
struct AMILiveQueueStateTests {
    private func event(_ name: String, _ headers: KeyValuePairs<String, String>) -> AMIEvent {
        AMIEvent(name: name, headers: headers.map { AMIHeader(name: $0.key, value: $0.value) })
    }

    @Test func membersPausesAndCallersFollowEvents() {
        var state = AMILiveModelState()
        _ = state.load(channels: [], bridges: [], queues: [
            event("QueueParams", ["Queue": "support", "Strategy": "ringall", "Calls": "0"]),
            event("QueueMember", ["Queue": "support", "Name": "Alice", "Location": "PJSIP/100", "Status": "1", "Paused": "0", "Membership": "static"]),
        ])
        #expect(state.queues["support"]?.strategy == "ringall")
        #expect(state.queues["support"]?.members["PJSIP/100"]?.name == "Alice")
        _ = state.apply(event("QueueMemberAdded", ["Queue": "support", "MemberName": "Bob", "Interface": "PJSIP/200", "Paused": "0"]))
        let paused = state.apply(event("QueueMemberPause", ["Queue": "support", "MemberName": "Bob", "Interface": "PJSIP/200", "Paused": "1", "PausedReason": "lunch"]))
        #expect(paused.count == 1)
        #expect(state.queues["support"]?.members["PJSIP/200"]?.isPaused == true && state.queues["support"]?.members["PJSIP/200"]?.pausedReason == "lunch")
        for (id, position) in [("c1", "1"), ("c2", "2"), ("c3", "3")] {
            _ = state.apply(event("QueueCallerJoin", ["Queue": "support", "Uniqueid": id, "Channel": "PJSIP/x-\(id)", "Position": position]))
        }
        _ = state.apply(event("QueueCallerAbandon", ["Queue": "support", "Uniqueid": "c1", "Position": "1"]))
        #expect(state.queues["support"]?.callers.map(\.uniqueID) == ["c2", "c3"])
        #expect(state.queues["support"]?.callers.map(\.position) == [1, 2])
        _ = state.apply(event("QueueMemberRemoved", ["Queue": "support", "Interface": "PJSIP/100"]))
        #expect(state.queues["support"]?.members.keys.sorted() == ["PJSIP/200"])
        // A snapshot without the queue removes it.
        let changes = state.load(channels: [], bridges: [], queues: [])
        #expect(changes.contains { if case .queueRemoved(let queue) = $0 { return queue.name == "support" } else { return false } })
        #expect(state.queues.isEmpty)
    }
}
