import NIOConcurrencyHelpers
import NIOCore

/// One consumer's bounded queue of element runs and markers: filled from an event loop a run at a time
/// (one per socket read, so delivering a read costs one lock and no per-element copy) and drained by
/// one task, everything queued at once.
///
/// Slow-consumer policy: when more than `capacity` elements wait, or elements weighing more than
/// `weightLimit` in all, the oldest are dropped and counted (markers are kept), so memory stays bounded
/// and the socket keeps being read. What the consumer has taken is no longer counted: at most the
/// bound waits here while the consumer works through one taken batch.
package final class BoundedBatchQueue<Element: Sendable, Marker: Sendable, Failure: Error>: @unchecked Sendable {
    /// A run of elements or one marker, as queued.
    package enum Item: Sendable {
        /// Elements, in order.
        case elements(ArraySlice<Element>)
        /// A marker (never dropped).
        case marker(Marker)
    }

    /// The most elements that wait before the oldest are dropped.
    package let capacity: Int
    /// The most weight (bytes, say) that waits before the oldest elements are dropped.
    package let weightLimit: Int
    private let weight: (@Sendable (Element) -> Int)?
    private let droppedMarker: (@Sendable (Int) -> Marker)?

    private let lock = NIOLock()
    private var queue = CircularBuffer<Item>()
    private var queuedCount = 0
    private var queuedWeight = 0
    private var droppedSinceTake = 0
    private var droppedTotal = 0
    private var finished = false
    private var failure: Failure?
    private var waiter: CheckedContinuation<Void, Never>?

    /// Creates a queue holding at most `capacity` elements and `weightLimit` of their `weight` (no
    /// weight: only the count bounds it); `droppedMarker`, when given, tells the consumer how many
    /// elements were dropped since its last take, ahead of what it takes next.
    package init(
        capacity: Int, weightLimit: Int = .max, weight: (@Sendable (Element) -> Int)? = nil,
        droppedMarker: (@Sendable (Int) -> Marker)? = nil
    ) {
        self.capacity = max(1, capacity)
        self.weightLimit = max(1, weightLimit)
        self.weight = weight
        self.droppedMarker = droppedMarker
    }

    /// Elements dropped so far because the consumer was too slow.
    package var droppedCount: Int { lock.withLock { droppedTotal } }

    /// Elements waiting now (not those the consumer has taken).
    package var waitingCount: Int { lock.withLock { queuedCount } }

    /// Whether ``finish(error:)`` was called.
    package var isFinished: Bool { lock.withLock { finished } }

    /// Queues a run of elements and wakes the consumer; returns how many (old) elements were dropped
    /// to make room. Ignored once finished.
    @discardableResult
    package func append(_ run: ArraySlice<Element>) -> Int {
        guard !run.isEmpty else { return 0 }
        var runWeight = 0
        if let weight { for element in run { runWeight &+= weight(element) } }
        let (waiter, dropped): (CheckedContinuation<Void, Never>?, Int) = lock.withLock {
            guard !finished else { return (nil, 0) }
            queue.append(.elements(run))
            queuedCount += run.count
            queuedWeight += runWeight
            let dropped = queuedCount > capacity || queuedWeight > weightLimit ? dropOldest() : 0
            return (takeWaiter(), dropped)
        }
        waiter?.resume()
        return dropped
    }

    /// Queues a marker and wakes the consumer. Ignored once finished.
    package func append(marker: Marker) {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            queue.append(.marker(marker))
            return takeWaiter()
        }
        waiter?.resume()
    }

    /// Ends the queue, with an error or cleanly; what is queued is still taken first. Only the first
    /// call counts.
    package func finish(error: Failure? = nil) {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            failure = error
            return takeWaiter()
        }
        waiter?.resume()
    }

    /// Drops the oldest elements until both bounds hold again; returns how many.
    private func dropOldest() -> Int {
        var dropped = 0
        while queuedCount > capacity || queuedWeight > weightLimit {
            guard let index = queue.firstIndex(where: { if case .elements = $0 { true } else { false } }),
                case .elements(var run) = queue[index]
            else { break }
            if let weight {
                while let first = run.first, queuedCount > capacity || queuedWeight > weightLimit {
                    run.removeFirst()
                    queuedCount -= 1
                    queuedWeight -= weight(first)
                    dropped += 1
                }
            } else {
                let excess = min(queuedCount - capacity, run.count)
                run.removeFirst(excess)
                queuedCount -= excess
                dropped += excess
            }
            if run.isEmpty { queue.remove(at: index) } else { queue[index] = .elements(run) }
        }
        droppedSinceTake += dropped
        droppedTotal += dropped
        return dropped
    }

    /// What a take finds: something queued, the end (with its error, if any), or nothing yet.
    private enum TakeStep {
        case delivered
        case ended(Failure?)
        case wait
    }

    private func takeWaiter() -> CheckedContinuation<Void, Never>? {
        defer { waiter = nil }
        return waiter
    }

    /// Moves everything queued into `batch` (which must be empty), waiting until there is something.
    /// Returns false when the queue is over or the task is cancelled; throws the error it ended with
    /// (once). Runs on `actor` (the caller's), so a consumer on an actor does not hop executors for
    /// each batch.
    package func take(into batch: inout CircularBuffer<Item>, isolation actor: isolated (any Actor)? = #isolation) async throws -> Bool {
        while true {
            let step: TakeStep = lock.withLock {
                if !queue.isEmpty {
                    if droppedSinceTake > 0, let droppedMarker { queue.prepend(.marker(droppedMarker(droppedSinceTake))) }
                    droppedSinceTake = 0
                    swap(&batch, &queue)
                    queuedCount = 0
                    queuedWeight = 0
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
                await withTaskCancellationHandler(
                    operation: {
                        await withCheckedContinuation(isolation: actor) { (continuation: CheckedContinuation<Void, Never>) in
                            let resumeNow: Bool = lock.withLock {
                                if !queue.isEmpty || finished || Task.isCancelled { return true }
                                waiter = continuation
                                return false
                            }
                            if resumeNow { continuation.resume() }
                        }
                    },
                    onCancel: {
                        let waiter: CheckedContinuation<Void, Never>? = lock.withLock { takeWaiter() }
                        waiter?.resume()
                    }, isolation: actor)
                if Task.isCancelled { return false }
            }
        }
    }
}
