import Foundation

extension FakeARIServer {
    /// `/channels…`: originate, get, list, hang up, answer, ring, play, record, DTMF, variables, continue.
    func routeChannels(
        _ request: FakeARIRequest, segments: [String], query: [String: String], state: inout FakeARIState,
        events: inout [FakeARIPendingEvent]
    ) -> FakeARIResponse {
        if request.method == "GET" && segments.count == 1 {
            return Self.okJSON(state.channels.keys.sorted().map { state.channels[$0]!.json })
        }
        if request.method == "POST" && segments.count == 2 && segments[1] == "externalMedia" {
            return externalMedia(query: query, state: &state, events: &events)
        }
        if request.method == "POST" && segments.count <= 2 && (segments.count == 1 || state.channels[segments[1]] == nil) {
            return originate(query: query, id: segments.count == 2 ? segments[1] : query["channelId"], state: &state, events: &events)
        }
        let id = segments[1]
        guard var channel = state.channels[id] else { return .error(404, "Channel not found") }
        let action = segments.count > 2 ? segments[2] : ""
        switch (request.method, action) {
        case ("GET", ""):
            return Self.okJSON(channel.json)
        case ("POST", ""):
            return .error(409, "Channel with this ID already exists")
        case ("DELETE", ""):
            endChannel(id, cause: 16, requested: false, state: &state, events: &events)
            return FakeARIResponse(status: 204)
        case ("GET", "variable"):
            guard let name = query["variable"] else { return .error(400, "Variable name is required") }
            guard let value = channel.variables[name] else { return .error(404, "Provided variable was not found") }
            return Self.okJSON(["value": value])
        case ("POST", "variable"):
            guard let name = query["variable"] else { return .error(400, "Variable name is required") }
            state.channels[id]?.variables[name] = query["value"] ?? ""
            return FakeARIResponse(status: 204)
        default:
            break
        }
        // Everything else needs the channel in a Stasis application.
        guard let app = channel.app else { return .error(409, "Channel not in Stasis application") }
        switch (request.method, action) {
        case ("POST", "answer"):
            if channel.state != "Up" {
                channel.state = "Up"
                state.channels[id] = channel
                events.append(.init(event: ["type": "ChannelStateChange", "channel": channel.json], app: app))
            }
            return FakeARIResponse(status: 204)
        case ("POST", "ring"), ("DELETE", "ring"), ("POST", "dtmf"), ("POST", "hold"), ("DELETE", "hold"), ("POST", "mute"),
            ("DELETE", "mute"), ("POST", "moh"), ("DELETE", "moh"), ("POST", "silence"), ("DELETE", "silence"):
            return FakeARIResponse(status: 204)
        case ("POST", "play"):
            guard let media = query["media"], !media.isEmpty else { return .error(400, "media: Required parameter not provided") }
            let playbackID = segments.count > 3 ? segments[3] : (query["playbackId"] ?? "playback-\(state.nextID)")
            state.nextID += 1
            guard state.playbacks[playbackID] == nil else { return .error(409, "Playback with this ID already exists") }
            let playback = FakeARIPlayback(id: playbackID, media: media, channel: id, state: "playing")
            state.playbacks[playbackID] = playback
            events.append(.init(event: ["type": "PlaybackStarted", "playback": playback.json], app: app))
            state.followUps.append(FakeARIFollowUp(delay: state.playbackDuration) { server, state, events in
                server.finishPlayback(playbackID, state: &state, events: &events)
            })
            var queued = playback
            queued.state = "queued"
            return Self.okJSON(queued.json, status: 201)
        case ("POST", "record"):
            guard let name = query["name"], let format = query["format"] else { return .error(400, "name and format are required") }
            guard state.recordings[name] == nil else { return .error(409, "Recording with this name is already in progress") }
            let recording = FakeARIRecording(name: name, format: format, channel: id, state: "recording")
            state.recordings[name] = recording
            events.append(.init(event: ["type": "RecordingStarted", "recording": recording.json], app: app))
            state.followUps.append(FakeARIFollowUp(delay: state.recordingDuration) { server, state, events in
                server.finishRecording(name, state: &state, events: &events)
            })
            var queued = recording
            queued.state = "queued"
            return Self.okJSON(queued.json, status: 201)
        case ("POST", "continue"):
            if let context = query["context"] { channel.dialplan.context = context }
            if let exten = query["extension"] { channel.dialplan.exten = exten }
            if let priority = query["priority"].flatMap(Int.init) { channel.dialplan.priority = priority }
            channel.app = nil
            state.channels[id] = channel
            events.append(.init(event: ["type": "StasisEnd", "channel": channel.json], app: app))
            return FakeARIResponse(status: 204)
        default:
            return .error(404, "Resource not found")
        }
    }

