import NIOConcurrencyHelpers

/// Where a Stasis channel's events land: a queue of DTMF digits not yet consumed, expectations of
/// specific events (a playback's end, a recording's end, the next digit), and the channel's own event
/// stream. Thread-safe; events arrive from the application's dispatcher task.
///
/// An expectation is registered before the request that causes its event, so an event that arrives
/// before the REST answer is never missed; it is then awaited with a timeout.
final class StasisChannelMailbox: Sendable {
    private struct Expectation {
        /// Nil for a digit expectation (which takes the next DTMF digit).
        let match: (@Sendable (ARIEvent) -> StasisWaitOutcome?)?
        var outcome: StasisWaitOutcome?
        var continuation: CheckedContinuation<StasisWaitOutcome, Never>?
    }

    private struct State {
        var digits: [Character] = []
        var expectations: [UInt64: Expectation] = [:]
        var order: [UInt64] = []
        var nextID: UInt64 = 0
        var gone: ARIError?

        mutating func register(_ match: (@Sendable (ARIEvent) -> StasisWaitOutcome?)?) -> UInt64 {
            nextID += 1
            expectations[nextID] = Expectation(match: match)
            order.append(nextID)
            return nextID
        }

        /// Records an outcome; returns the continuation to resume when someone is already waiting.
        mutating func settle(_ id: UInt64, _ outcome: StasisWaitOutcome) -> CheckedContinuation<StasisWaitOutcome, Never>? {
            guard var expectation = expectations[id], expectation.outcome == nil else { return nil }
            if let continuation = expectation.continuation {
                expectations[id] = nil
                order.removeAll { $0 == id }
                return continuation
            }
            expectation.outcome = outcome
            expectations[id] = expectation
            return nil
        }
    }

    private let state = NIOLockedValueBox(State())
    let events: AsyncStream<ARIEvent>
    private let eventsContinuation: AsyncStream<ARIEvent>.Continuation

    init(eventBuffer: Int = 1000) {
        (events, eventsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(eventBuffer))
    }

    /// The error that ended the channel, if it has.
    var gone: ARIError? { state.withLockedValue { $0.gone } }

    /// Takes one event for this channel.
    func receive(_ event: ARIEvent) {
        eventsContinuation.yield(event)
        let resumed = state.withLockedValue { state -> [(CheckedContinuation<StasisWaitOutcome, Never>, StasisWaitOutcome)] in
            var resumed: [(CheckedContinuation<StasisWaitOutcome, Never>, StasisWaitOutcome)] = []
            if case .channelDtmfReceived(let dtmf) = event, let digit = dtmf.digit.first {
                let taker = state.order.first { state.expectations[$0]?.match == nil && state.expectations[$0]?.outcome == nil }
                if let taker {
                    if let continuation = state.settle(taker, .digit(digit)) { resumed.append((continuation, .digit(digit))) }
                } else {
                    state.digits.append(digit)
                }
            }
            for id in state.order {
                guard let match = state.expectations[id]?.match, state.expectations[id]?.outcome == nil,
                    let outcome = match(event)
                else { continue }
                if let continuation = state.settle(id, outcome) { resumed.append((continuation, outcome)) }
            }
            return resumed
        }
        for (continuation, outcome) in resumed { continuation.resume(returning: outcome) }
    }

    /// Marks the channel gone (StasisEnd, hangup, application stopped) and settles every expectation with `error`.
    func end(_ error: ARIError) {
        let resumed = state.withLockedValue { state -> [CheckedContinuation<StasisWaitOutcome, Never>] in
            if state.gone == nil { state.gone = error }
            return state.order.compactMap { state.settle($0, .gone(error)) }
        }
        for continuation in resumed { continuation.resume(returning: .gone(error)) }
        eventsContinuation.finish()
    }

    /// Registers an expectation now; await it with ``wait(for:timeout:)`` or drop it with ``cancel(_:)``.
    func expect(_ match: @escaping @Sendable (ARIEvent) -> StasisWaitOutcome?) -> StasisExpectation {
        StasisExpectation(id: state.withLockedValue { $0.register(match) })
    }

    /// Forgets an expectation that will not be awaited (its request failed).
    func cancel(_ expectation: StasisExpectation) {
        state.withLockedValue { state in
            state.expectations[expectation.id] = nil
            state.order.removeAll { $0 == expectation.id }
        }
    }

    /// Waits for an expectation's event, its timeout, or the channel's end.
    func wait(for expectation: StasisExpectation, timeout: Duration?) async -> StasisWaitOutcome {
        let id = expectation.id
        let timer = timeout.map { timeout in
            Task { [self] in
                try await Task.sleep(for: timeout)
                let continuation = state.withLockedValue { $0.settle(id, .timedOut) }
                continuation?.resume(returning: .timedOut)
            }
        }
        defer { timer?.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> StasisWaitOutcome? in
                guard var expectation = state.expectations[id] else { return .timedOut }
                if let outcome = expectation.outcome {
                    state.expectations[id] = nil
                    state.order.removeAll { $0 == id }
                    return outcome
                }
                if let gone = state.gone {
                    state.expectations[id] = nil
                    state.order.removeAll { $0 == id }
                    return .gone(gone)
                }
                expectation.continuation = continuation
                state.expectations[id] = expectation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The next digit pressed (digits typed ahead first), `.timedOut`, or `.gone`.
    func nextDigit(timeout: Duration?) async -> StasisWaitOutcome {
        let buffered = state.withLockedValue { state -> StasisWaitOutcome? in
            if !state.digits.isEmpty { return .digit(state.digits.removeFirst()) }
            return nil
        }
        if let buffered { return buffered }
        let expectation = StasisExpectation(id: state.withLockedValue { $0.register(nil) })
        return await wait(for: expectation, timeout: timeout)
    }

    /// A digit typed ahead that is among `keys`: digits before it that are not keys are dropped
    /// (as a prompt with escape digits ignores other keys); nil, and nothing dropped, when none is.
    func takeTypedAhead(among keys: String) -> Character? {
        state.withLockedValue { state in
            guard let index = state.digits.firstIndex(where: keys.contains) else { return nil }
            let digit = state.digits[index]
            state.digits.removeFirst(index + 1)
            return digit
        }
    }

    /// Removes buffered digits up to and including the first `digit` (the key that an expectation
    /// already took, which was also queued for readers).
    func consumeDigits(through digit: Character) {
        state.withLockedValue { state in
            if let index = state.digits.firstIndex(of: digit) { state.digits.removeFirst(index + 1) }
        }
    }

    /// Forgets digits pressed but not yet read, and returns them.
    func flushDigits() -> String {
        String(state.withLockedValue { state in
            defer { state.digits = [] }
            return state.digits
        })
    }
}

/// A registered expectation: made before the request that triggers the event, awaited after it.
struct StasisExpectation: Sendable {
    let id: UInt64
}

/// How a wait ended.
enum StasisWaitOutcome: Sendable {
    case event(ARIEvent)
    case digit(Character)
    case timedOut
    case gone(ARIError)
}
