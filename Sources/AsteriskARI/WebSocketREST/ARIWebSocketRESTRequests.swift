import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The requests waiting for their `RESTResponse` on one events WebSocket: each is keyed by the id it
/// was sent with, ends with its response, its timeout, its task's cancellation, or the loss of the
/// connection it was written on, whichever comes first, and exactly once.
final class ARIWebSocketRESTRequests: Sendable {
    typealias Outcome = Result<ARIWebSocketRESTMessage.Response, ARIError>

    private struct Waiter {
        let continuation: CheckedContinuation<Outcome, Never>
        let connection: UInt64
        let timer: Scheduled<Void>?
    }

    private struct State {
        var counter: UInt64 = 0
        var waiting: [String: Waiter] = [:]
    }

    private let prefix: String
    private let state = NIOLockedValueBox(State())

    /// Creates an empty table whose ids start with `prefix`.
    init(prefix: String) { self.prefix = prefix }

    /// The number of requests waiting.
    var count: Int { state.withLockedValue { $0.waiting.count } }

    /// A fresh request id.
    func makeID() -> String {
        let number = state.withLockedValue { state -> UInt64 in
            state.counter &+= 1
            return state.counter
        }
        return "\(prefix)-\(number)"
    }

    /// Registers `id` as written on `connection`, runs `send` (which writes the request and reports a
    /// failed write with ``fail(_:with:)``) and waits for the outcome.
    func wait(
        for id: String, on connection: UInt64, timeout: Duration, operation: String, send: () -> Void
    ) async -> Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(timeout)) { [self] in
                    fail(id, with: ARIError(.timeout, "no answer within \(timeout)", operation: operation))
                }
                let registered = state.withLockedValue { state -> Bool in
                    guard !Task.isCancelled else { return false }
                    state.waiting[id] = Waiter(continuation: continuation, connection: connection, timer: timer)
                    return true
                }
                guard registered else {
                    timer.cancel()
                    continuation.resume(returning: .failure(ARIError(.cancelled, "the request was cancelled", operation: operation)))
                    return
                }
                send()
            }
        } onCancel: {
            fail(id, with: ARIError(.cancelled, "the request was cancelled", operation: operation))
        }
    }

    /// Ends the request a response belongs to; false when no request waits for it (late or foreign).
    @discardableResult
    func complete(_ response: ARIWebSocketRESTMessage.Response) -> Bool {
        guard let waiter = state.withLockedValue({ $0.waiting.removeValue(forKey: response.requestID) }) else { return false }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: .success(response))
        return true
    }

    /// Ends one request with `error` (nothing when it has ended already).
    func fail(_ id: String, with error: ARIError) {
        guard let waiter = state.withLockedValue({ $0.waiting.removeValue(forKey: id) }) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: .failure(error))
    }

    /// Ends every request written on `connection` with `error` (its connection is gone).
    func failAll(on connection: UInt64, with error: ARIError) {
        failAll(with: error) { $0 == connection }
    }

    /// Ends every request, whatever its connection, with `error` (the source was closed).
    func failAll(with error: ARIError) {
        failAll(with: error) { _ in true }
    }

    private func failAll(with error: ARIError, where matches: (UInt64) -> Bool) {
        let ended = state.withLockedValue { state -> [Waiter] in
            let ids = state.waiting.filter { matches($0.value.connection) }.map(\.key)
            return ids.compactMap { state.waiting.removeValue(forKey: $0) }
        }
        for waiter in ended {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .failure(error))
        }
    }
}
