import AsteriskNIOSupport
import NIOCore

/// What a subscription yields: events, and markers that tell the consumer about the connection.
public enum AMIStreamElement<Event: Sendable>: Sendable {
    /// An event.
    case event(Event)
    /// The connection was lost; the client is reconnecting and events may be missed until ``reconnected``.
    case connectionLost(AMIError)
    /// The client is connected and logged in again; state built from events should be re-read.
    case reconnected
    /// The consumer fell behind and this many older events were dropped from its buffer.
    case eventsDropped(Int)
}

/// A run of events or one marker, as queued for a subscriber.
typealias AMIQueuedItem = BoundedBatchQueue<AMIEvent, AMIStreamElement<AMIEvent>, AMIError>.Item

/// One subscriber's filter and bounded buffer, filled on the event loop and drained by one consumer task.
///
/// Events are queued as whole batches (one per socket read). Slow-consumer policy: when more than
/// `capacity` events are waiting, the oldest are dropped and counted (an `eventsDropped` marker tells
/// the consumer), so memory stays bounded and the socket keeps being read (responses are never
/// delayed by a slow consumer).
final class AMISubscriberBuffer: Sendable {
    let id: UInt64
    let filter: AMIEventFilter
    private let queue: BoundedBatchQueue<AMIEvent, AMIStreamElement<AMIEvent>, AMIError>

    init(id: UInt64, filter: AMIEventFilter, capacity: Int) {
        self.id = id
        self.filter = filter
        self.queue = BoundedBatchQueue(capacity: capacity, droppedMarker: { .eventsDropped($0) })
    }

    /// The most events that wait for the consumer.
    var capacity: Int { queue.capacity }

    /// Events dropped so far because the consumer was too slow.
    var droppedEventCount: Int { queue.droppedCount }

    /// Queues the events that pass the filter and wakes the consumer.
    func append(_ events: [AMIEvent]) {
        if filter.passesEverything {
            queue.append(events[...])
        } else {
            let matching = events.filter(filter.matches)
            if !matching.isEmpty { queue.append(matching[...]) }
        }
    }

    /// Queues a connection marker and wakes the consumer.
    func append(marker: AMIStreamElement<AMIEvent>) { queue.append(marker: marker) }

    /// Ends the stream, with an error or cleanly; queued items are still delivered first.
    func finish(error: AMIError?) { queue.finish(error: error) }

    /// Moves everything queued into `batch` (which must be empty), waiting until there is something.
    /// Returns false when the stream is over; throws the error it ended with. Runs on `actor` (the
    /// caller's), so a consumer on an actor does not hop executors for each batch.
    func take(into batch: inout CircularBuffer<AMIQueuedItem>, isolation actor: isolated (any Actor)? = #isolation) async throws -> Bool {
        try await queue.take(into: &batch, isolation: actor)
    }
}
