/// A bridge created by a ``StasisApplication``: channels joined to it hear each other.
public struct StasisBridge: Sendable {
    /// The bridge's id.
    public let id: String
    /// The client the bridge's requests go through.
    public let client: ARIClient

    /// Joins channels to the bridge.
    public func add(_ channels: StasisChannel...) async throws(ARIError) {
        try await client.send(ARIOperations.Bridges.addChannel(bridgeID: id, channel: channels.map(\.id)))
    }

    /// Takes channels out of the bridge (they stay in the application).
    public func remove(_ channels: StasisChannel...) async throws(ARIError) {
        try await client.send(ARIOperations.Bridges.removeChannel(bridgeID: id, channel: channels.map(\.id)))
    }

    /// Plays media to every channel of the bridge (returns when the playback has started).
    @discardableResult
    public func play(_ media: String...) async throws(ARIError) -> ARIPlayback {
        try await client.send(ARIOperations.Bridges.play(bridgeID: id, media: media))
    }

    /// Destroys the bridge; its channels stay in the application.
    public func destroy() async throws(ARIError) {
        do {
            try await client.send(ARIOperations.Bridges.destroy(bridgeID: id))
        } catch where error.status == 404 {
            // Already gone.
        }
    }
}
