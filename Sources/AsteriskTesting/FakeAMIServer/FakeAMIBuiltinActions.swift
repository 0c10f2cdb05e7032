import AsteriskAMI
import Crypto

extension FakeAMISession {
    /// The fake's own implementation of the actions it knows.
    func builtin(_ request: FakeAMIRequest) async -> FakeAMIReply {
        if let reply = server.bridgeAction(request) ?? server.queueAction(request) { return reply }
        switch request.action.lowercased() {
        case "login": return login(request)
        case "challenge":
            guard request["AuthType"]?.lowercased() == "md5" else { return .error(message: "Must specify AuthType") }
            let challenge = String(UInt32.random(in: 100_000_000...999_999_999))
            local.withLockedValue { $0.challenge = challenge }
            return .success(headers: [AMIHeader(name: "Challenge", value: challenge)])
        case "logoff":
            return .frames([[AMIHeader(name: "Response", value: "Goodbye")] + actionIDHeader(request) + [
                AMIHeader(name: "Message", value: "Thanks for all the fish.")
            ]])
        case "ping":
            return .success(headers: [
                AMIHeader(name: "Ping", value: "Pong"), AMIHeader(name: "Timestamp", value: "1795407204.783890"),
            ])
        case "command": return command(request)
        case "coresettings":
            let version = server.state.withLockedValue { $0.asteriskVersion }
            return .success(headers: [
                AMIHeader(name: "AMIversion", value: server.configuration.amiVersion),
                AMIHeader(name: "AsteriskVersion", value: version), AMIHeader(name: "SystemName", value: ""),
                AMIHeader(name: "CoreMaxCalls", value: "0"), AMIHeader(name: "CoreMaxLoadAvg", value: "0.000000"),
                AMIHeader(name: "CoreRunUser", value: ""), AMIHeader(name: "CoreRunGroup", value: ""),
                AMIHeader(name: "CoreMaxFilehandles", value: "0"), AMIHeader(name: "CoreRealTimeEnabled", value: "No"),
                AMIHeader(name: "CoreCDRenabled", value: "No"), AMIHeader(name: "CoreHTTPenabled", value: "No"),
                AMIHeader(name: "SoundsSearchCustomDir", value: "No"),
            ])
        case "corestatus":
            let calls = server.state.withLockedValue { $0.channels.count }
            return .success(headers: [
                AMIHeader(name: "CoreStartupDate", value: "2026-11-23"), AMIHeader(name: "CoreStartupTime", value: "04:13:10"),
                AMIHeader(name: "CoreReloadDate", value: "2026-11-23"), AMIHeader(name: "CoreReloadTime", value: "04:13:10"),
                AMIHeader(name: "CoreCurrentCalls", value: String(calls)), AMIHeader(name: "CoreProcessedCalls", value: "0"),
            ])
        case "coreshowchannels":
            let items = server.channels.map { channel in
                AMIEvent(name: "CoreShowChannel", headers: channel.snapshotHeaders() + [
                    AMIHeader(name: "Application", value: channel.application),
                    AMIHeader(name: "ApplicationData", value: channel.applicationData),
                    AMIHeader(name: "Duration", value: "00:00:01"),
                    AMIHeader(name: "BridgeId", value: server.state.withLockedValue { $0.bridgeID(of: channel.uniqueID) } ?? ""),
                ])
            }
            return .list(message: "Channels will follow", items: items, completeEvent: "CoreShowChannelsComplete")
        case "status":
            let items = server.channels.filter { channel in
                guard let wanted = request["Channel"], !wanted.isEmpty else { return true }
                return channel.name == wanted || channel.uniqueID == wanted
            }.map { AMIEvent(name: "Status", headers: $0.snapshotHeaders()) }
            return .list(message: "Channel status will follow", items: items, completeEvent: "StatusComplete")
        case "events":
            let mask = (request["EventMask"] ?? "on").lowercased()
            let on = mask != "off"
            local.withLockedValue { $0.eventsOn = on }
            return .frames([[AMIHeader(name: "Response", value: "Success")] + actionIDHeader(request) + [
                AMIHeader(name: "Events", value: on ? "On" : "Off")
            ]])
        case "filter":
            guard let filter = request["Filter"], !filter.isEmpty else { return .error(message: "Filter must be specified") }
            local.withLockedValue { $0.filters.append(filter) }
            return .success(message: "Filter Added Successfully")
        case "userevent":
            guard let name = request["UserEvent"] else { return .error(message: "UserEvent must be specified") }
            let extra = request.message.headers.filter {
                !["action", "userevent", "actionid"].contains($0.name.lowercased())
            }
            server.emit(AMIEvent(name: "UserEvent", headers: [
                AMIHeader(name: "Privilege", value: "user,all"), AMIHeader(name: "UserEvent", value: name),
            ] + extra))
            return .success(message: "Event Sent")
        case "setvar":
            guard let name = request["Variable"] else { return .error(message: "No variable specified") }
            let value = request["Value"] ?? ""
            server.state.withLockedValue { $0.globals[name] = value }
            return .success(message: "Variable Set")
        case "getvar":
            guard let name = request["Variable"] else { return .error(message: "No variable specified") }
            if let channel = request["Channel"], !channel.isEmpty,
                !server.channels.contains(where: { $0.name == channel || $0.uniqueID == channel })
            {
                return .error(message: "No such channel")
            }
            let value = server.state.withLockedValue { $0.globals[name] } ?? ""
            return .success(headers: [AMIHeader(name: "Variable", value: name), AMIHeader(name: "Value", value: value)])
        case "dbput":
            guard let family = request["Family"], let key = request["Key"] else { return .error(message: "No family specified") }
            server.state.withLockedValue { $0.database[family + "/" + key] = request["Val"] ?? "" }
            return .success(message: "Updated database successfully")
        case "dbget":
            guard let family = request["Family"], let key = request["Key"] else { return .error(message: "No family specified") }
            guard let value = server.state.withLockedValue({ $0.database[family + "/" + key] }) else {
                return .error(message: "Database entry not found")
            }
            let item = AMIEvent(name: "DBGetResponse", headers: [
                AMIHeader(name: "Family", value: family), AMIHeader(name: "Key", value: key), AMIHeader(name: "Val", value: value),
            ])
            return .list(message: "Result will follow", items: [item], completeEvent: "DBGetComplete")
        case "dbdel":
            guard let family = request["Family"], let key = request["Key"] else { return .error(message: "No family specified") }
            let removed = server.state.withLockedValue { $0.database.removeValue(forKey: family + "/" + key) }
            return removed == nil ? .error(message: "Database entry not found") : .success(message: "Key deleted successfully")
        case "listcommands":
            let names = ["Bridge", "BridgeDestroy", "BridgeInfo", "BridgeKick", "BridgeList", "Challenge", "Command",
                "CoreSettings", "CoreShowChannels", "CoreStatus", "DBDel", "DBGet", "DBPut", "Events", "Filter", "Getvar", "Hangup",
                "ListCommands", "Login", "Logoff", "Originate", "Ping", "QueueAdd", "QueuePause", "QueueRemove", "QueueStatus",
                "QueueSummary", "Setvar", "Status", "UserEvent"]
            return .success(headers: names.map { AMIHeader(name: $0, value: "\($0) (fake).  (Priv: <none>)") })
        case "hangup": return hangup(request)
        case "agi": return server.handleAGIAction(request)
        case "originate": return originate(request)
        default:
            return .error(message: "Invalid/unknown command")
        }
    }

