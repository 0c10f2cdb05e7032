import Foundation
import NIOHTTP1

extension FakeARIServer {
    /// Records the request, checks credentials, and answers it.
    func answer(_ head: HTTPRequestHead, body: String) -> FakeARIResponse {
        let (path, query) = FakeARIServer.split(head.uri)
        let request = FakeARIRequest(method: head.method.rawValue, path: path, query: query, body: body)
        let handlers = state.withLockedValue { state -> [@Sendable (FakeARIRequest) -> FakeARIResponse?] in
            state.requests.append(request)
            return state.handlers
        }
        guard authorized(head, query: query) else { return .error(401, "Authentication required") }
        for handler in handlers {
            if let response = handler(request) { return response }
        }
        return route(request)
    }

    /// `/ari/channels?x=1` → (`/channels`, ["x": "1"]).
    static func split(_ uri: String) -> (String, [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = String(parts[0])
        if path.hasPrefix("/ari") { path = String(path.dropFirst(4)) }
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                query[key] = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            }
        }
        return (path.removingPercentEncoding ?? path, query)
    }

    private func json(_ object: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func channelJSON(id: String, endpoint: String, state: String) -> [String: Any] {
        FakeARIServer.sampleChannel(id: id, name: endpoint + "-0000000\(id.count % 10)", state: state)
    }

    /// A channel object as ARI sends it, for events and answers made by hand.
    public static func sampleChannel(
        id: String, name: String = "PJSIP/100-00000001", state: String = "Up", callerNumber: String = "100"
    ) -> [String: Any] {
        [
            "id": id, "name": name, "state": state, "protocol_id": "",
            "caller": ["name": "", "number": callerNumber], "connected": ["name": "", "number": ""], "accountcode": "",
            "dialplan": ["context": "default", "exten": "s", "priority": 1, "app_name": "Stasis", "app_data": ""],
            "creationtime": "2026-11-23T04:16:33.306+0000", "language": "en",
        ]
    }

    /// The built-in behaviour of the common resources.
    private func route(_ request: FakeARIRequest) -> FakeARIResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        return state.withLockedValue { state -> FakeARIResponse in
            switch (request.method, segments.first ?? "", segments.count) {
            case ("GET", "asterisk", 2) where segments[1] == "info":
                return FakeARIResponse(status: 200, body: json([
                    "build": ["os": "Linux", "kernel": "6", "machine": "x86_64", "options": "", "date": "2026-11-23", "user": "fake"],
                    "system": ["version": "23.4.1", "entity_id": "02:fc:00:00:00:01"],
                    "config": ["name": "", "default_language": "en", "setid": ["user": "", "group": ""]],
                    "status": ["startup_time": "2026-11-23T04:13:10.000+0000", "last_reload_time": "2026-11-23T04:13:10.000+0000"],
                ]))
            case ("GET", "events", 1):
                // Reached only when the WebSocket upgrade was not made.
                if state.refuseWebSockets { return .error(503, "Service unavailable") }
                return .error(400, "Invalid application provided in param [app].")
            case ("GET", "asterisk", 2) where segments[1] == "ping":
                return FakeARIResponse(status: 200, body: json(["ping": "pong", "timestamp": "2026-11-23T04:16:33.306+0000", "asterisk_id": "02:fc:00:00:00:01"]))
            case ("GET", "channels", 1):
                return FakeARIResponse(status: 200, body: json(state.channels.keys.sorted().map { state.channels[$0]! }))
            case ("POST", "channels", 1):
                guard let endpoint = request.query["endpoint"] else { return .error(400, "Endpoint must be specified") }
                let id = request.query["channelId"] ?? "fake-\(state.nextID)"
                state.nextID += 1
                let channel = channelJSON(id: id, endpoint: endpoint, state: "Down")
                state.channels[id] = channel
                return FakeARIResponse(status: 200, body: json(channel))
            case (_, "channels", _) where segments.count >= 2 && state.channels[segments[1]] == nil:
                return .error(404, "Channel not found")
            case ("GET", "channels", 2):
                return FakeARIResponse(status: 200, body: json(state.channels[segments[1]]!))
            case ("DELETE", "channels", 2):
                state.channels[segments[1]] = nil
                return FakeARIResponse(status: 204)
            case ("POST", "channels", 3) where segments[2] == "answer":
                state.channels[segments[1]]?["state"] = "Up"
                return FakeARIResponse(status: 204)
            case ("POST", "channels", 3) where segments[2] == "variable":
                guard let name = request.query["variable"] else { return .error(400, "Variable name is required") }
                state.channelVariables[segments[1], default: [:]][name] = request.query["value"] ?? ""
                return FakeARIResponse(status: 204)
            case ("GET", "channels", 3) where segments[2] == "variable":
                guard let name = request.query["variable"] else { return .error(400, "Variable name is required") }
                guard let value = state.channelVariables[segments[1]]?[name] else { return .error(404, "Provided variable was not found") }
                return FakeARIResponse(status: 200, body: json(["value": value]))
            case ("POST", "bridges", 1):
                let id = request.query["bridgeId"] ?? "bridge-\(state.nextID)"
                state.nextID += 1
                let bridge: [String: Any] = [
                    "id": id, "technology": "simple_bridge", "bridge_type": request.query["type"] ?? "mixing",
                    "bridge_class": "stasis", "creator": "Stasis", "name": request.query["name"] ?? "", "channels": [String](),
                    "creationtime": "2026-11-23T04:16:33.306+0000", "video_mode": "none",
                ]
                state.bridges[id] = bridge
                return FakeARIResponse(status: 200, body: json(bridge))
            case (_, "bridges", _) where segments.count >= 2 && state.bridges[segments[1]] == nil:
                return .error(404, "Bridge not found")
            case ("POST", "bridges", 3) where segments[2] == "addChannel" || segments[2] == "removeChannel":
                var members = state.bridges[segments[1]]?["channels"] as? [String] ?? []
                let named = (request.query["channel"] ?? "").split(separator: ",").map(String.init)
                members = segments[2] == "addChannel" ? members + named : members.filter { !named.contains($0) }
                state.bridges[segments[1]]?["channels"] = members
                return FakeARIResponse(status: 204)
            case ("DELETE", "bridges", 2):
                state.bridges[segments[1]] = nil
                return FakeARIResponse(status: 204)
            default:
                return .error(404, "Resource not found")
            }
        }
    }
}
