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

/// One subscriber's bounded buffer, filled on the event loop and drained by one consumer task.
///
/// Slow-consumer policy: when `capacity` events are waiting, the oldest is dropped and counted, so
/// memory stays bounded and the socket keeps being read (responses are never delayed by a slow consumer).
final class AMISubscriberBuffer: @unchecked Sendable {
    let id: UInt64
    let filter: AMIEventFilter
    let capacity: Int

    private let lock = NIOLock()
    private var items = CircularBuffer<AMIStreamElement<AMIEvent>>()
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

    /// Appends the events that pass the filter and wakes the consumer.
    func append(_ events: [AMIEvent]) {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            if filter.passesEverything {
                for event in events { push(.event(event)) }
            } else {
                for event in events where filter.matches(event) { push(.event(event)) }
            }
            return takeWaiterIfReady()
        }
        waiter?.resume()
    }

    /// Appends a connection marker and wakes the consumer.
    func append(marker: AMIStreamElement<AMIEvent>) {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            push(marker)
            return takeWaiterIfReady()
        }
        waiter?.resume()
    }

    /// Ends the stream, with an error or cleanly; buffered items are still delivered first.
    func finish(error: AMIError?) {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            failure = error
            defer { self.waiter = nil }
            return self.waiter
        }
        waiter?.resume()
    }

    private func push(_ item: AMIStreamElement<AMIEvent>) {
        if items.count >= capacity {
            if case .event = items.removeFirst() {
                droppedSinceTake += 1
                droppedTotal += 1
            }
        }
        items.append(item)
    }

    private func takeWaiterIfReady() -> CheckedContinuation<Void, Never>? {
        guard let waiter, !items.isEmpty else { return nil }
        self.waiter = nil
        return waiter
    }

    /// Moves everything buffered into `batch` (which must be empty), waiting until there is something.
    /// Returns false when the stream is over; throws the error it ended with.
    func take(into batch: inout CircularBuffer<AMIStreamElement<AMIEvent>>) async throws -> Bool {
        while true {
            enum Step { case delivered, ended(AMIError?), wait }
            let step: Step = lock.withLock {
                if !items.isEmpty {
                    if droppedSinceTake > 0 {
                        batch.append(.eventsDropped(droppedSinceTake))
                        droppedSinceTake = 0
                    }
                    if batch.isEmpty {
                        swap(&batch, &items)
                    } else {
                        batch.append(contentsOf: items)
                        items.removeAll(keepingCapacity: true)
                    }
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
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow: Bool = lock.withLock {
                            if !items.isEmpty || finished || Task.isCancelled { return true }
                            waiter = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
                        defer { self.waiter = nil }
                        return self.waiter
                    }
                    waiter?.resume()
                }
                if Task.isCancelled { return false }
            }
        }
    }
}
