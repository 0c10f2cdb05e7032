import AsteriskTesting
import Testing

@testable import AsteriskAMI

@Suite("The fake AMI server's bridges and queues")
struct FakePBXModelTests {
    @Test func bridgeActionsAnswerFromTheModelAndRaiseEvents() async throws {
        let server = try await FakeAMIServer.start()
        server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "u1"))
        server.addChannel(FakeChannel(name: "PJSIP/200-00000002", uniqueID: "u2"))
        let client = makeClient(server)
        try await client.connect()
        let events = client.events(.names(["BridgeCreate", "BridgeEnter", "BridgeLeave", "BridgeDestroy"]))
        _ = try await client.send(action: "Bridge", ["Channel1": "PJSIP/100-00000001", "Channel2": "u2"])
        let bridgeID = try #require(server.bridges.first?.id)
        #expect(server.bridges.first?.members == ["u1", "u2"])

        let list = try await client.send(BridgeListAction())
        #expect(list.events.map { $0["BridgeUniqueid"] } == [bridgeID])
        #expect(list.events.first?["BridgeNumChannels"] == "2")
        let info = try await client.send(BridgeInfoAction(bridgeUniqueID: bridgeID))
        #expect(info.events.map { $0["Uniqueid"] } == ["u1", "u2"])
        #expect(info.completionEvent?["BridgeType"] == "basic")
        let channels = try await client.send(CoreShowChannelsAction())
        #expect(channels.items.map(\.event["BridgeId"]) == [bridgeID, bridgeID])

        _ = try await client.send(BridgeKickAction(channel: "u1"))
        #expect(server.bridges.first?.members == ["u2"])
        await #expect(throws: AMIError.self) { try await client.send(BridgeKickAction(channel: "u1")) }
        await #expect(throws: AMIError.self) { try await client.send(BridgeInfoAction(bridgeUniqueID: "nope")) }
        _ = try await client.send(BridgeDestroyAction(bridgeUniqueID: bridgeID))
        #expect(server.bridges.isEmpty)

        var names: [String] = []
        for try await event in events {
            names.append(event.name)
            if event.name == "BridgeDestroy" { break }
        }
        #expect(names == ["BridgeCreate", "BridgeEnter", "BridgeEnter", "BridgeLeave", "BridgeLeave", "BridgeDestroy"])
        await client.close()
        await server.stop()
    }

    @Test func queueActionsAnswerFromTheModelAndRaiseEvents() async throws {
        let server = try await FakeAMIServer.start()
        server.addQueue("sales", strategy: "leastrecent", members: [FakeQueueMember(interface: "PJSIP/300", name: "Carol")])
        server.addChannel(FakeChannel(name: "PJSIP/9-00000009", uniqueID: "caller", callerIDNumber: "5550100"))
        let client = makeClient(server)
        try await client.connect()
        let events = client.events(.names(["QueueMemberAdded", "QueueMemberPause", "QueueMemberRemoved", "QueueCallerJoin", "QueueCallerAbandon", "QueueCallerLeave"]))
        #expect(server.enqueue("caller", in: "sales"))
        #expect(!server.enqueue("caller", in: "support"))

        _ = try await client.send(QueueAddAction(queue: "sales", interface: "PJSIP/400", memberName: "Dave"))
        await #expect(throws: AMIError.self) { _ = try await client.send(QueueAddAction(queue: "sales", interface: "PJSIP/400")) }
        await #expect(throws: AMIError.self) { _ = try await client.send(QueueAddAction(queue: "support", interface: "PJSIP/400")) }
        _ = try await client.send(QueuePauseAction(interface: "PJSIP/300", paused: true, reason: "lunch"))
        await #expect(throws: AMIError.self) { _ = try await client.send(QueuePauseAction(interface: "PJSIP/999", paused: true)) }
        await #expect(throws: AMIError.self) { _ = try await client.send(QueueRemoveAction(queue: "sales", interface: "PJSIP/300")) }

        let status = try await client.send(QueueStatusAction(queue: "sales"))
        #expect(status.events.map(\.name) == ["QueueParams", "QueueMember", "QueueMember", "QueueEntry"])
        #expect(status.events.first?["Strategy"] == "leastrecent")
        #expect(status.events.filter { $0.name == "QueueMember" }.map { $0["Paused"] } == ["1", "0"])
        #expect(status.events.last?["CallerIDNum"] == "5550100")
        let summary = try await client.send(QueueSummaryAction())
        #expect(summary.events.first?["Available"] == "1")
        #expect(summary.events.first?["Callers"] == "1")

        _ = try await client.send(QueueRemoveAction(queue: "sales", interface: "PJSIP/400"))
        server.removeChannel("caller")
        #expect(server.queues.first?.callers == [])
        var names: [String] = []
        for try await event in events {
            names.append(event.name)
            if event.name == "QueueCallerLeave" { break }
        }
        #expect(names == ["QueueCallerJoin", "QueueMemberAdded", "QueueMemberPause", "QueueMemberRemoved", "QueueCallerAbandon", "QueueCallerLeave"])
        await client.close()
        await server.stop()
    }

    @Test func theLiveModelFollowsBridgesAndQueuesAndReconcilesAfterAReconnect() async throws {
        let server = try await FakeAMIServer.start()
        server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "u1"))
        server.addChannel(FakeChannel(name: "PJSIP/200-00000002", uniqueID: "u2"))
        server.addChannel(FakeChannel(name: "PJSIP/9-00000009", uniqueID: "caller"))
        let bridgeID = server.createBridge(id: "b1")
        server.bridge("u1", into: bridgeID)
        server.bridge("u2", into: bridgeID)
        server.addQueue("sales", members: [FakeQueueMember(interface: "PJSIP/300", name: "Carol")])
        server.enqueue("caller", in: "sales")
        let client = makeClient(server)
        try await client.connect()
        let model = AMILiveModel(client: client)
        try await model.start()
        #expect(await model.bridge("b1")?.members == ["u1", "u2"])
        #expect(await model.channel("u1")?.bridgeID == "b1")
        #expect(await model.queue("sales")?.callers.map(\.uniqueID) == ["caller"])

        // Events: a member joins and pauses, the bridged caller hangs up, a new bridge forms.
        _ = try await client.send(QueueAddAction(queue: "sales", interface: "PJSIP/400", memberName: "Dave"))
        _ = try await client.send(QueuePauseAction(interface: "PJSIP/300", paused: true))
        server.removeChannel("u2")
        let second = server.createBridge(id: "b2")
        server.bridge("caller", into: second)
        server.dequeue("caller")
        #expect(try await eventually {
            let queue = await model.queue("sales")
            let first = await model.bridge("b1"), second = await model.bridge("b2")
            return first?.members == ["u1"] && second?.members == ["caller"]
                && queue?.members["PJSIP/400"]?.name == "Dave" && queue?.members["PJSIP/300"]?.isPaused == true && queue?.callers == []
        })

        // Missed while disconnected: a member leaves its bridge and a bridge goes away without events.
        server.dropAllConnections()
        server.removeChannel("caller", emitHangup: false)
        #expect(try await eventually { await model.snapshotCount == 2 })
        #expect(await model.bridge("b2")?.members == [])
        #expect(await model.channel("caller") == nil)
        #expect(await model.bridge("b1")?.members == ["u1"])
        #expect(await model.queue("sales")?.members.count == 2)
        await model.stop()
        await client.close()
        await server.stop()
    }
}