    /// `POST /channels`: a channel that dials `endpoint`; with `app`, it answers and enters the app.
    private func originate(
        query: [String: String], id: String?, state: inout FakeARIState, events: inout [FakeARIPendingEvent]
    ) -> FakeARIResponse {
        guard let endpoint = query["endpoint"], !endpoint.isEmpty else { return .error(400, "Endpoint must be specified") }
        guard endpoint.contains("/") else { return .error(400, "Endpoint parameter must be of the form tech/resource") }
        let id = id ?? "fake-\(state.nextID)"
        state.nextID += 1
        // The channel belongs to the app at once (REST calls on it work); it "answers" and enters Stasis just after.
        let channel = FakeARIChannel(
            id: id, name: "\(endpoint)-\(String(format: "%08x", state.nextID))", state: "Down", callerNumber: "", app: query["app"])
        state.channels[id] = channel
        // `…/busy` and `…/noanswer` endpoints fail the way real ones do: the channel is destroyed unanswered.
        if let failure = [("/busy", 17, "User busy"), ("/noanswer", 19, "No user responding")].first(where: { endpoint.hasSuffix($0.0) }) {
            let app = query["app"]
            state.followUps.append(FakeARIFollowUp(delay: .milliseconds(1)) { _, state, events in
                guard let channel = state.channels.removeValue(forKey: id), let app else { return }
                events.append(.init(
                    event: ["type": "ChannelDestroyed", "cause": failure.1, "cause_txt": failure.2, "channel": channel.json], app: app))
            })
        } else if let app = query["app"] {
            // The app follows the channel from its creation: the dial starts before the answer to this request.
            events.append(.init(
                event: ["type": "Dial", "dialstatus": "", "dialstring": endpoint, "peer": channel.json], app: app))
            let args = (query["appArgs"] ?? "").split(separator: ",").map(String.init)
            state.followUps.append(FakeARIFollowUp(delay: .milliseconds(1)) { _, state, events in
                guard state.channels[id] != nil else { return }
                state.channels[id]?.state = "Up"
                events.append(.init(event: ["type": "StasisStart", "args": args, "channel": state.channels[id]!.json], app: app))
            })
        }
        return Self.okJSON(state.channels[id]!.json)
    }

    /// `/bridges…`: create, list, get, destroy, add and remove channels.
    func routeBridges(
        _ request: FakeARIRequest, segments: [String], query: [String: String], state: inout FakeARIState,
        events: inout [FakeARIPendingEvent]
    ) -> FakeARIResponse {
        if request.method == "GET" && segments.count == 1 {
            return Self.okJSON(state.bridges.keys.sorted().map { state.bridges[$0]!.json })
        }
        if request.method == "POST" && (segments.count == 1 || (segments.count == 2 && state.bridges[segments[1]] == nil)) {
            let id = segments.count == 2 ? segments[1] : (query["bridgeId"] ?? "bridge-\(state.nextID)")
            state.nextID += 1
            guard state.bridges[id] == nil else { return .error(409, "Bridge with this ID already exists") }
            let bridge = FakeARIBridge(id: id, type: query["type"] ?? "mixing", name: query["name"] ?? "")
            state.bridges[id] = bridge
            return Self.okJSON(bridge.json)
        }
        let id = segments[1]
        guard var bridge = state.bridges[id] else { return .error(404, "Bridge not found") }
        let action = segments.count > 2 ? segments[2] : ""
        switch (request.method, action) {
        case ("GET", ""):
            return Self.okJSON(bridge.json)
        case ("DELETE", ""):
            for member in bridge.channels { leaveBridge(member, state: &state, events: &events) }
            state.bridges[id] = nil
            if let app = bridge.app { events.append(.init(event: ["type": "BridgeDestroyed", "bridge": bridge.json], app: app)) }
            return FakeARIResponse(status: 204)
        case ("POST", "addChannel"):
            let named = (query["channel"] ?? "").split(separator: ",").map(String.init)
            guard !named.isEmpty else { return .error(400, "Missing parameter channel") }
            for member in named {
                guard let channel = state.channels[member] else { return .error(400, "Channel not found") }
                guard let app = channel.app else { return .error(422, "Channel not in Stasis application") }
                if let current = channel.bridge, current != id { return .error(409, "Channel is already bridged") }
                if bridge.app == nil { bridge.app = app }
            }
            for member in named where !bridge.channels.contains(member) {
                bridge.channels.append(member)
                state.channels[member]?.bridge = id
                state.bridges[id] = bridge
                if let channel = state.channels[member], let app = channel.app {
                    events.append(.init(event: ["type": "ChannelEnteredBridge", "bridge": bridge.json, "channel": channel.json], app: app))
                }
            }
            state.bridges[id] = bridge
            return FakeARIResponse(status: 204)
        case ("POST", "removeChannel"):
            let named = (query["channel"] ?? "").split(separator: ",").map(String.init)
            guard !named.isEmpty else { return .error(400, "Missing parameter channel") }
            for member in named {
                guard state.channels[member] != nil else { return .error(400, "Channel not found") }
                guard bridge.channels.contains(member) else { return .error(422, "Channel not in this bridge") }
            }
            for member in named { leaveBridge(member, state: &state, events: &events) }
            return FakeARIResponse(status: 204)
        default:
            return .error(404, "Resource not found")
        }
    }

