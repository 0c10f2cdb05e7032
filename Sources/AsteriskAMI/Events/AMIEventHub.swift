import NIOConcurrencyHelpers

/// Fans events out from the connection to every subscriber's buffer; outlives reconnects.
final class AMIEventHub: Sendable {
    private struct State {
        var subscribers: [AMISubscriberBuffer] = []
        var nextID: UInt64 = 1
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Adds a subscriber; on a closed hub the returned buffer is already finished.
    func subscribe(filter: AMIEventFilter, capacity: Int) -> AMISubscriberBuffer {
        let (buffer, closed) = state.withLockedValue { state -> (AMISubscriberBuffer, Bool) in
            let buffer = AMISubscriberBuffer(id: state.nextID, filter: filter, capacity: capacity)
            state.nextID += 1
            if !state.closed { state.subscribers.append(buffer) }
            return (buffer, state.closed)
        }
        if closed { buffer.finish(error: nil) }
        return buffer
    }

    /// Removes a subscriber and ends its stream.
    func unsubscribe(_ buffer: AMISubscriberBuffer) {
        state.withLockedValue { $0.subscribers.removeAll { $0 === buffer } }
        buffer.finish(error: nil)
    }

    /// The number of live subscribers.
    var subscriberCount: Int { state.withLockedValue { $0.subscribers.count } }

    /// Delivers a batch of events, in order, to every subscriber whose filter they pass.
    func deliver(_ events: [AMIEvent]) {
        guard !events.isEmpty else { return }
        let subscribers = state.withLockedValue { $0.subscribers }
        for subscriber in subscribers { subscriber.append(events) }
    }

    /// Sends a connection marker to every subscriber.
    func broadcast(_ marker: AMIStreamElement<AMIEvent>) {
        let subscribers = state.withLockedValue { $0.subscribers }
        for subscriber in subscribers { subscriber.append(marker: marker) }
    }

    /// Ends every stream (client closed, or connection lost with no reconnect) and refuses new subscribers.
    func finishAll(error: AMIError?) {
        let subscribers = state.withLockedValue { state -> [AMISubscriberBuffer] in
            state.closed = true
            defer { state.subscribers.removeAll() }
            return state.subscribers
        }
        for subscriber in subscribers { subscriber.finish(error: error) }
    }
}
