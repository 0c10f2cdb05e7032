import AsteriskTesting
import Testing

@testable import AsteriskAMI

@Suite("The live model over loopback")
struct AMILiveModelTests {
    @Test func snapshotThenEventsThenReconciliationAfterReconnect() async throws {
        let server = try await FakeAMIServer.start()
        server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "1700000000.1"))
        server.addChannel(FakeChannel(name: "PJSIP/200-00000002", uniqueID: "1700000000.2"))
        let client = makeClient(server)
        try await client.connect()
        let model = AMILiveModel(client: client)
        try await model.start()
        #expect(await model.channels.map(\.uniqueID) == ["1700000000.1", "1700000000.2"])
        #expect(await model.snapshotCount == 1)
        let changes = await model.changes

        // A call placed through AMI shows up and leaves again.
        server.setOriginateOutcome { _ in .answer(ringing: .milliseconds(10), talking: .milliseconds(50)) }
        let call = try await client.originate(OriginateAction(channel: "PJSIP/300", destination: .dialplan(context: "office", exten: "300")))
        _ = try await call.ended(timeout: TestTiming.scaled(.seconds(5)))
        #expect(try await eventually { await model.channel(call.channelID) == nil })

        // A Hangup missed while disconnected leaves no ghost: the snapshot after the reconnect reconciles.
        server.dropAllConnections()
        server.removeChannel("1700000000.1", emitHangup: false)
        #expect(try await eventually { await model.snapshotCount == 2 })
        #expect(await model.channels.map(\.uniqueID) == ["1700000000.2"])
        #expect(await model.channel(named: "PJSIP/200-00000002")?.uniqueID == "1700000000.2")

        await model.stop()
        var seen: [AMILiveChange] = []
        for await change in changes { seen.append(change) }
        #expect(seen.contains { if case .channelAdded(let channel) = $0 { return channel.uniqueID == call.channelID } else { return false } })
        // The model saw the call answered (Up) before it left (checked on the change stream: polling could miss it).
        #expect(seen.contains { if case .channelUpdated(let channel) = $0 { return channel.uniqueID == call.channelID && channel.state == 6 } else { return false } })
        #expect(seen.contains { if case .channelRemoved(let channel) = $0 { return channel.uniqueID == "1700000000.1" } else { return false } })
        #expect(seen.last == .resynchronized)
        await client.close()
        await server.stop()
    }
}

@Suite("The live model's queues over loopback")
struct AMILiveQueueTests {
    @Test func queueStatusThenQueueEvents() async throws {
        let server = try await FakeAMIServer.start()
        server.onAction("QueueStatus") { _ in
            .list(message: "Queue status will follow", items: [
                AMIEvent(name: "QueueParams", headers: [AMIHeader(name: "Queue", value: "sales"), AMIHeader(name: "Strategy", value: "leastrecent")]),
                AMIEvent(name: "QueueMember", headers: [
                    AMIHeader(name: "Queue", value: "sales"), AMIHeader(name: "Name", value: "Carol"), AMIHeader(name: "Location", value: "PJSIP/300"),
                    AMIHeader(name: "Paused", value: "0"),
                ]),
            ], completeEvent: "QueueStatusComplete")
        }
        let client = makeClient(server)
        try await client.connect()
        let model = AMILiveModel(client: client)
        try await model.start()
        #expect(await model.queue("sales")?.members["PJSIP/300"]?.name == "Carol")
        server.emit(event: "QueueMemberPause", ["Queue": "sales", "MemberName": "Carol", "Interface": "PJSIP/300", "Paused": "1"])
        server.emit(event: "QueueCallerJoin", ["Queue": "sales", "Uniqueid": "u9", "Channel": "PJSIP/9-9", "Position": "1"])
        let updated = try await eventually {
            let queue = await model.queue("sales")
            return queue?.members["PJSIP/300"]?.isPaused == true && queue?.callers.map(\.uniqueID) == ["u9"]
        }
        #expect(updated)
        #expect(await model.queues.map(\.name) == ["sales"])
        await model.stop()
        await client.close()
        await server.stop()
    }
}
