import AsteriskAMI
import AsteriskTesting

/// The whole path: the fake server floods `eventCount` updates over loopback to an `AMIClient`
/// whose `AMILiveModel` holds `channels.count` channels (loaded by its `CoreShowChannels`
/// snapshot). Timed from the first byte sent until the model has applied a final sentinel event.
func runWireBench(channels: [AMIEvent], updates: [AMIEvent], eventCount: Int) async throws {
    let server = try await FakeAMIServer.start()
    for creation in channels {
        server.addChannel(FakeChannel(
            name: creation["Channel"] ?? "", uniqueID: creation["Uniqueid"] ?? "", state: 0,
            callerIDNumber: creation["CallerIDNum"] ?? "", callerIDName: creation["CallerIDName"] ?? "", context: "from-trunk", exten: "100"))
    }
    let client = AMIClient(configuration: .init(port: server.port, username: "admin", secret: .plain("secret"), subscriberBufferCapacity: 1 << 20))
    try await client.connect()
    let model = AMILiveModel(client: client)
    try await model.start()
    let loaded = await model.channels.count

    let sentinel = AMIEvent(name: "Newchannel", headers: [
        AMIHeader(name: "Channel", value: "Local/sentinel"), AMIHeader(name: "ChannelState", value: "0"),
        AMIHeader(name: "Uniqueid", value: "sentinel"), AMIHeader(name: "Linkedid", value: "sentinel"),
    ])
    let clock = ContinuousClock()
    let start = clock.now
    await server.flood(cycling: updates, count: eventCount)
    server.emit(sentinel)
    while await model.channel("sentinel") == nil { try await Task.sleep(for: .milliseconds(1)) }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let snapshots = await model.snapshotCount
    print("RESULT mode=wire channels=\(loaded) events=\(eventCount) seconds=\((seconds * 1000).rounded() / 1000) events_per_s=\(Int(Double(eventCount) / seconds)) snapshots=\(snapshots)")
    await model.stop()
    await client.close()
    await server.stop()
}
