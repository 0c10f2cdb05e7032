import Foundation

/// A channel of the fake ARI server.
struct FakeARIChannel {
    var id: String
    var name: String
    var state: String
    var callerNumber: String
    /// The Stasis application the channel is in, if any.
    var app: String?
    var bridge: String?
    var variables: [String: String] = [:]
    var dialplan = (context: "default", exten: "s", priority: 1)
    /// Variables reported in `channelvars` (an external-media channel's connection id).
    var channelvars: [String: String] = [:]

    var json: [String: Any] {
        var json: [String: Any] = [
            "id": id, "name": name, "state": state, "protocol_id": "", "accountcode": "", "language": "en",
            "caller": ["name": "", "number": callerNumber], "connected": ["name": "", "number": ""],
            "dialplan": [
                "context": dialplan.context, "exten": dialplan.exten, "priority": dialplan.priority, "app_name": app == nil ? "" : "Stasis",
                "app_data": app ?? "",
            ],
            "creationtime": "2026-11-23T04:16:33.306+0000",
        ]
        if !channelvars.isEmpty { json["channelvars"] = channelvars }
        return json
    }
}

/// A bridge of the fake ARI server.
struct FakeARIBridge {
    var id: String
    var type: String
    var name: String
    var channels: [String] = []
    /// The application that created it (it receives the bridge's events).
    var app: String?

    var json: [String: Any] {
        [
            "id": id, "technology": "simple_bridge", "bridge_type": type, "bridge_class": "stasis", "creator": "Stasis",
            "name": name, "channels": channels, "creationtime": "2026-11-23T04:16:33.306+0000", "video_mode": "none",
        ]
    }
}

/// A playback of the fake ARI server.
struct FakeARIPlayback {
    var id: String
    var media: String
    var channel: String
    var state: String

    var json: [String: Any] {
        ["id": id, "media_uri": media, "target_uri": "channel:\(channel)", "language": "en", "state": state]
    }
}

/// A live recording of the fake ARI server.
struct FakeARIRecording {
    var name: String
    var format: String
    var channel: String
    var state: String

    var json: [String: Any] {
        ["name": name, "format": format, "target_uri": "channel:\(channel)", "state": state, "duration": 1]
    }
}

/// An event to send to an application once the state lock is released.
struct FakeARIPendingEvent {
    var event: [String: Any]
    var app: String
}

/// A change a request sets off for later (a playback ending, a call entering Stasis), started only
/// after the request's own events were sent.
struct FakeARIFollowUp: @unchecked Sendable {  // only touched under the server's lock
    var delay: Duration
    var change: @Sendable (FakeARIServer, inout FakeARIState, inout [FakeARIPendingEvent]) -> Void
}
