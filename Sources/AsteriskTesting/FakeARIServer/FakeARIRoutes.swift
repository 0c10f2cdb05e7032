import Foundation
import NIOHTTP1

extension FakeARIServer {
    /// Records the request, checks credentials, and answers it (emitting the events it causes).
    func answer(_ head: HTTPRequestHead, body: String) -> FakeARIResponse {
        let (path, query) = FakeARIServer.split(head.uri)
        let request = FakeARIRequest(method: head.method.rawValue, path: path, query: query, body: body)
        return respond(to: request, authorized: authorized(head, query: query))
    }

    /// Records an (HTTP or WebSocket) request and answers it, emitting the events it causes before the answer.
    func respond(to request: FakeARIRequest, authorized: Bool) -> FakeARIResponse {
        let (handlers, failure) = state.withLockedValue { state -> ([@Sendable (FakeARIRequest) -> FakeARIResponse?], Int?) in
            if state.recordsRequests { state.requests.append(request) }
            var failure: Int?
            if !state.failures.isEmpty {
                failure = state.failures[0].status
                state.failures[0].remaining -= 1
                if state.failures[0].remaining <= 0 { state.failures.removeFirst() }
            }
            return (state.handlers, failure)
        }
        guard authorized else { return .error(401, "Authentication required") }
        if let failure { return .error(failure, "Internal Server Error") }
        for handler in handlers {
            if let response = handler(request) { return response }
        }
        var events: [FakeARIPendingEvent] = []
        let response = state.withLockedValue { state in route(request, state: &state, events: &events) }
        deliver(events)
        startFollowUps()
        return response
    }

    /// `/ari/channels?x=1` → (`/channels`, ["x": "1"]).
    static func split(_ uri: String) -> (String, [String: String]) {
        let question = uri.utf8.firstIndex(of: UInt8(ascii: "?"))
        var path = uri[..<(question ?? uri.endIndex)]
        if path.utf8.starts(with: "/ari".utf8) { path = path.dropFirst(4) }
        var query: [String: String] = [:]
        if let question {
            for pair in uri[uri.utf8.index(after: question)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[decoded(kv[0])] = kv.count > 1 ? decoded(kv[1]) : ""
            }
        }
        return (decoded(path), query)
    }

    /// A percent-decoded URI component (most have nothing to decode: they skip Foundation).
    private static func decoded(_ text: Substring) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        return String(text).removingPercentEncoding ?? String(text)
    }

    static func json(_ object: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// `GET /asterisk/info`, made once (it never changes).
    static let asteriskInfo = json([
        "build": ["os": "Linux", "kernel": "6", "machine": "x86_64", "options": "", "date": "2026-11-23", "user": "fake"],
        "system": ["version": "23.4.1", "entity_id": "02:fc:00:00:00:01"],
        "config": ["name": "", "default_language": "en", "setid": ["user": "", "group": ""]],
        "status": ["startup_time": "2026-11-23T04:13:10.000+0000", "last_reload_time": "2026-11-23T04:13:10.000+0000"],
    ])

    /// A channel object as ARI sends it, for events and answers made by hand.
    public static func sampleChannel(
        id: String, name: String = "PJSIP/100-00000001", state: String = "Up", callerNumber: String = "100"
    ) -> [String: Any] {
        FakeARIChannel(id: id, name: name, state: state, callerNumber: callerNumber).json
    }

    /// The built-in behaviour of every modelled resource.
    private func route(_ request: FakeARIRequest, state: inout FakeARIState, events: inout [FakeARIPendingEvent]) -> FakeARIResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        let query = request.query
        switch (request.method, segments.first ?? "", segments.count) {
        case ("GET", "events", 1):
            // Reached only when the WebSocket upgrade was not made.
            if state.refuseWebSockets { return .error(503, "Service unavailable") }
            return .error(400, "Invalid application provided in param [app].")
        case ("GET", "asterisk", 2) where segments[1] == "info":
            return FakeARIResponse(status: 200, body: Self.asteriskInfo)
        case ("GET", "asterisk", 2) where segments[1] == "ping":
            return Self.okJSON(["ping": "pong", "timestamp": FakeARIServer.timestamp(), "asterisk_id": "02:fc:00:00:00:01"])
        case ("GET", "applications", 1):
            let apps = Set(state.sockets.flatMap(\.apps)).sorted()
            return Self.okJSON(apps.map { ["name": $0, "channel_ids": [String](), "bridge_ids": [String](), "endpoint_ids": [String](), "device_names": [String](), "events_allowed": [[String: String]](), "events_disallowed": [[String: String]]()] })
        case ("POST", "applications", 3) where segments[2] == "subscription":
            return subscribe(app: segments[1], sources: query["eventSource"] ?? "", state: &state)
        case (_, "channels", _):
            return routeChannels(request, segments: segments, query: query, state: &state, events: &events)
        case (_, "deviceStates", _):
            return routeDeviceStates(request, segments: segments, state: &state)
        case (_, "bridges", _):
            return routeBridges(request, segments: segments, query: query, state: &state, events: &events)
        case ("GET", "playbacks", 2):
            guard let playback = state.playbacks[segments[1]] else { return .error(404, "Playback not found") }
            return Self.okJSON(playback.json)
        case ("DELETE", "playbacks", 2):
            guard state.playbacks[segments[1]] != nil else { return .error(404, "Playback not found") }
            finishPlayback(segments[1], state: &state, events: &events)
            return FakeARIResponse(status: 204)
        case ("POST", "recordings", 4) where segments[1] == "live" && segments[3] == "stop":
            guard state.recordings[segments[2]] != nil else { return .error(404, "Recording not found") }
            finishRecording(segments[2], state: &state, events: &events)
            return FakeARIResponse(status: 204)
        case ("GET", "recordings", 3) where segments[1] == "live":
            guard let recording = state.recordings[segments[2]] else { return .error(404, "Recording not found") }
            return Self.okJSON(recording.json)
        default:
            return .error(404, "Resource not found")
        }
    }
}

extension FakeARIServer {
    /// `POST /applications/{app}/subscription?eventSource=bridge:ID,…`: the app receives the bridges' events
    /// from now on (channel sources are accepted and need nothing: a channel's events go to its app).
    fileprivate func subscribe(app: String, sources: String, state: inout FakeARIState) -> FakeARIResponse {
        guard state.sockets.contains(where: { $0.apps.contains(app) }) else { return .error(404, "Application not found") }
        let named = sources.split(separator: ",").map(String.init)
        guard !named.isEmpty else { return .error(400, "Missing parameter eventSource") }
        for source in named {
            let parts = source.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return .error(400, "Invalid event source URI scheme '\(source)'") }
            switch parts[0] {
            case "bridge": guard state.bridges[parts[1]] != nil else { return .error(422, "Event source does not exist") }
            case "channel": guard state.channels[parts[1]] != nil else { return .error(422, "Event source does not exist") }
            default: return .error(400, "Invalid event source URI scheme '\(parts[0])'")
            }
        }
        for source in named where source.hasPrefix("bridge:") { state.bridges[String(source.dropFirst(7))]?.app = app }
        let bridges = state.bridges.values.filter { $0.app == app }.map(\.id).sorted()
        return Self.okJSON([
            "name": app, "channel_ids": state.channels.values.filter { $0.app == app }.map(\.id).sorted(), "bridge_ids": bridges,
            "endpoint_ids": [String](), "device_names": [String](), "events_allowed": [[String: String]](),
            "events_disallowed": [[String: String]](),
        ])
    }
}
