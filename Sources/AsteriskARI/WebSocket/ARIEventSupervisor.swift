import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Keeps one events WebSocket open for an ``ARIEventSubscription``: connects, notices the loss,
/// reconnects with the policy's backoff, and feeds messages and markers into the subscription's stream.
final class ARIEventSupervisor: ARIEventSource {
    let apps: [String]
    let logger: Logger
    private let endpoint: ARIEventsEndpoint
    private let configuration: ARIClientConfiguration
    private let policy: ARIReconnectPolicy
    private let queue: ARIEventQueue
    private let state = NIOLockedValueBox(State())
    /// The REST requests sent over this WebSocket and waiting for their response (nil: REST goes over HTTP).
    let rest: ARIWebSocketRESTRequests?
    /// Where each connection's messages go.
    private let delivery: ARIEventDelivery

    private struct State {
        /// The open connection and its number.
        var connection: (ARIEventConnection, UInt64)?
        /// The number of the latest connection (each connection gets the next one).
        var connectionNumber: UInt64 = 0
        var closed = false
        var task: Task<Void, Never>?
    }

    init(
        apps: [String], endpoint: ARIEventsEndpoint, configuration: ARIClientConfiguration, policy: ARIReconnectPolicy,
        logger: Logger, queue: ARIEventQueue,
        carriesREST: Bool = false, routes: ARIEventRoutes? = nil
    ) {
        self.apps = apps
        self.endpoint = endpoint
        self.configuration = configuration
        self.policy = policy
        self.logger = logger
        self.queue = queue
        let rest = carriesREST ? ARIWebSocketRESTRequests(prefix: "swift-asterisk-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)) : nil
        self.rest = rest
        self.delivery = ARIEventDelivery(queue: queue, rest: rest, routes: routes)
    }

    /// Opens the first connection (its failure is thrown), then supervises it in a task.
    func start() async throws(ARIError) {
        let (connection, number, ended) = try await connect()
        let task = Task { await supervise(connection: connection, ended: ended) }
        let closedMeanwhile = state.withLockedValue { state -> Bool in
            state.task = task
            if state.closed { return true }
            state.connection = (connection, number)
            return false
        }
        if closedMeanwhile { connection.close() }
    }

    /// One connection, its number and the future of its end (nil error: closed on purpose).
    private func connect() async throws(ARIError) -> (ARIEventConnection, UInt64, EventLoopFuture<ARIError?>) {
        let ended = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: ARIError?.self)
        let delivery = self.delivery
        let number = state.withLockedValue { state -> UInt64 in
            state.connectionNumber += 1
            return state.connectionNumber
        }
        do {
            let connection = try await ARIEventConnection.connect(to: endpoint, configuration: configuration) { output in
                delivery.handle(output, connection: number, ended: ended)
            }
            logger.debug("ARI events WebSocket open", metadata: ["asterisk.ari.apps": "\(apps.joined(separator: ","))"])
            return (connection, number, ended.futureResult)
        } catch {
            ended.succeed(nil)
            throw error
        }
    }

    private func supervise(connection first: ARIEventConnection, ended first_ended: EventLoopFuture<ARIError?>) async {
        var ended = first_ended
        while true {
            let lost = (try? await ended.get()) ?? nil
            state.withLockedValue { $0.connection = nil }
            guard let lost, !isClosed else {
                queue.finish()
                return
            }
            logger.warning("ARI events WebSocket lost", metadata: ["asterisk.error": "\(lost)"])
            queue.append(marker: .connectionLost(lost))
            var attempt = 0
            var lastError = lost
            while true {
                guard policy.isEnabled, policy.maximumAttempts.map({ attempt < $0 }) ?? true else {
                    queue.finish(error: lastError)
                    return
                }
                try? await Task.sleep(for: policy.delay(forAttempt: attempt, random: Double.random(in: 0..<1)))
                if isClosed {
                    queue.finish()
                    return
                }
                do {
                    let (connection, number, next) = try await connect()
                    let closedMeanwhile = state.withLockedValue { state -> Bool in
                        if state.closed { return true }
                        state.connection = (connection, number)
                        return false
                    }
                    if closedMeanwhile {
                        connection.close()
                        queue.finish()
                        return
                    }
                    ended = next
                    logger.info("ARI events WebSocket reconnected", metadata: ["asterisk.ari.attempts": "\(attempt + 1)"])
                    queue.append(marker: .reconnected)
                    break
                } catch {
                    attempt += 1
                    lastError = error
                    logger.debug("ARI events reconnect failed", metadata: ["asterisk.error": "\(error)"])
                }
            }
        }
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// Closes the WebSocket and ends the stream.
    func close() {
        let (connection, task) = state.withLockedValue { state -> (ARIEventConnection?, Task<Void, Never>?) in
            state.closed = true
            defer { state.connection = nil }
            return (state.connection?.0, state.task)
        }
        connection?.close()
        task?.cancel()
        queue.finish()
        rest?.failAll(with: ARIError(.connectionFailed, "the events WebSocket was closed with the request in flight"))
    }

    /// Sends a REST request over the open connection and waits for its response.
    func sendREST(_ message: ByteBuffer, id: String, timeout: Duration, operation: String) async -> ARIWebSocketRESTRequests.Outcome {
        guard let rest else { return .failure(ARIError(.invalidRequest, "this WebSocket does not carry REST requests", operation: operation)) }
        guard let (connection, number) = state.withLockedValue({ $0.connection }) else {
            let reason = isClosed ? "the events WebSocket is closed" : "the events WebSocket is reconnecting"
            return .failure(ARIError(.connectionFailed, reason, operation: operation))
        }
        return await ARIEventDelivery.sendREST(
            message, id: id, over: connection, number: number, rest: rest, timeout: timeout, operation: operation)
    }
}

extension ARIClient {
    /// Opens the events WebSocket for `apps` (registering them as Stasis applications) and returns
    /// its stream; throws when the first connection fails (for example `.authenticationFailed`).
    /// For the ``ARIOutboundServer/client`` of an outbound server, the subscription reads the
    /// WebSockets Asterisk opened to the server instead (there is one such subscription).
    ///
    /// - Parameters:
    ///   - apps: the applications to register; `Stasis(name)` in the dialplan sends calls to them.
    ///   - subscribeAll: receive every event of the system, not only those of the apps' resources.
    ///   - reconnect: what to do when the connection is lost.
    ///   - bufferSize: how many undecoded messages may wait for the consumer before the oldest are
    ///     dropped (``ARIClientConfiguration/maxBufferedEventBytes`` bounds their size too).
    public func events(
        apps: [String], subscribeAll: Bool = false, reconnect: ARIReconnectPolicy = .exponential(), bufferSize: Int = 100_000
    ) async throws(ARIError) -> ARIEventSubscription {
        if let outbound = outbound.withLockedValue({ $0 }) { return try outbound.subscribe(apps: apps) }
        let endpoint = try ARIEventsEndpoint(configuration: configuration, apps: apps, subscribeAll: subscribeAll)
        let queue = ARIEventQueue.messages(capacity: bufferSize, byteLimit: configuration.maxBufferedEventBytes)
        var carriesREST = false
        if case .webSocket(let app) = configuration.restTransport, apps.contains(app) { carriesREST = true }
        let supervisor = ARIEventSupervisor(
            apps: apps, endpoint: endpoint, configuration: configuration, policy: reconnect, logger: logger,
            queue: queue, carriesREST: carriesREST, routes: routes)
        if carriesREST {
            try await startRESTCarrier(supervisor)
        } else {
            try await supervisor.start()
        }
        return ARIEventSubscription(source: supervisor, queue: queue)
    }
}
