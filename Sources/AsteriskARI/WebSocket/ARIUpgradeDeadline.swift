import NIOConcurrencyHelpers
import NIOCore

/// Bounds a connection's WebSocket upgrade, on either side: a connection that has not upgraded by the
/// deadline (a hung server that accepts and never answers, or a peer that connects to one of our
/// servers and never asks) is closed, and the deadline remembers that it was the cause, for a
/// `.timeout` error or a log line.
final class ARIUpgradeDeadline: Sendable {
    /// How long connecting and upgrading may take.
    let timeout: Duration
    private let state = NIOLockedValueBox<(task: Scheduled<Void>?, passed: Bool)>((nil, false))

    /// A deadline `timeout` after it is armed.
    init(timeout: Duration) { self.timeout = timeout }

    /// Starts the clock for `channel` (from its initializer); it stops when the channel closes.
    func arm(on channel: Channel) {
        let task = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [self] in
            state.withLockedValue { $0.passed = true }
            channel.close(promise: nil)
        }
        state.withLockedValue { $0.task = task }
        channel.closeFuture.whenComplete { [self] _ in disarm() }
    }

    /// Stops the clock: the upgrade is done.
    func disarm() {
        state.withLockedValue { state in
            state.task?.cancel()
            state.task = nil
        }
    }

    /// Whether the deadline passed and closed the connection.
    var hasPassed: Bool { state.withLockedValue { $0.passed } }

    /// The error for a connection attempt that failed with `error`: a timeout if the deadline, or the
    /// connect timeout that runs beside it, caused it.
    func error(for error: any Error, otherwise describe: (any Error) -> ARIError) -> ARIError {
        if hasPassed { return ARIError(.timeout, "no answer to the WebSocket upgrade within \(timeout)") }
        if case ChannelError.connectTimeout = error { return ARIError(.timeout, "could not connect within \(timeout)") }
        return describe(error)
    }
}
