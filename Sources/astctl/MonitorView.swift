import AsteriskAMI

/// What `astctl monitor` shows: the live model's channels, bridges and queues as tables, or as one
/// JSON object.
struct MonitorView {
    let channels: [AMILiveChannel]
    let bridges: [AMILiveBridge]
    let queues: [AMILiveQueue]

    /// Takes the model's current picture.
    init(model: AMILiveModel) async {
        channels = await model.channels
        bridges = await model.bridges
        queues = await model.queues
    }

    /// The picture as text: a summary line, then a table per kind that is not empty.
    func text(title: String) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var blocks = ["\(title) — \(plural(channels.count, "channel")), \(plural(bridges.count, "bridge")), \(plural(queues.count, "queue"))"]
        if !channels.isEmpty {
            blocks.append("CHANNELS\n" + TableOutput.table(
                header: ["Channel", "State", "CallerID", "Connected", "Context", "Exten", "Prio", "Bridge", "Uniqueid"],
                rows: channels.map { channel in
                    [
                        channel.name, channel.stateDescription, channel.callerIDNumber, channel.connectedLineNumber, channel.context,
                        channel.exten, String(channel.priority), channel.bridgeID ?? "", channel.uniqueID,
                    ]
                }))
        }
        if !bridges.isEmpty {
            let names = Dictionary(channels.map { ($0.uniqueID, $0.name) }, uniquingKeysWith: { first, _ in first })
            blocks.append("BRIDGES\n" + TableOutput.table(
                header: ["Bridge", "Type", "Technology", "Members"],
                rows: bridges.map { bridge in
                    [bridge.id, bridge.type, bridge.technology, bridge.members.sorted().map { names[$0] ?? $0 }.joined(separator: ", ")]
                }))
        }
        if !queues.isEmpty {
            blocks.append("QUEUES\n" + TableOutput.table(
                header: ["Queue", "Strategy", "Members", "Paused", "Waiting"],
                rows: queues.map { queue in
                    [
                        queue.name, queue.strategy ?? "", String(queue.members.count), String(queue.members.values.filter(\.isPaused).count),
                        queue.callers.map(\.channel).joined(separator: ", "),
                    ]
                }))
        }
        return blocks.joined(separator: "\n\n")
    }

    /// The picture as one JSON object (`channels`, `bridges`, `queues`).
    var json: String {
        let channelObjects = channels.map { channel in
            JSONOutput.object([
                AMIHeader(name: "uniqueid", value: channel.uniqueID), AMIHeader(name: "name", value: channel.name),
                AMIHeader(name: "state", value: channel.stateDescription), AMIHeader(name: "callerIDNumber", value: channel.callerIDNumber),
                AMIHeader(name: "callerIDName", value: channel.callerIDName), AMIHeader(name: "connectedLineNumber", value: channel.connectedLineNumber),
                AMIHeader(name: "context", value: channel.context), AMIHeader(name: "exten", value: channel.exten),
                AMIHeader(name: "priority", value: String(channel.priority)), AMIHeader(name: "linkedid", value: channel.linkedID),
                AMIHeader(name: "bridge", value: channel.bridgeID ?? ""),
            ])
        }
        let bridgeObjects = bridges.map { bridge in
            "{\"id\":\(JSONOutput.string(bridge.id)),\"type\":\(JSONOutput.string(bridge.type)),"
                + "\"technology\":\(JSONOutput.string(bridge.technology)),\"members\":\(JSONOutput.array(bridge.members.sorted()))}"
        }
        let queueObjects = queues.map { queue in
            let members = queue.members.values.sorted { $0.interface < $1.interface }.map { member in
                "{\"interface\":\(JSONOutput.string(member.interface)),\"name\":\(JSONOutput.string(member.name)),\"paused\":\(member.isPaused)}"
            }
            return "{\"name\":\(JSONOutput.string(queue.name)),\"members\":[\(members.joined(separator: ","))],"
                + "\"callers\":\(JSONOutput.array(queue.callers.map(\.uniqueID)))}"
        }
        return "{\"channels\":[\(channelObjects.joined(separator: ","))],\"bridges\":[\(bridgeObjects.joined(separator: ","))],"
            + "\"queues\":[\(queueObjects.joined(separator: ","))]}"
    }
}