    func actionIDHeader(_ request: FakeAMIRequest) -> [AMIHeader] {
        request.actionID.map { [AMIHeader(name: "ActionID", value: $0)] } ?? []
    }

    /// Runs after the reply was written: closes on Logoff and failed login, emits `FullyBooted` after login.
    func afterReply(_ request: FakeAMIRequest) {
        switch request.action.lowercased() {
        case "logoff":
            channel.close(promise: nil)
        case "login":
            if isLoggedIn {
                if local.withLockedValue({ $0.eventsOn }) {
                    write(frames: [[
                        AMIHeader(name: "Event", value: "FullyBooted"), AMIHeader(name: "Privilege", value: "system,all"),
                        AMIHeader(name: "Uptime", value: "14"), AMIHeader(name: "LastReload", value: "14"),
                        AMIHeader(name: "Status", value: "Fully Booted"),
                    ]])
                }
            } else {
                channel.close(promise: nil)
            }
        default:
            break
        }
    }

    private func login(_ request: FakeAMIRequest) -> FakeAMIReply {
        let name = request["Username"] ?? ""
        guard let user = server.state.withLockedValue({ $0.users.first { $0.username == name } }) else {
            return .error(message: "Authentication failed")
        }
        let accepted: Bool
        if request["AuthType"]?.lowercased() == "md5" {
            let challenge = local.withLockedValue { $0.challenge } ?? ""
            let digest = Insecure.MD5.hash(data: Array((challenge + user.secret).utf8))
            let expected = digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            accepted = !challenge.isEmpty && request["Key"]?.lowercased() == expected
        } else {
            accepted = request["Secret"] == user.secret
        }
        guard accepted else { return .error(message: "Authentication failed") }
        let events = (request["Events"] ?? "on").lowercased()
        local.withLockedValue {
            $0.user = user
            $0.eventsOn = events != "off"
        }
        return .success(message: "Authentication accepted")
    }

