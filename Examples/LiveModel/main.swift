// Live model: a running picture of channels, bridges and queues, printed as it changes. Uses
// $ASTERISK_AMI_URL when set (and runs until interrupted); otherwise starts the fake Asterisk from
// AsteriskTesting (with a queue), places two calls, bridges the reception with the first, queues the
// second, and stops when they are over:  swift run live-model
import AsteriskAMI
import AsteriskTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var fake: FakeAMIServer?
let client: AMIClient
if let url = getenv("ASTERISK_AMI_URL").map({ String(cString: $0) }), !url.isEmpty {
    client = try AMIClient(url: url)
} else {
    let server = try await FakeAMIServer.start()
    server.addChannel(FakeChannel(name: "PJSIP/reception-00000001", uniqueID: "1700000000.1", callerIDNumber: "100"))
    server.addQueue("support", members: [FakeQueueMember(interface: "PJSIP/400", name: "Dana")])
    server.setOriginateOutcome { _ in .answer(ringing: .milliseconds(100), talking: .milliseconds(300)) }
    fake = server
    client = AMIClient(configuration: .init(port: server.port, username: "admin", secret: .md5("secret")))
}

try await client.connect()
let model = AMILiveModel(client: client)
try await model.start()
print("now:", await model.channels.map { "\($0.name) (\($0.stateDescription))" })
let changes = await model.changes

if let fake {
    Task {
        let calls = [
            try await client.originate(OriginateAction(channel: "PJSIP/200", destination: .dialplan(context: "default", exten: "s"))),
            try await client.originate(OriginateAction(channel: "PJSIP/300", destination: .dialplan(context: "default", exten: "s"))),
        ]
        _ = try await calls[0].answered(timeout: .seconds(10))
        let bridge = fake.createBridge()
        fake.bridge("1700000000.1", into: bridge)
        fake.bridge(calls[0].channelID, into: bridge)
        _ = try await calls[1].answered(timeout: .seconds(10))
        fake.enqueue(calls[1].channelID, in: "support")
        _ = try await client.send(QueuePauseAction(interface: "PJSIP/400", paused: true, reason: "break"))
        for call in calls { _ = try await call.ended(timeout: .seconds(10)) }
        fake.destroyBridge(bridge)
        try await Task.sleep(for: .milliseconds(100))  // let the last events arrive before stopping
        await model.stop()
    }
}
for await change in changes {
    switch change {
    case .channelAdded(let channel): print("+ \(channel.name)")
    case .channelUpdated(let channel): print("~ \(channel.name) \(channel.stateDescription)")
    case .channelRemoved(let channel): print("- \(channel.name)")
    case .bridgeAdded(let bridge), .bridgeUpdated(let bridge): print("bridge \(bridge.id): \(bridge.members.sorted())")
    case .bridgeRemoved(let bridge): print("bridge \(bridge.id) gone")
    case .queueUpdated(let queue): print("queue \(queue.name): \(queue.members.count) members, \(queue.callers.count) waiting")
    case .queueRemoved(let queue): print("queue \(queue.name) gone")
    case .resynchronized: print("(resynchronised from a snapshot)")
    }
}
print("left:", await model.channels.map(\.name))
await client.close()
await fake?.stop()
