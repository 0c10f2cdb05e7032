import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Keeps one events WebSocket open for an ``ARIEventSubscription``: connects, notices the loss,
/// reconnects with the policy's backoff, and feeds messages and markers into the subscription's stream.
final class ARIEventSupervisor: Sendable {
    let apps: [String]
    let logger: Logger
    private let endpoint: ARIEventsEndpoint
    private let configuration: ARIClientConfiguration
    private let policy: ARIReconnectPolicy
    private let continuation: AsyncThrowingStream<ARIEventSubscription.Item, any Error>.Continuation
    private let state = NIOLockedValueBox(State())

    private struct State {
        var connection: ARIEventConnection?
        var closed = false
        var dropped = 0
        var task: Task<Void, Never>?
    }

    init(
        apps: [String], endpoint: ARIEventsEndpoint, configuration: ARIClientConfiguration, policy: ARIReconnectPolicy,
        logger: Logger, continuation: AsyncThrowingStream<ARIEventSubscription.Item, any Error>.Continuation
    ) {
        self.apps = apps
        self.endpoint = endpoint
        self.configuration = configuration
        self.policy = policy
        self.logger = logger
        self.continuation = continuation
    }

    var droppedCount: Int { state.withLockedValue { $0.dropped } }

    /// Opens the first connection (its failure is thrown), then supervises it in a task.
    func start() async throws(ARIError) {
        let (connection, ended) = try await connect()
        let task = Task { await supervise(connection: connection, ended: ended) }
        let closedMeanwhile = state.withLockedValue { state -> Bool in
            state.task = task
            if state.closed { return true }
            state.connection = connection
            return false
        }
        if closedMeanwhile { connection.close() }
    }

    /// One connection and the future of its end (nil error: closed on purpose).
    private func connect() async throws(ARIError) -> (ARIEventConnection, EventLoopFuture<ARIError?>) {
        let ended = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: ARIError?.self)
        let continuation = self.continuation
        let counter = self.state
        do {
            let connection = try await ARIEventConnection.connect(to: endpoint, configuration: configuration) { output in
                switch output {
                case .messages(let buffers):
                    if case .dropped(let item) = continuation.yield(.messages(buffers[...])), case .messages(let lost) = item {
                        counter.withLockedValue { $0.dropped += lost.count }
                    }
                case .closed(let error):
                    ended.succeed(error)
                }
            }
            logger.debug("ARI events WebSocket open", metadata: ["asterisk.ari.apps": "\(apps.joined(separator: ","))"])
            return (connection, ended.futureResult)
        } catch {
            ended.succeed(nil)
            throw error
        }
    }

    private func supervise(connection first: ARIEventConnection, ended first_ended: EventLoopFuture<ARIError?>) async {
        var ended = first_ended
        while true {
            let lost = (try? await ended.get()) ?? nil
            guard let lost, !isClosed else {
                continuation.finish()
                return
            }
            logger.warning("ARI events WebSocket lost", metadata: ["asterisk.error": "\(lost)"])
            continuation.yield(.marker(.connectionLost(lost)))
            var attempt = 0
            var lastError = lost
            while true {
                guard policy.isEnabled, policy.maximumAttempts.map({ attempt < $0 }) ?? true else {
                    continuation.finish(throwing: lastError)
                    return
                }
                try? await Task.sleep(for: policy.delay(forAttempt: attempt, random: Double.random(in: 0..<1)))
                if isClosed {
                    continuation.finish()
                    return
                }
                do {
                    let (connection, next) = try await connect()
                    let closedMeanwhile = state.withLockedValue { state -> Bool in
                        if state.closed { return true }
                        state.connection = connection
                        return false
                    }
                    if closedMeanwhile {
                        connection.close()
                        continuation.finish()
                        return
                    }
                    ended = next
                    logger.info("ARI events WebSocket reconnected", metadata: ["asterisk.ari.attempts": "\(attempt + 1)"])
                    continuation.yield(.marker(.reconnected))
                    break
                } catch {
                    attempt += 1
                    lastError = error
                    logger.debug("ARI events reconnect failed", metadata: ["asterisk.error": "\(error)"])
                }
            }
        }
    }

    private var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// Closes the WebSocket and ends the stream.
    func close() {
        let (connection, task) = state.withLockedValue { state -> (ARIEventConnection?, Task<Void, Never>?) in
            state.closed = true
            defer { state.connection = nil }
            return (state.connection, state.task)
        }
        connection?.close()
        task?.cancel()
        continuation.finish()
    }
}

extension ARIClient {
    /// Opens the events WebSocket for `apps` (registering them as Stasis applications) and returns
    /// its stream; throws when the first connection fails (for example `.authenticationFailed`).
    ///
    /// - Parameters:
    ///   - apps: the applications to register; `Stasis(name)` in the dialplan sends calls to them.
    ///   - subscribeAll: receive every event of the system, not only those of the apps' resources.
    ///   - reconnect: what to do when the connection is lost.
    ///   - bufferSize: how many read bursts of undecoded messages may wait for the consumer before the oldest are dropped.
    public func events(
        apps: [String], subscribeAll: Bool = false, reconnect: ARIReconnectPolicy = .exponential(), bufferSize: Int = 100_000
    ) async throws(ARIError) -> ARIEventSubscription {
        let endpoint = try ARIEventsEndpoint(configuration: configuration, apps: apps, subscribeAll: subscribeAll)
        let (stream, continuation) = AsyncThrowingStream<ARIEventSubscription.Item, any Error>.makeStream(
            bufferingPolicy: .bufferingNewest(max(1, bufferSize)))
        let supervisor = ARIEventSupervisor(
            apps: apps, endpoint: endpoint, configuration: configuration, policy: reconnect, logger: logger,
            continuation: continuation)
        continuation.onTermination = { _ in supervisor.close() }
        try await supervisor.start()
        return ARIEventSubscription(supervisor: supervisor, stream: stream)
    }
}
