import Foundation

extension ARIClient {
    /// Opens the event route of a resource whose id the client chooses, then creates it with `create`
    /// (given that id): no event of the resource can slip past the handle.
    ///
    /// Use it with any operation that accepts a caller-chosen id, for example
    /// `ari.track(.channel) { id in try await ari.send(ARIOperations.Channels.originate(endpoint: "PJSIP/100", app: "ivr", channelID: id)) }`.
    /// - Parameters:
    ///   - kind: the kind of resource.
    ///   - id: its id (a fresh unique one when nil).
    ///   - bufferSize: the most unread events the handle keeps.
    ///   - create: sends the creating request; when it throws, the route is closed and the error rethrown
    ///     (an error other than ``ARIError`` comes back as `.invalidRequest` carrying it).
    public func track<Resource: Sendable>(
        _ kind: ARIResourceKey.Kind, id: String? = nil, bufferSize: Int = 1000,
        _ create: (String) async throws -> Resource
    ) async throws(ARIError) -> ARIHandle<Resource> {
        let key = ARIResourceKey(kind, id ?? Self.freshID(for: kind))
        let (token, events) = routes.open(key, bufferSize: bufferSize)
        do {
            let resource = try await create(key.id)
            return ARIHandle(key: key, resource: resource, events: events, routes: routes, token: token)
        } catch {
            routes.close(key, token: token)
            throw error as? ARIError ?? ARIError(.invalidRequest, "creating \(key) failed: \(error)")
        }
    }

    /// Originates a call whose handle has every event of the new channel (`Dial`, state changes,
    /// `StasisStart`, …) up to `ChannelDestroyed`.
    public func originateTracked(
        endpoint: String, app: String, appArgs: [String] = [], callerID: String? = nil, timeout: Duration? = nil,
        variables: [String: String]? = nil, bufferSize: Int = 1000
    ) async throws(ARIError) -> ARIHandle<ARIChannel> {
        try await track(.channel, bufferSize: bufferSize) { id in
            try await send(ARIOperations.Channels.originate(
                endpoint: endpoint, app: app, appArgs: appArgs.isEmpty ? nil : appArgs.joined(separator: ","), callerID: callerID,
                timeout: timeout.map(StasisChannel.wholeSeconds), variables: variables, channelID: id))
        }
    }

    /// Creates a bridge and subscribes `app` to it, so the handle has its events from the first
    /// (`ChannelEnteredBridge`, …) up to `BridgeDestroyed`.
    public func createBridgeTracked(
        type: String = "mixing", name: String? = nil, app: String, bufferSize: Int = 1000
    ) async throws(ARIError) -> ARIHandle<ARIBridge> {
        try await track(.bridge, bufferSize: bufferSize) { id in
            let bridge = try await send(ARIOperations.Bridges.create(type: type, bridgeID: id, name: name))
            _ = try await send(ARIOperations.Applications.subscribe(applicationName: app, eventSource: ["bridge:\(id)"]))
            return bridge
        }
    }

    /// Starts playing media on a channel; the handle has `PlaybackStarted` … `PlaybackFinished`.
    public func playTracked(
        _ media: [String], onChannel channelID: String, language: String? = nil, bufferSize: Int = 100
    ) async throws(ARIError) -> ARIHandle<ARIPlayback> {
        try await track(.playback, bufferSize: bufferSize) { id in
            try await send(ARIOperations.Channels.play(channelID: channelID, media: media, lang: language, playbackID: id))
        }
    }

    /// Starts playing media to a bridge; the handle has `PlaybackStarted` … `PlaybackFinished`.
    public func playTracked(
        _ media: [String], onBridge bridgeID: String, language: String? = nil, bufferSize: Int = 100
    ) async throws(ARIError) -> ARIHandle<ARIPlayback> {
        try await track(.playback, bufferSize: bufferSize) { id in
            try await send(ARIOperations.Bridges.play(bridgeID: bridgeID, media: media, lang: language, playbackID: id))
        }
    }

    /// Starts recording a channel into `name` (a fresh name when nil); the handle has
    /// `RecordingStarted` … `RecordingFinished` or `RecordingFailed`.
    public func recordTracked(
        channelID: String, name: String? = nil, format: String = "wav", maxDuration: Duration? = nil, maxSilence: Duration? = nil,
        beep: Bool = false, terminateOn: String? = nil, bufferSize: Int = 100
    ) async throws(ARIError) -> ARIHandle<ARILiveRecording> {
        try await track(.recording, id: name, bufferSize: bufferSize) { id in
            try await send(ARIOperations.Channels.record(
                channelID: channelID, name: id, format: format, maxDurationSeconds: maxDuration.map(StasisChannel.wholeSeconds),
                maxSilenceSeconds: maxSilence.map(StasisChannel.wholeSeconds), beep: beep, terminateOn: terminateOn))
        }
    }

    /// A fresh id for a resource of `kind` (`ch-…`, `br-…`, `pb-…`, `rec-…`).
    static func freshID(for kind: ARIResourceKey.Kind) -> String {
        let prefix = switch kind {
        case .channel: "ch-"
        case .bridge: "br-"
        case .playback: "pb-"
        case .recording: "rec-"
        }
        return prefix + UUID().uuidString.lowercased()
    }
}
