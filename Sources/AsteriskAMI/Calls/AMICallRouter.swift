import NIOConcurrencyHelpers

/// Routes call events to the tracked calls of one client through a single subscription, by the
/// event's `Uniqueid` / `DestUniqueid` (the `ChannelId` given to `Originate`) or, for
/// `OriginateResponse`, its ActionID: one dictionary lookup per event however many calls are in flight.
final class AMICallRouter: Sendable {
    private struct State {
        /// The calls by channel id, each with its `Originate`'s ActionID.
        var byChannel: [String: (call: AMICall, actionID: String)] = [:]
        var byAction: [String: AMICall] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// Whether the subscription runs. A lock of its own, held while subscribing, so a second call
    /// cannot go out before the first one's subscription exists (the filter only takes `state`).
    private let listening = NIOLockedValueBox(false)

    /// How many calls are followed now.
    var count: Int { state.withLockedValue { $0.byChannel.count } }

    /// Follows `call` from now on (before its `Originate` goes out, so no event is missed); the
    /// client's subscription to call events starts with the first call.
    func follow(_ call: AMICall, actionID: String, on client: AMIClient) {
        state.withLockedValue { state in
            state.byChannel[call.channelID] = (call, actionID)
            state.byAction[actionID] = call
        }
        listening.withLockedValue { listening in
            guard !listening else { return }
            listening = true
            let subscription = client.subscribe(.names(AMIClient.callEvents).and(.matching { [weak self] in self?.routes($0) ?? false }))
            Task { [self] in
                do {
                    for try await element in subscription {
                        switch element {
                        case .event(let event): deliver(event)
                        case .connectionLost: endAll(.connectionLost)
                        case .reconnected, .eventsDropped: break
                        }
                    }
                } catch {}
                self.listening.withLockedValue { $0 = false }
                endAll(.connectionLost)
            }
        }
    }

    /// Stops following `call` (it ended, or its action could not be sent).
    func forget(_ call: AMICall, actionID: String) {
        state.withLockedValue { state in
            if state.byChannel[call.channelID]?.call === call { state.byChannel[call.channelID] = nil }
            if state.byAction[actionID] === call { state.byAction[actionID] = nil }
        }
    }

    /// The calls `event` is about.
    private func calls(for event: AMIEvent, in state: State) -> [AMICall] {
        var found: [AMICall] = []
        if let id = event["Uniqueid"], let call = state.byChannel[id]?.call { found.append(call) }
        if let id = event["DestUniqueid"], let call = state.byChannel[id]?.call, !found.contains(where: { $0 === call }) { found.append(call) }
        if event.isNamed("OriginateResponse"), let id = event["ActionID"], let call = state.byAction[id],
            !found.contains(where: { $0 === call })
        {
            found.append(call)
        }
        return found
    }

    /// Whether any followed call wants `event` (the subscription's filter: others are not buffered).
    private func routes(_ event: AMIEvent) -> Bool {
        state.withLockedValue { !calls(for: event, in: $0).isEmpty }
    }

    private func deliver(_ event: AMIEvent) {
        for call in state.withLockedValue({ calls(for: event, in: $0) }) {
            call.apply(event)
            if call.state.isEnded { forgetEnded(call) }
        }
    }

    private func forgetEnded(_ call: AMICall) {
        state.withLockedValue { state in
            guard let entry = state.byChannel[call.channelID], entry.call === call else { return }
            state.byChannel[call.channelID] = nil
            if state.byAction[entry.actionID] === call { state.byAction[entry.actionID] = nil }
        }
    }

    /// Ends every followed call (the connection was lost, or the client closed).
    private func endAll(_ reason: AMICallEnd.Reason) {
        let calls = state.withLockedValue { state -> [AMICall] in
            defer {
                state.byChannel = [:]
                state.byAction = [:]
            }
            return state.byChannel.values.map(\.call)
        }
        for call in calls { call.end(reason) }
    }
}
