import Foundation
import NIOCore
import NIOPosix

extension FakeARIServer {
    /// Sends events to their applications, now or after their delay.
    func deliver(_ events: [FakeARIPendingEvent]) {
        for pending in events {
            emit(pending.event, app: pending.app)
        }
    }

    /// Starts the follow-ups a request left (once its own events have been sent, so theirs come later).
    func startFollowUps() {
        let followUps = state.withLockedValue { state -> [FakeARIFollowUp] in
            defer { state.followUps = [] }
            return state.followUps
        }
        for followUp in followUps { schedule(after: followUp.delay, followUp.change) }
    }

    /// Runs `change` under the state lock after `delay`, then delivers the events it produced.
    func schedule(
        after delay: Duration, _ change: @escaping @Sendable (FakeARIServer, inout FakeARIState, inout [FakeARIPendingEvent]) -> Void
    ) {
        MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: TimeAmount(delay)) {
            [self] in
            var events: [FakeARIPendingEvent] = []
            state.withLockedValue { change(self, &$0, &events) }
            deliver(events)
        }
    }

    /// A call arrives from the dialplan into `Stasis(app, args…)`: the channel is created and
    /// `StasisStart` is sent to `app`. Returns the channel's id.
    @discardableResult
    public func simulateCall(app: String, args: [String] = [], channelID: String? = nil, callerNumber: String = "5551234") -> String {
        var events: [FakeARIPendingEvent] = []
        let id = state.withLockedValue { state -> String in
            let id = channelID ?? "call-\(state.nextID)"
            state.nextID += 1
            let channel = FakeARIChannel(
                id: id, name: "PJSIP/\(callerNumber)-\(String(format: "%08x", state.nextID))", state: "Ring", callerNumber: callerNumber,
                app: app)
            state.channels[id] = channel
            events.append(.init(event: ["type": "StasisStart", "args": args, "channel": channel.json], app: app))
            return id
        }
        deliver(events)
        return id
    }

    /// The caller presses keys: one `ChannelDtmfReceived` per digit, in order.
    public func sendDTMF(_ digits: String, to channelID: String) {
        let events = state.withLockedValue { state -> [FakeARIPendingEvent] in
            guard let channel = state.channels[channelID], let app = channel.app else { return [] }
            return digits.map {
                FakeARIPendingEvent(event: ["type": "ChannelDtmfReceived", "digit": String($0), "duration_ms": 100, "channel": channel.json], app: app)
            }
        }
        deliver(events)
    }

    /// The caller hangs up: `ChannelHangupRequest`, `StasisEnd`, `ChannelDestroyed`.
    public func hangUp(_ channelID: String, cause: Int = 16) {
        var events: [FakeARIPendingEvent] = []
        state.withLockedValue { endChannel(channelID, cause: cause, requested: true, state: &$0, events: &events) }
        deliver(events)
    }

    /// How long playbacks and recordings last before they finish by themselves.
    public func setMediaDurations(playback: Duration, recording: Duration) {
        state.withLockedValue {
            $0.playbackDuration = playback
            $0.recordingDuration = recording
        }
    }

    /// Answers the next `count` requests with `status` (500 by default), whatever they are.
    public func failNextRequests(_ count: Int = 1, status: Int = 500) {
        state.withLockedValue { $0.failures.append((status, count)) }
    }

    /// The ids of the channels that exist now.
    public var channelIDs: [String] { state.withLockedValue { $0.channels.keys.sorted() } }

    /// The state of a channel (`Ring`, `Up`, …), nil when it does not exist.
    public func channelState(_ id: String) -> String? { state.withLockedValue { $0.channels[id]?.state } }

    /// The Stasis application a channel is in, nil when it is in none (or does not exist).
    public func channelApp(_ id: String) -> String? { state.withLockedValue { $0.channels[id]?.app } }

    /// Where a channel continues in the dialplan (after it left Stasis).
    public func channelDialplan(_ id: String) -> (context: String, extension: String, priority: Int)? {
        state.withLockedValue { state in state.channels[id].map { ($0.dialplan.context, $0.dialplan.exten, $0.dialplan.priority) } }
    }

    /// The members of a bridge, nil when it does not exist.
    public func bridgeMembers(_ id: String) -> [String]? { state.withLockedValue { $0.bridges[id]?.channels } }
}
