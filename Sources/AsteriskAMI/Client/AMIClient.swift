import Crypto
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A Manager Interface client: connects, logs in, sends actions, streams events, keeps itself alive.
///
/// ```swift
/// let ami = AMIClient(configuration: .init(host: "127.0.0.1", username: "app", secret: .md5("s3cret")), logger: logger)
/// try await ami.connect()
/// let pong = try await ami.send(PingAction())
/// for try await hangup in ami.events(of: HangupEvent.self) { print(hangup.channel ?? "") }
/// ```
///
/// Every pending action fails at once with ``AMIError`` when the connection is lost; the client then
/// reconnects with backoff, logs in again and restores filters added with ``addFilter(_:)``, while
/// event subscriptions stay open and see ``AMIStreamElement/reconnected``.
public final class AMIClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: AMIClientConfiguration
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let hub = AMIEventHub()
    /// Routes call events to the calls ``originate(_:timeout:)`` follows.
    let callRouter = AMICallRouter()
    private let actionIDs = AMIActionIDGenerator()
    private let state = NIOLockedValueBox(State())
    private let actionsCounter = Counter(label: "asterisk_ami_actions_total")
    private let reconnectsCounter = Counter(label: "asterisk_ami_reconnects_total")

    private struct State {
        var connection: AMIConnection?
        var status = AMIConnectionState.idle
        var closed = false
        var supervisor: Task<Void, Never>?
        var filters: [String] = []
        var watchers: [UInt64: AsyncStream<AMIConnectionState>.Continuation] = [:]
        var nextWatcher: UInt64 = 0
    }

    /// Creates a client; nothing happens on the network until ``connect()`` or ``run()``.
    public init(
        configuration: AMIClientConfiguration, logger: Logger = Logger(label: "asterisk.ami"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Creates a client from an `ami://user:secret@host:port` URL.
    public convenience init(url: String, logger: Logger = Logger(label: "asterisk.ami")) throws(AMIError) {
        self.init(configuration: try AMIClientConfiguration(url: url), logger: logger)
    }

    // MARK: - state

    /// The connection's current state.
    public var connectionState: AMIConnectionState { state.withLockedValue { $0.status } }

    /// The banner of the current connection, if connected.
    public var banner: AMIBanner? { state.withLockedValue { $0.connection?.banner } }

    /// A stream of state changes, starting with the current state; it ends when the client is closed.
    public func connectionStates() -> AsyncStream<AMIConnectionState> {
        let (stream, continuation) = AsyncStream.makeStream(of: AMIConnectionState.self)
        let id: UInt64? = state.withLockedValue { state in
            continuation.yield(state.status)
            guard !state.closed else { return nil }
            state.nextWatcher += 1
            state.watchers[state.nextWatcher] = continuation
            return state.nextWatcher
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLockedValue { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    private func setStatus(_ status: AMIConnectionState) {
        let watchers = state.withLockedValue { state -> [AsyncStream<AMIConnectionState>.Continuation] in
            state.status = status
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    // MARK: - lifecycle

    /// Connects and logs in, then keeps the connection alive (keepalive, reconnect) in the background.
    ///
    /// - Throws: ``AMIError`` `.connectionFailed`, `.authenticationFailed`, `.timeout`, or `.clientClosed`.
    public func connect() async throws {
        let proceed: Bool = try state.withLockedValue { state in
            if state.closed { throw AMIError(.clientClosed, "the client was closed; create a new one") }
            if state.status != .idle { return false }
            state.status = .connecting
            return true
        }
        guard proceed else { return }
        setStatus(.connecting)
        let connection: AMIConnection
        do {
            connection = try await establish()
        } catch {
            setStatus(.idle)
            throw error
        }
        let installed: Bool = state.withLockedValue { state in
            guard !state.closed else { return false }
            state.connection = connection
            state.supervisor = Task { [self] in await self.supervise(connection) }
            return true
        }
        guard installed else {
            connection.close(reason: AMIError(.clientClosed, "the client was closed while connecting"))
            throw AMIError(.clientClosed, "the client was closed while connecting")
        }
        setStatus(.connected(connection.banner))
    }

    /// Logs off (briefly waiting for `Goodbye`), closes the connection, ends every event stream.
    ///
    /// Pending actions fail with `.clientClosed`. Safe to call more than once and during a reconnect.
    public func close() async {
        let (connection, supervisor, watchers, wasClosed) = state.withLockedValue { state in
            let result = (state.connection, state.supervisor, Array(state.watchers.values), state.closed)
            state.closed = true
            state.connection = nil
            state.supervisor = nil
            state.watchers.removeAll()
            return result
        }
        guard !wasClosed else { return }
        if let connection {
            if let wait = configuration.logoffTimeout {
                let logoff = Task {
                    try await sendRaw(on: connection, action: "Logoff", headers: [], shape: .single, timeout: max(wait, .milliseconds(1)))
                }
                if wait > .zero { _ = try? await logoff.value }
            }
            connection.close(reason: AMIError(.clientClosed, "the client was closed"))
        }
        supervisor?.cancel()
        await supervisor?.value
        hub.finishAll(error: nil)
        state.withLockedValue { $0.status = .closed }
        for watcher in watchers {
            watcher.yield(.closed)
            watcher.finish()
        }
    }

    /// Connects, logs in and performs the whole exchange up to a usable session.
    private func establish() async throws -> AMIConnection {
        let loop = eventLoopGroup.next()
        let connection = try await AMIConnection.connect(
            configuration: configuration, eventLoop: loop, hub: hub, logger: logger)
        do {
            try await login(on: connection)
            for filter in state.withLockedValue({ $0.filters }) {
                _ = try await sendRaw(
                    on: connection, action: "Filter", headers: [.init(name: "Operation", value: "Add"), .init(name: "Filter", value: filter)],
                    shape: .single, timeout: configuration.actionTimeout)
            }
            return connection
        } catch {
            connection.close(reason: AMIError(.connectionClosed, "login did not complete"))
            throw error
        }
    }

    private func login(on connection: AMIConnection) async throws {
        var headers = [AMIHeader(name: "Username", value: configuration.username)]
        switch configuration.secret.method {
        case .plain:
            headers.append(AMIHeader(name: "Secret", value: configuration.secret.value))
        case .md5:
            let challenge = try await sendRaw(
                on: connection, action: "Challenge", headers: [.init(name: "AuthType", value: "MD5")], shape: .single,
                timeout: configuration.connectTimeout)
            guard let nonce = challenge["Challenge"] else {
                throw AMIError(.unexpectedResponse, "the Challenge response carried no challenge", action: "Challenge")
            }
            headers.insert(AMIHeader(name: "AuthType", value: "MD5"), at: 0)
            headers.append(AMIHeader(name: "Key", value: AMIClient.md5Key(challenge: nonce, secret: configuration.secret.value)))
        }
        headers.append(AMIHeader(name: "Events", value: configuration.events.headerValue))
        _ = try await sendRaw(on: connection, action: "Login", headers: headers, shape: .single, timeout: configuration.connectTimeout)
        logger.info(
            "AMI logged in",
            metadata: ["asterisk.user": "\(configuration.username)", "asterisk.host": "\(configuration.host):\(configuration.port)"])
    }

    /// The MD5 login key: lowercase hex of md5(challenge + secret).
    static func md5Key(challenge: String, secret: String) -> String {
        Insecure.MD5.hash(data: Array((challenge + secret).utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Keeps one connection alive until it ends, then reconnects as the policy says.
    private func supervise(_ first: AMIConnection) async {
        var connection = first
        while true {
            let reason = await watch(connection)
            if state.withLockedValue({ $0.closed }) { return }
            state.withLockedValue { $0.connection = nil }
            logger.warning("AMI connection lost", metadata: ["asterisk.error": "\(reason)"])
            hub.broadcast(.connectionLost(reason))
            guard configuration.reconnect.isEnabled, let next = await reconnect() else {
                if !state.withLockedValue({ $0.closed }) {
                    setStatus(.closed)
                    state.withLockedValue { $0.closed = true }
                    hub.finishAll(error: reason)
                }
                return
            }
            connection = next
        }
    }

    /// Waits for the connection to end while sending keepalive pings; returns why it ended.
    private func watch(_ connection: AMIConnection) async -> AMIError {
        guard let interval = configuration.keepAliveInterval else {
            return await connection.waitUntilClosed()
        }
        return await withTaskGroup(of: AMIError?.self) { group in
            group.addTask { await connection.waitUntilClosed() }
            group.addTask { [self] in
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: interval)
                    } catch {
                        return nil
                    }
                    do {
                        _ = try await sendRaw(
                            on: connection, action: "Ping", headers: [], shape: .single,
                            timeout: min(interval, configuration.actionTimeout))
                    } catch is CancellationError {
                        return nil
                    } catch {
                        let reason = AMIError(.timeout, "keepalive Ping failed: \(error)")
                        connection.close(reason: reason)
                        return nil
                    }
                }
                return nil
            }
            var reason: AMIError?
            while let result = await group.next() {
                if let result {
                    reason = result
                    group.cancelAll()
                }
            }
            return reason ?? AMIError(.connectionClosed, "the connection to Asterisk was closed")
        }
    }

    /// Tries to reconnect with backoff until it succeeds, the policy gives up, or the client is closed.
    private func reconnect() async -> AMIConnection? {
        var attempt = 0
        while true {
            if let limit = configuration.reconnect.maximumAttempts, attempt >= limit { return nil }
            setStatus(.reconnecting(attempt: attempt + 1))
            let delay = configuration.reconnect.delay(forAttempt: attempt, random: Double.random(in: 0..<1))
            do {
                try await Task.sleep(for: delay)
            } catch {
                return nil
            }
            if state.withLockedValue({ $0.closed }) { return nil }
            do {
                let connection = try await establish()
                let installed: Bool = state.withLockedValue { state in
                    guard !state.closed else { return false }
                    state.connection = connection
                    return true
                }
                guard installed else {
                    connection.close(reason: AMIError(.clientClosed, "the client was closed"))
                    return nil
                }
                reconnectsCounter.increment()
                setStatus(.connected(connection.banner))
                logger.info("AMI reconnected", metadata: ["asterisk.attempt": "\(attempt + 1)"])
                hub.broadcast(.reconnected)
                return connection
            } catch {
                logger.warning(
                    "AMI reconnect attempt failed",
                    metadata: ["asterisk.attempt": "\(attempt + 1)", "asterisk.error": "\(error)"])
                attempt += 1
            }
        }
    }

    // MARK: - actions

    /// Sends a typed action and returns its typed answer.
    ///
    /// - Parameter timeout: how long to wait for the complete answer (list events included); defaults
    ///   to the configuration's `actionTimeout`.
    /// - Throws: ``AMIError`` (`.actionFailed` for `Response: Error`, `.timeout`, `.connectionClosed`,
    ///   `.notConnected`, `.invalidHeader`), or `CancellationError` when the calling task is cancelled.
    public func send<Action: AMIAction>(_ action: Action, timeout: Duration? = nil) async throws -> Action.Response {
        let response = try await send(
            action: Action.actionName, headers: action.headers, shape: Action.responseShape, timeout: timeout)
        return try Action.Response(response: response)
    }

    /// Sends any action by name with headers in order, and returns the raw answer (with list events, if any).
    public func send(
        action: String, headers: [AMIHeader] = [], shape: AMIResponseShape = .automatic, timeout: Duration? = nil
    ) async throws -> AMIResponse {
        try await send(action: action, headers: headers, shape: shape, timeout: timeout, actionID: nil)
    }

    /// A fresh ActionID, for a caller that must know it before the action is sent.
    func nextActionID() -> String { actionIDs.next() }

    /// ``send(action:headers:shape:timeout:)`` with an ActionID chosen by the caller (nil: a fresh one).
    func send(
        action: String, headers: [AMIHeader], shape: AMIResponseShape, timeout: Duration?, actionID: String?
    ) async throws -> AMIResponse {
        guard let connection = state.withLockedValue({ $0.connection }) else {
            let status = connectionState
            throw AMIError(
                status == .closed ? .clientClosed : .notConnected, "cannot send \(action): the client is \(status)",
                action: action)
        }
        return try await sendRaw(
            on: connection, action: action, headers: headers, shape: shape, timeout: timeout ?? configuration.actionTimeout,
            actionID: actionID)
    }

    /// Sends any action by name with `Key: Value` pairs in order.
    public func send(
        action: String, _ headers: KeyValuePairs<String, String>, timeout: Duration? = nil
    ) async throws -> AMIResponse {
        try await send(action: action, headers: headers.map { AMIHeader(name: $0.key, value: $0.value) }, timeout: timeout)
    }

    private func sendRaw(
        on connection: AMIConnection, action: String, headers: [AMIHeader], shape: AMIResponseShape, timeout: Duration?,
        actionID chosen: String? = nil
    ) async throws -> AMIResponse {
        let actionID = chosen ?? actionIDs.next()
        var buffer = connection.channel.allocator.buffer(capacity: 64 + headers.count * 32)
        do {
            try AMIActionEncoder.encode(action: action, headers: headers, actionID: actionID, into: &buffer)
        } catch {
            throw error.with(action: action, actionID: actionID)
        }
        actionsCounter.increment()
        if logger.logLevel <= .trace {
            logger.trace("AMI action", metadata: ["asterisk.action": "\(action)", "asterisk.action_id": "\(actionID)"])
        }
        return try await connection.send(bytes: buffer, action: action, actionID: actionID, shape: shape, timeout: timeout)
    }

    // MARK: - server-side filters

    /// Adds a server-side event filter (`Filter` action, `Operation: Add`), restored after every reconnect.
    ///
    /// Asterisk's syntax applies: `Event: Newchannel` keeps only matching events, `!Event: VarSet` drops them.
    public func addFilter(_ expression: String) async throws {
        _ = try await send(
            action: "Filter", headers: [.init(name: "Operation", value: "Add"), .init(name: "Filter", value: expression)],
            shape: .single)
        state.withLockedValue { $0.filters.append(expression) }
    }

    /// The server-side filters that will be restored after a reconnect.
    public var filters: [String] { state.withLockedValue { $0.filters } }
}

extension AMIClient: Service {
    /// Connects and stays connected until graceful shutdown or cancellation, then closes.
    public func run() async throws {
        try await connect()
        try? await gracefulShutdown()
        await close()
    }
}
