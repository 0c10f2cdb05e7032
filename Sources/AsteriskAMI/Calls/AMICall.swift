import NIOConcurrencyHelpers

/// A call placed with ``AMIClient/originate(_:)``, followed through its events to its end: await
/// ``answered(timeout:)`` or ``ended(timeout:)``, watch ``updates``, or ``hangUp(cause:)``.
public final class AMICall: Sendable {
    /// The channel's unique id (the `ChannelId` given to `Originate`).
    public let channelID: String
    private let client: AMIClient
    private let box: NIOLockedValueBox<Box>

    private struct Box {
        var tracker: AMICallTracker
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        var observers: [UInt64: AsyncStream<AMICallState>.Continuation] = [:]
    }

    init(client: AMIClient, tracker: AMICallTracker) {
        self.channelID = tracker.channelID
        self.client = client
        self.box = NIOLockedValueBox(Box(tracker: tracker))
    }

    /// Where the call stands now.
    public var state: AMICallState { box.withLockedValue { $0.tracker.state } }
    /// The channel's name (`PJSIP/100-00000001`), once Asterisk has created it.
    public var channelName: String? { box.withLockedValue { $0.tracker.channelName } }
    /// The bridge the channel is in, if any.
    public var bridgeID: String? { box.withLockedValue { $0.tracker.bridgeID } }

    /// The current state, then every change, finishing when the call ends.
    public var updates: AsyncStream<AMICallState> {
        AsyncStream { continuation in
            let registered: UInt64? = box.withLockedValue { box in
                continuation.yield(box.tracker.state)
                if box.tracker.state.isEnded { return nil }
                box.nextWaiter += 1
                box.observers[box.nextWaiter] = continuation
                return box.nextWaiter
            }
            guard let registered else { return continuation.finish() }
            // A consumer that stops listening is forgotten at once, not when the call ends.
            continuation.onTermination = { [box] _ in _ = box.withLockedValue { $0.observers.removeValue(forKey: registered) } }
        }
    }

    /// Returns once the call is answered (at once if it already was).
    /// - Throws: ``AMICallError`` `.ended` with the reason (busy, no answer, …) when it ends unanswered,
    ///   `.timeout` after `timeout`, `.cancelled` when the waiting task is cancelled.
    public func answered(timeout: Duration? = nil) async throws(AMICallError) {
        try await wait(timeout: timeout) { state -> Result<Void, AMICallError>? in
            switch state {
            case .answered: return .success(())
            case .ended(let end): return end.wasAnswered ? .success(()) : .failure(AMICallError(kind: .ended(end), channelID: self.channelID))
            default: return nil
            }
        }
    }

    /// Returns how the call ended, once it has.
    /// - Throws: ``AMICallError`` `.timeout` after `timeout`, `.cancelled` when the waiting task is cancelled.
    public func ended(timeout: Duration? = nil) async throws(AMICallError) -> AMICallEnd {
        try await wait(timeout: timeout) { state -> Result<AMICallEnd, AMICallError>? in
            if case .ended(let end) = state { return .success(end) }
            return nil
        }
    }

    /// Hangs the call up with the `Hangup` action (cause 16, normal clearing, unless told otherwise).
    /// - Throws: ``AMIError`` when the channel does not exist yet or Asterisk refuses.
    public func hangUp(cause: Int = 16) async throws(AMIError) {
        guard let name = channelName else { throw AMIError(.actionFailed, "call \(channelID) has no channel yet") }
        do {
            _ = try await client.send(action: "Hangup", headers: [
                AMIHeader(name: "Channel", value: name), AMIHeader(name: "Cause", value: String(cause)),
            ])
        } catch let error as AMIError {
            throw error
        } catch {
            throw AMIError(.actionFailed, "Hangup of \(name) failed: \(error)", action: "Hangup")
        }
    }

    /// Feeds an event; wakes waiters and observers when the state changes.
    func apply(_ event: AMIEvent) {
        update { $0.apply(event) }
    }

    /// Ends the call for a reason no event carries (a refused action, a lost connection).
    func end(_ reason: AMICallEnd.Reason) {
        update { tracker in
            let before = tracker.state
            tracker.end(reason)
            return tracker.state != before
        }
    }

    private func update(_ change: (inout AMICallTracker) -> Bool) {
        let (waiters, observers, state, ended): ([CheckedContinuation<Void, Never>], [AsyncStream<AMICallState>.Continuation], AMICallState, Bool) =
            box.withLockedValue { box in
                guard change(&box.tracker) else { return ([], [], box.tracker.state, false) }
                let waiters = Array(box.waiters.values)
                box.waiters.removeAll()
                let observers = Array(box.observers.values)
                let ended = box.tracker.state.isEnded
                if ended { box.observers.removeAll() }
                return (waiters, observers, box.tracker.state, ended)
            }
        for observer in observers {
            observer.yield(state)
            if ended { observer.finish() }
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until `check` gives a result, racing an optional timeout.
    private func wait<T: Sendable>(
        timeout: Duration?, _ check: @escaping @Sendable (AMICallState) -> Result<T, AMICallError>?
    ) async throws(AMICallError) -> T {
        let channelID = self.channelID
        let outcome: Result<T, AMICallError> = await withTaskGroup(of: Result<T, AMICallError>.self) { group in
            group.addTask { await self.waitUntil(check) }
            if let timeout {
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return .failure(AMICallError(kind: Task.isCancelled ? .cancelled : .timeout, channelID: channelID))
                }
            }
            let first = await group.next() ?? .failure(AMICallError(kind: .cancelled, channelID: channelID))
            group.cancelAll()
            return first
        }
        return try outcome.get()
    }

    /// Waits (without a time limit) until `check` gives a result; a cancelled task gets `.cancelled`.
    private func waitUntil<T: Sendable>(_ check: @Sendable (AMICallState) -> Result<T, AMICallError>?) async -> Result<T, AMICallError> {
        while true {
            if let result = check(state) { return result }
            if Task.isCancelled { return .failure(AMICallError(kind: .cancelled, channelID: channelID)) }
            let id: UInt64 = box.withLockedValue { box in
                box.nextWaiter += 1
                return box.nextWaiter
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow: Bool = box.withLockedValue { box in
                        if check(box.tracker.state) != nil || Task.isCancelled { return true }
                        box.waiters[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                box.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume()
            }
        }
    }
}
