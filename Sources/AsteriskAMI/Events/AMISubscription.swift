import NIOCore

/// Keeps a subscriber registered while any sequence or iterator over it is alive.
final class AMISubscriptionToken: Sendable {
    let buffer: AMISubscriberBuffer
    let hub: AMIEventHub

    init(buffer: AMISubscriberBuffer, hub: AMIEventHub) {
        self.buffer = buffer
        self.hub = hub
    }

    deinit { hub.unsubscribe(buffer) }
}

/// A subscription to the event stream that also yields connection markers
/// (``AMIStreamElement/connectionLost(_:)``, ``AMIStreamElement/reconnected``, ``AMIStreamElement/eventsDropped(_:)``).
///
/// It survives reconnects and ends only when the client is closed, when the connection is lost for
/// good (it then throws that ``AMIError``), or when ``cancel()`` is called. Iterate it from one task.
public struct AMISubscription: AsyncSequence, Sendable {
    /// Events and markers.
    public typealias Element = AMIStreamElement<AMIEvent>

    let token: AMISubscriptionToken

    /// Events dropped so far because this subscriber fell behind.
    public var droppedEventCount: Int { token.buffer.droppedEventCount }

    /// Ends the stream and unregisters the subscriber.
    public func cancel() { token.hub.unsubscribe(token.buffer) }

    /// Starts iterating.
    public func makeAsyncIterator() -> Iterator { Iterator(token: token) }

    /// Iterates a subscription, draining its buffer a batch at a time.
    public struct Iterator: AsyncIteratorProtocol {
        let token: AMISubscriptionToken
        var batch = CircularBuffer<AMIQueuedItem>()
        var run = ArraySlice<AMIEvent>()

        /// The next event or marker; nil when the stream ended; throws the error that ended it.
        public mutating func next() async throws -> AMIStreamElement<AMIEvent>? {
            try await next(isolation: nil)
        }

        /// ``next()`` on the caller's actor: a `for try await` loop reads buffered events without
        /// hopping to another executor for each one.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> AMIStreamElement<AMIEvent>? {
            while true {
                if let event = run.popFirst() { return .event(event) }
                if let item = batch.popFirst() {
                    switch item {
                    case .elements(let events): run = events
                    case .marker(let marker): return marker
                    }
                    continue
                }
                guard try await token.buffer.take(into: &batch, isolation: actor) else { return nil }
            }
        }
    }
}

/// An `AsyncSequence` of events only (markers are skipped), optionally transformed to a typed event.
public struct AMIEventStream<Event: Sendable>: AsyncSequence, Sendable {
    /// The events.
    public typealias Element = Event

    /// The underlying subscription, which also carries connection markers.
    public let subscription: AMISubscription
    let transform: @Sendable (AMIEvent) -> Event

    init(subscription: AMISubscription, transform: @escaping @Sendable (AMIEvent) -> Event) {
        self.subscription = subscription
        self.transform = transform
    }

    /// Events dropped so far because this subscriber fell behind.
    public var droppedEventCount: Int { subscription.droppedEventCount }

    /// Ends the stream.
    public func cancel() { subscription.cancel() }

    /// Starts iterating.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: subscription.makeAsyncIterator(), transform: transform)
    }

    /// Iterates events, skipping markers.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AMISubscription.Iterator
        let transform: @Sendable (AMIEvent) -> Event

        /// The next event; nil when the stream ended.
        public mutating func next() async throws -> Event? {
            try await next(isolation: nil)
        }

        /// ``next()`` on the caller's actor, without a hop per event.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Event? {
            while let item = try await base.next(isolation: actor) {
                if case .event(let event) = item { return transform(event) }
            }
            return nil
        }
    }
}