    private func command(_ request: FakeAMIRequest) -> FakeAMIReply {
        let command = (request["Command"] ?? "").trimmingCharacters(in: " ")
        let (custom, version) = server.state.withLockedValue { ($0.cliCommands[command.lowercased()], $0.asteriskVersion) }
        var output: [String]? = custom
        if output == nil && command.lowercased() == "core show version" {
            output = ["Asterisk \(version) built by fake @ AsteriskTesting on a x86_64 running Linux"]
        }
        if output == nil && command.lowercased() == "core show channels" {
            let channels = server.channels
            output = ["Channel              Location             State   Application(Data)"]
                + channels.map { "\($0.name) \($0.exten)@\($0.context):\($0.priority) \($0.stateDescription) \($0.application)(\($0.applicationData))" }
                + ["\(channels.count) active channel\(channels.count == 1 ? "" : "s")"]
        }
        guard let output else {
            let words = command.split(separator: " ").prefix(2).joined(separator: " ")
            return .frames([[AMIHeader(name: "Response", value: "Error")] + actionIDHeader(request) + [
                AMIHeader(name: "Message", value: "Command output follows"),
                AMIHeader(name: "Output", value: "No such command '\(command)' (type 'core show help \(words)' for other possible commands)"),
            ]])
        }
        return .success(message: "Command output follows", headers: output.map { AMIHeader(name: "Output", value: $0) })
    }

    private func hangup(_ request: FakeAMIRequest) -> FakeAMIReply {
        guard let target = request["Channel"], !target.isEmpty else { return .error(message: "No channel specified") }
        guard let channel = server.channels.first(where: { $0.name == target || $0.uniqueID == target }) else {
            return .error(message: "No such channel")
        }
        let cause = Int(request["Cause"] ?? "") ?? 16
        FakeCallSimulator(server: server).hangUp(channel, cause: cause)
        return .success(message: "Channel Hungup")
    }

    private func originate(_ request: FakeAMIRequest) -> FakeAMIReply {
        guard let target = request["Channel"], !target.isEmpty else { return .error(message: "Channel not specified") }
        let hasExten = request["Exten"] != nil && request["Context"] != nil
        let hasApplication = request["Application"] != nil
        guard hasExten || hasApplication else { return .error(message: "Exten not specified") }
        let outcome = server.state.withLockedValue { $0.originateOutcome }(request)
        FakeCallSimulator(server: server).start(request: request, channelName: target, outcome: outcome)
        return .success(message: "Originate successfully queued")
    }
}

extension String {
    /// The string without leading and trailing occurrences of `character`.
    func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return String(text)
    }
}
