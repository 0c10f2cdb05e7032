/// Event subscriptions: typed or raw, filtered before buffering, each with its own bounded buffer.
extension AMIClient {
    /// Subscribes to events and connection markers; see ``AMISubscription``.
    ///
    /// - Parameters:
    ///   - filter: which events to keep (applied before buffering).
    ///   - bufferCapacity: events that may wait for this subscriber before the oldest are dropped.
    public func subscribe(_ filter: AMIEventFilter = .all, bufferCapacity: Int? = nil) -> AMISubscription {
        let buffer = hub.subscribe(filter: filter, capacity: bufferCapacity ?? configuration.subscriberBufferCapacity)
        return AMISubscription(token: AMISubscriptionToken(buffer: buffer, hub: hub))
    }

    /// Events that pass `filter`, as an `AsyncSequence` (markers skipped; survives reconnects).
    public func events(_ filter: AMIEventFilter = .all, bufferCapacity: Int? = nil) -> AMIEventStream<AMIEvent> {
        AMIEventStream(subscription: subscribe(filter, bufferCapacity: bufferCapacity), transform: { $0 })
    }

    /// Events with one of these names.
    public func events(named name: String, _ more: String...) -> AMIEventStream<AMIEvent> {
        events(.names([name] + more))
    }

    /// Typed events of one type, optionally narrowed by `filter`.
    public func events<Event: AMITypedEvent>(
        of type: Event.Type, where filter: AMIEventFilter = .all, bufferCapacity: Int? = nil
    ) -> AMIEventStream<Event> {
        let subscription = subscribe(AMIEventFilter.names(Event.eventName).and(filter), bufferCapacity: bufferCapacity)
        return AMIEventStream(subscription: subscription, transform: { Event(event: $0) })
    }
}
