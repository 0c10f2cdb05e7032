import AsteriskAMI

/// Plays an originated call out as the events Asterisk would raise for it.
struct FakeCallSimulator: Sendable {
    let server: FakeAMIServer

    /// Asterisk's cause text for the causes the simulator uses.
    static func causeText(_ cause: Int) -> String {
        switch cause {
        case 1: return "Unallocated (unassigned) number"
        case 16: return "Normal Clearing"
        case 17: return "User busy"
        case 19: return "User alerting, no answer"
        case 21: return "Call Rejected"
        case 34: return "Circuit/channel congestion"
        default: return "Unknown"
        }
    }

    /// Starts the call in the background; the `Originate` response has already been queued.
    func start(request: FakeAMIRequest, channelName target: String, outcome: FakeCallOutcome) {
        let (uniqueID, sequence) = server.state.withLockedValue { state -> (String, Int) in
            state.nextLocalID += 1
            return (request["ChannelId"] ?? state.makeUniqueID(), state.nextLocalID)
        }
        let base = target.hasSuffix("/n") ? String(target.dropLast(2)) : target
        let name = base + "-" + String(repeating: "0", count: max(0, 8 - String(sequence, radix: 16).count))
            + String(sequence, radix: 16)
        let callerID = Self.splitCallerID(request["CallerID"])
        var channel = FakeChannel(
            name: name, uniqueID: uniqueID, state: 0, callerIDNumber: callerID.number, callerIDName: callerID.name,
            context: request["Context"] ?? "default", exten: request["Exten"] ?? "s",
            priority: Int(request["Priority"] ?? "") ?? 1, application: request["Application"] ?? "",
            applicationData: request["Data"] ?? "")
        let isAsync = AMIValue.bool(request["Async"] ?? "") ?? false
        let server = self.server
        Task {
            server.addChannel(channel)
            server.emit(AMIEvent(name: "DialBegin", headers: channel.snapshotHeaders(prefix: "Dest") + [
                AMIHeader(name: "DialString", value: String(target.split(separator: "/").dropFirst().joined(separator: "/")))
            ]))
            if case .unknownExtension = outcome {
                self.finish(channel, cause: 1)
                if isAsync { self.originateResponse(request, channel: nil, reason: 0) }
                return
            }
            channel.state = 5
            self.update(channel)
            switch outcome {
            case .answer(let ringing, let talking):
                try? await Task.sleep(for: ringing)
                channel.state = 6
                self.update(channel)
                self.dialEnd(channel, status: "ANSWER")
                if isAsync { self.originateResponse(request, channel: channel, reason: 4) }
                try? await Task.sleep(for: talking)
                self.finish(channel, cause: 16)
            case .answerAndHold(let ringing):
                try? await Task.sleep(for: ringing)
                channel.state = 6
                self.update(channel)
                self.dialEnd(channel, status: "ANSWER")
                if isAsync { self.originateResponse(request, channel: channel, reason: 4) }
            case .busy:
                channel.state = 7
                self.update(channel)
                self.dialEnd(channel, status: "BUSY")
                if isAsync { self.originateResponse(request, channel: nil, reason: 5) }
                self.finish(channel, cause: 17)
            case .congestion:
                self.dialEnd(channel, status: "CONGESTION")
                self.finish(channel, cause: 34)
                if isAsync { self.originateResponse(request, channel: nil, reason: 8) }
            case .noAnswer(let ringing):
                try? await Task.sleep(for: ringing)
                self.dialEnd(channel, status: "NOANSWER")
                if isAsync { self.originateResponse(request, channel: nil, reason: 3) }
                self.finish(channel, cause: 19)
            case .unknownExtension:
                break
            }
        }
    }

    private func update(_ channel: FakeChannel) {
        let exists = server.state.withLockedValue { state -> Bool in
            guard state.channels[channel.uniqueID] != nil else { return false }
            state.channels[channel.uniqueID] = channel
            return true
        }
        if exists { server.emit(AMIEvent(name: "Newstate", headers: channel.snapshotHeaders())) }
    }

    private func dialEnd(_ channel: FakeChannel, status: String) {
        server.emit(AMIEvent(name: "DialEnd", headers: channel.snapshotHeaders(prefix: "Dest") + [
            AMIHeader(name: "DialStatus", value: status)
        ]))
    }

    private func originateResponse(_ request: FakeAMIRequest, channel: FakeChannel?, reason: Int) {
        var headers = [AMIHeader(name: "Privilege", value: "call,all")]
        if let actionID = request.actionID { headers.append(AMIHeader(name: "ActionID", value: actionID)) }
        headers += [
            AMIHeader(name: "Response", value: channel == nil ? "Failure" : "Success"),
            AMIHeader(name: "Channel", value: channel?.name ?? (request["Channel"] ?? "")),
        ]
        if let application = request["Application"] {
            headers += [AMIHeader(name: "Application", value: application), AMIHeader(name: "Data", value: request["Data"] ?? "")]
        } else {
            headers += [
                AMIHeader(name: "Context", value: request["Context"] ?? ""), AMIHeader(name: "Exten", value: request["Exten"] ?? ""),
            ]
        }
        headers += [
            AMIHeader(name: "Reason", value: String(reason)),
            AMIHeader(name: "Uniqueid", value: channel?.uniqueID ?? "<unknown>"),
            AMIHeader(name: "CallerIDNum", value: channel?.callerIDNumber ?? "<unknown>"),
            AMIHeader(name: "CallerIDName", value: channel?.callerIDName ?? "<unknown>"),
        ]
        server.emit(AMIEvent(name: "OriginateResponse", headers: headers))
    }

    /// Hangs a channel up if it still exists: `Hangup` with cause, and it leaves the channel list.
    func hangUp(_ channel: FakeChannel, cause: Int) { finish(channel, cause: cause) }

    private func finish(_ channel: FakeChannel, cause: Int) {
        server.removeChannel(channel.uniqueID, cause: cause)
    }

    /// Splits `Name <number>` caller ID text.
    static func splitCallerID(_ text: String?) -> (name: String, number: String) {
        guard let text, !text.isEmpty else { return ("<unknown>", "<unknown>") }
        if let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let name = String(text[..<open]).trimmingCharacters(in: " ").trimmingCharacters(in: "\"")
            return (name.isEmpty ? "<unknown>" : name, String(text[text.index(after: open)..<close]))
        }
        return ("<unknown>", text)
    }
}
