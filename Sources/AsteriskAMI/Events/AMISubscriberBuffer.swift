import NIOConcurrencyHelpers
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
enum AMIQueuedItem: Sendable {
    case events(ArraySlice<AMIEvent>)
    case marker(AMIStreamElement<AMIEvent>)
}

/// One subscriber's bounded buffer, filled on the event loop and drained by one consumer task.
///
/// Events are queued as whole batches (one per socket read), so delivering a read costs one lock and
/// no per-event copy. Slow-consumer policy: when more than `capacity` events are waiting, the oldest
/// are dropped and counted, so memory stays bounded and the socket keeps being read (responses are
/// never delayed by a slow consumer).
final class AMISubscriberBuffer: @unchecked Sendable {
    let id: UInt64
    let filter: AMIEventFilter
    let capacity: Int

    private let lock = NIOLock()
    private var queue = CircularBuffer<AMIQueuedItem>()
    private var queuedEvents = 0
    private var droppedSinceTake = 0
    private var droppedTotal = 0
    private var finished = false
    private var failure: AMIError?
    private var waiter: CheckedContinuation<Void, Never>?

    init(id: UInt64, filter: AMIEventFilter, capacity: Int) {
        self.id = id
        self.filter = filter
        self.capacity = max(1, capacity)
    }

    /// Events dropped so far because the consumer was too slow.
    var droppedEventCount: Int { lock.withLock { droppedTotal } }

    /// Queues the events that pass the filter and wakes the consumer.
    func append(_ events: [AMIEvent]) {
        let selected: ArraySlice<AMIEvent>
        if filter.passesEverything {
            selected = events[...]
        } else {
            let matching = events.filter(filter.matches)
            guard !matching.isEmpty else { return }
            selected = matching[...]
        }
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            queue.append(.events(selected))
            queuedEvents += selected.count
            if queuedEvents > capacity { dropOldest() }
            return takeWaiter()
        }
        waiter?.resume()
    }

    /// Queues a connection marker and wakes the consumer.
    func append(marker: AMIStreamElement<AMIEvent>) {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            queue.append(.marker(marker))
            return takeWaiter()
        }
        waiter?.resume()
    }

    /// Ends the stream, with an error or cleanly; queued items are still delivered first.
    func finish(error: AMIError?) {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            failure = error
            return takeWaiter()
        }
        waiter?.resume()
    }

    /// Drops the oldest queued events until at most `capacity` remain (markers are kept).
    private func dropOldest() {
        while queuedEvents > capacity {
            guard let index = queue.firstIndex(where: { if case .events = $0 { true } else { false } }),
                case .events(let run) = queue[index]
            else { return }
            let excess = queuedEvents - capacity
            let dropped = min(excess, run.count)
            if dropped == run.count {
                queue.remove(at: index)
            } else {
                queue[index] = .events(run.dropFirst(dropped))
            }
            queuedEvents -= dropped
            droppedSinceTake += dropped
            droppedTotal += dropped
        }
    }

    private func takeWaiter() -> CheckedContinuation<Void, Never>? {
        defer { waiter = nil }
        return waiter
    }

    /// Moves everything queued into `batch` (which must be empty), waiting until there is something.
    /// Returns false when the stream is over; throws the error it ended with. Runs on `actor` (the
    /// caller's), so a consumer on an actor does not hop executors for each batch.
    func take(into batch: inout CircularBuffer<AMIQueuedItem>, isolation actor: isolated (any Actor)? = #isolation) async throws -> Bool {
        while true {
            enum Step { case delivered, ended(AMIError?), wait }
            let step: Step = lock.withLock {
                if !queue.isEmpty {
                    if droppedSinceTake > 0 {
                        queue.prepend(.marker(.eventsDropped(droppedSinceTake)))
                        droppedSinceTake = 0
                    }
                    swap(&batch, &queue)
                    queuedEvents = 0
                    return .delivered
                }
                if finished {
                    defer { failure = nil }
                    return .ended(failure)
                }
                return .wait
            }
            switch step {
            case .delivered: return true
            case .ended(let error?): throw error
            case .ended(nil): return false
            case .wait:
                if Task.isCancelled { return false }
                await withTaskCancellationHandler(operation: {
                    await withCheckedContinuation(isolation: actor) { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow: Bool = lock.withLock {
                            if !queue.isEmpty || finished || Task.isCancelled { return true }
                            waiter = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                }, onCancel: {
                    let waiter: CheckedContinuation<Void, Never>? = lock.withLock { takeWaiter() }
                    waiter?.resume()
                }, isolation: actor)
                if Task.isCancelled { return false }
            }
        }
    }
}
