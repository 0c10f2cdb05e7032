import AsteriskAGI
import AsteriskAMI
import NIOConcurrencyHelpers

/// AsyncAGI sessions of the fake AMI server, one per channel.
final class FakeAsyncAGISessions: Sendable {
    let conversations = NIOLockedValueBox<[String: FakeAGIConversation]>([:])
    let finished = NIOLockedValueBox<[String: FakeAGICallRecord]>([:])
}

extension FakeAMIServer {
    /// Puts a simulated channel into AsyncAGI (as `AGI(agi:async)` would): it appears in the channel
    /// list, `AsyncAGIStart` is emitted with its url-encoded `Env`, and `AGI` actions for it are
    /// answered from `dialogue` with `AsyncAGIExec` events until `ASYNCAGI BREAK` or a hangup.
    public func startAsyncAGI(
        on channel: FakeChannel, arguments: [String] = [], dialogue: FakeAGIDialogue = FakeAGIDialogue()
    ) {
        asyncAGI.conversations.withLockedValue { $0[channel.name] = FakeAGIConversation(dialogue: dialogue) }
        addChannel(channel)
        var environment = [
            ("agi_request", "async"), ("agi_channel", channel.name), ("agi_language", "en"),
            ("agi_type", String(channel.name.split(separator: "/").first ?? "Local")), ("agi_uniqueid", channel.uniqueID),
            ("agi_version", state.withLockedValue { $0.asteriskVersion }), ("agi_callerid", channel.callerIDNumber),
            ("agi_calleridname", channel.callerIDName), ("agi_context", channel.context), ("agi_extension", channel.exten),
            ("agi_priority", String(channel.priority)), ("agi_enhanced", "0.0"), ("agi_accountcode", ""),
        ]
        for (index, argument) in arguments.enumerated() { environment.append(("agi_arg_\(index + 1)", argument)) }
        let env = environment.map { "\($0.0): \($0.1)\n" }.joined() + "\n"
        emit(AMIEvent(name: "AsyncAGIStart", headers: [AMIHeader(name: "Privilege", value: "agi,all")]
            + channel.snapshotHeaders() + [AMIHeader(name: "Env", value: FakeAMIServer.percentEncode(env))]))
    }

    /// What was said in the AsyncAGI session of `channelName` (while running or after it ended).
    public func asyncAGIRecord(for channelName: String) -> FakeAGICallRecord? {
        asyncAGI.conversations.withLockedValue { $0[channelName]?.record }
            ?? asyncAGI.finished.withLockedValue { $0[channelName] }
    }

    /// The built-in `AGI` action: run the command and emit its `AsyncAGIExec` event. The event is
    /// written before the action's own response — the harder order for a client, which must not
    /// lose a result that arrives before it waits for it.
    func handleAGIAction(_ request: FakeAMIRequest) -> FakeAMIReply {
        guard let name = request["Channel"], let command = request["Command"] else {
            return .error(message: "Channel and Command must be specified")
        }
        guard let channel = channels.first(where: { $0.name == name }),
            asyncAGI.conversations.withLockedValue({ $0[name] != nil })
        else {
            return .error(message: "Channel \(name) does not exist.")
        }
        let commandID = request["CommandID"]
        let text = asyncAGI.conversations.withLockedValue { $0[name]?.answer(command) } ?? ""
        var headers = [AMIHeader(name: "Privilege", value: "agi,all")] + channel.snapshotHeaders()
        if let commandID { headers.append(AMIHeader(name: "CommandID", value: commandID)) }
        headers.append(AMIHeader(name: "Result", value: FakeAMIServer.percentEncode(text)))
        emit(AMIEvent(name: "AsyncAGIExec", headers: headers))
        let record = asyncAGI.conversations.withLockedValue { $0[name]?.record }
        if AGICommandLine(command).isCommand("asyncagi break") || record?.hungUp == true {
            let server = self
            Task { server.endAsyncAGI(channel, hangUp: record?.hungUp == true) }
        }
        return .success(message: "Added AGI command to queue")
    }

    /// Ends the session: `AsyncAGIEnd`, and the channel hangs up when the dialogue said so.
    func endAsyncAGI(_ channel: FakeChannel, hangUp: Bool) {
        guard let conversation = asyncAGI.conversations.withLockedValue({ $0.removeValue(forKey: channel.name) }) else { return }
        asyncAGI.finished.withLockedValue { $0[channel.name] = conversation.record }
        if hangUp { FakeCallSimulator(server: self).hangUp(channel, cause: 16) }
        emit(AMIEvent(name: "AsyncAGIEnd", headers: [AMIHeader(name: "Privilege", value: "agi,all")] + channel.snapshotHeaders()))
    }

    /// Percent-encodes everything but unreserved characters, as Asterisk does for `Env` and `Result`.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