    /// Takes a channel out of its bridge (`ChannelLeftBridge`).
    func leaveBridge(_ id: String, state: inout FakeARIState, events: inout [FakeARIPendingEvent]) {
        guard let bridgeID = state.channels[id]?.bridge, var bridge = state.bridges[bridgeID] else { return }
        bridge.channels.removeAll { $0 == id }
        state.bridges[bridgeID] = bridge
        state.channels[id]?.bridge = nil
        if let channel = state.channels[id], let app = channel.app ?? bridge.app {
            events.append(.init(event: ["type": "ChannelLeftBridge", "bridge": bridge.json, "channel": channel.json], app: app))
        }
    }

    /// Ends a channel: hang-up request (when the far end hung up), leaves its bridge, `StasisEnd`, `ChannelDestroyed`.
    func endChannel(_ id: String, cause: Int, requested: Bool, state: inout FakeARIState, events: inout [FakeARIPendingEvent]) {
        guard let channel = state.channels[id] else { return }
        if let app = channel.app {
            if requested { events.append(.init(event: ["type": "ChannelHangupRequest", "cause": cause, "channel": channel.json], app: app)) }
            leaveBridge(id, state: &state, events: &events)
            for (playbackID, playback) in state.playbacks where playback.channel == id {
                finishPlayback(playbackID, state: &state, events: &events)
            }
            events.append(.init(event: ["type": "StasisEnd", "channel": channel.json], app: app))
            events.append(.init(
                event: ["type": "ChannelDestroyed", "cause": cause, "cause_txt": cause == 16 ? "Normal Clearing" : "Unknown", "channel": channel.json],
                app: app))
        }
        state.channels[id] = nil
    }

    /// Ends a playback (`PlaybackFinished`) if it is still playing.
    func finishPlayback(_ id: String, state: inout FakeARIState, events: inout [FakeARIPendingEvent]) {
        guard var playback = state.playbacks.removeValue(forKey: id) else { return }
        playback.state = "done"
        if let app = state.channels[playback.channel]?.app {
            events.append(.init(event: ["type": "PlaybackFinished", "playback": playback.json], app: app))
        }
    }

    /// Ends a live recording (`RecordingFinished`) if it is still recording.
    func finishRecording(_ name: String, state: inout FakeARIState, events: inout [FakeARIPendingEvent]) {
        guard var recording = state.recordings.removeValue(forKey: name) else { return }
        recording.state = "done"
        if let app = state.channels[recording.channel]?.app {
            events.append(.init(event: ["type": "RecordingFinished", "recording": recording.json], app: app))
        }
    }

    static func okJSON(_ object: Any, status: Int = 200) -> FakeARIResponse {
        FakeARIResponse(status: status, body: json(object))
    }
}
