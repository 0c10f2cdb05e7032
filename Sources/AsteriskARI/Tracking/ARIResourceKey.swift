/// Names one ARI resource whose events can be followed: a channel, bridge or playback by id, a live
/// recording by name.
public struct ARIResourceKey: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of resource.
    public enum Kind: String, Sendable, Hashable {
        /// A channel (`channelId`).
        case channel
        /// A bridge (`bridgeId`).
        case bridge
        /// A playback (`playbackId`).
        case playback
        /// A live recording (its `name`).
        case recording
    }

    /// The kind of resource.
    public let kind: Kind
    /// Its id (a recording's name).
    public let id: String

    /// Names a resource.
    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    /// `kind:id`, as ARI's event sources write it (`channel:abc`).
    public var description: String { "\(kind.rawValue):\(id)" }
}

extension ARIEvent {
    /// The resources an event is about: its channel (or dialled peer), bridge, playback or recording.
    var resourceKeys: [ARIResourceKey] {
        var keys: [ARIResourceKey] = []
        if let channel = channelID { keys.append(ARIResourceKey(.channel, channel)) }
        switch self {
        case .bridgeCreated(let event): keys.append(ARIResourceKey(.bridge, event.bridge.id))
        case .bridgeDestroyed(let event): keys.append(ARIResourceKey(.bridge, event.bridge.id))
        case .bridgeMerged(let event): keys.append(ARIResourceKey(.bridge, event.bridge.id))
        case .bridgeVideoSourceChanged(let event): keys.append(ARIResourceKey(.bridge, event.bridge.id))
        case .bridgeBlindTransfer(let event): if let bridge = event.bridge { keys.append(ARIResourceKey(.bridge, bridge.id)) }
        case .channelEnteredBridge(let event): keys.append(ARIResourceKey(.bridge, event.bridge.id))
        case .channelLeftBridge(let event): keys.append(ARIResourceKey(.bridge, event.bridge.id))
        case .channelUserevent(let event): if let bridge = event.bridge { keys.append(ARIResourceKey(.bridge, bridge.id)) }
        case .playbackStarted(let event): keys.append(ARIResourceKey(.playback, event.playback.id))
        case .playbackContinuing(let event): keys.append(ARIResourceKey(.playback, event.playback.id))
        case .playbackFinished(let event): keys.append(ARIResourceKey(.playback, event.playback.id))
        case .recordingStarted(let event): keys.append(ARIResourceKey(.recording, event.recording.name))
        case .recordingFinished(let event): keys.append(ARIResourceKey(.recording, event.recording.name))
        case .recordingFailed(let event): keys.append(ARIResourceKey(.recording, event.recording.name))
        default: break
        }
        return keys
    }

    /// The resource whose life this event ends: a destroyed channel or bridge, a finished playback,
    /// a finished or failed recording.
    var endedResource: ARIResourceKey? {
        switch self {
        case .channelDestroyed(let event): ARIResourceKey(.channel, event.channel.id)
        case .bridgeDestroyed(let event): ARIResourceKey(.bridge, event.bridge.id)
        case .playbackFinished(let event): ARIResourceKey(.playback, event.playback.id)
        case .recordingFinished(let event): ARIResourceKey(.recording, event.recording.name)
        case .recordingFailed(let event): ARIResourceKey(.recording, event.recording.name)
        default: nil
        }
    }
}
