import AsteriskNIOSupport
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A FastAGI server: Asterisk connects (`AGI(agi://host:4573/ivr?lang=de)`), the server reads the
/// environment, routes the call by script path and runs its handler with an ``AGIChannel``.
///
/// ```swift
/// let server = FastAGIServer(configuration: .init(port: 4573)) { router in
///     router.route("ivr") { call in
///         try await call.answer()
///         let pin = try await call.getData("enter-pin", timeout: .seconds(5), maxDigits: 4)
///         try await call.streamFile("thank-you")
///     }
/// }
/// try await server.run()       // or add it to a ServiceGroup
/// ```
///
/// A handler that throws is logged and its call ends cleanly (after an optional jump to
/// ``Configuration/priorityOnError``); calls beyond ``Configuration/maximumSessions`` are refused, and
/// a connection whose environment has not arrived within ``Configuration/environmentTimeout`` is closed;
/// graceful shutdown stops accepting and lets calls in progress finish within ``Configuration/shutdownGracePeriod``.
public final class FastAGIServer: Sendable {
    /// How the server listens and treats calls.
    public struct Configuration: Sendable {
        /// The address to bind; loopback unless you say otherwise.
        public var host: String
        /// The port; 4573 is FastAGI's; 0 picks a free one.
        public var port: Int
        /// Calls served at once; more are refused (their connection is closed at once).
        public var maximumSessions: Int
        /// How long a command may wait for Asterisk's reply before the call is closed; nil waits forever.
        public var idleTimeout: Duration?
        /// How long a new connection may take to send its whole environment before it is closed
        /// (Asterisk sends it at once; a silent peer must not hold a session); nil waits forever.
        public var environmentTimeout: Duration?
        /// How long calls in progress may run on after a graceful shutdown began.
        public var shutdownGracePeriod: Duration
        /// A priority (number or label) to jump to with `SET PRIORITY` when a handler throws.
        public var priorityOnError: String?
        /// The longest line accepted from Asterisk.
        public var maxLineLength: Int
        /// Whether call handlers run on their connection's event loop (fastest: a reply resumes the
        /// handler on the same thread). Turn it off for handlers that do blocking or CPU-heavy work,
        /// which would otherwise hold up the other calls on that loop.
        public var runsHandlersOnEventLoop: Bool

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1", port: Int = 4573, maximumSessions: Int = 10_000,
            idleTimeout: Duration? = .seconds(600), shutdownGracePeriod: Duration = .seconds(10),
            priorityOnError: String? = nil, maxLineLength: Int = 16 * 1024, runsHandlersOnEventLoop: Bool = true,
            environmentTimeout: Duration? = .seconds(10)
        ) {
            self.environmentTimeout = environmentTimeout
            self.runsHandlersOnEventLoop = runsHandlersOnEventLoop
            self.host = host
            self.port = port
            self.maximumSessions = maximumSessions
            self.idleTimeout = idleTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
            self.priorityOnError = priorityOnError
            self.maxLineLength = maxLineLength
        }
    }

    /// The configuration in force.
    public let configuration: Configuration
    let router: FastAGIRouter
    let logger: Logger
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())

    private struct State {
        var listener: Channel?
        var port = 0
        /// Calls in progress. A call ends when its handler has returned (or, if it never started,
        /// when its connection closed), so shutdown waits for handlers, not just sockets.
        var sessions: [UInt64: (channel: Channel, task: Task<Void, Never>?, accepted: NIODeadline)] = [:]
        var nextSession: UInt64 = 0
        /// Closes connections whose environment is late (see ``Configuration/environmentTimeout``).
        var sweeper: RepeatedTask?
        var accepting = true
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates a server; `routes` adds the handlers.
    public init(
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "asterisk.fastagi"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        routes: (inout FastAGIRouter) -> Void
    ) {
        var router = FastAGIRouter()
        routes(&router)
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.group = eventLoopGroup
    }

    /// The port the server listens on (after ``start()``).
    public var port: Int { state.withLockedValue { $0.port } }

    /// The number of calls being served.
    public var activeSessions: Int { state.withLockedValue { $0.sessions.count } }

    /// Binds and starts accepting calls; returns once listening.
    public func start() async throws {
        let maxLine = configuration.maxLineLength
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let id = admit(channel) else {
                        channel.close(promise: nil)
                        return
                    }
                    // Set here, synchronously: cheaper per call than a child channel option.
                    try channel.syncOptions?.setOption(.socketOption(.tcp_nodelay), value: 1)
                    let hungUp = NIOLockedValueBox(false)
                    let handler = AGIConnectionHandler(maxLineLength: maxLine, hungUp: hungUp, logger: logger) {
                        [self] environment, channel, handler in
                        launch(id: id, environment: environment, channel: channel, handler: handler, hungUp: hungUp)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    channel.closeFuture.whenComplete { [self] _ in connectionClosed(id: id) }
                }
            }
        let listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        let sweeper = configuration.environmentTimeout.map { startSweeping(timeout: $0) }
        state.withLockedValue {
            $0.listener = listener
            $0.port = listener.localAddress?.port ?? configuration.port
            $0.sweeper = sweeper
        }
        logger.info("FastAGI listening", metadata: ["asterisk.fastagi.address": "\(configuration.host):\(port)"])
    }

    /// Registers a new connection, or refuses it when the server is full or shutting down.
    private func admit(_ channel: Channel) -> UInt64? {
        state.withLockedValue { state -> UInt64? in
            guard state.accepting, state.sessions.count < configuration.maximumSessions else { return nil }
            state.nextSession += 1
            state.sessions[state.nextSession] = (channel, nil, .now())
            return state.nextSession
        }
    }

    /// Every quarter of `timeout` (10 ms to 1 s), closes the connections accepted longer than `timeout`
    /// ago whose environment has not arrived: one task for the server rather than a timer per call.
    private func startSweeping(timeout: Duration) -> RepeatedTask {
        let limit = TimeAmount(timeout)
        let interval = min(max(TimeAmount.nanoseconds(limit.nanoseconds / 4), .milliseconds(10)), .seconds(1))
        return group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            let cutoff = NIODeadline.now() - limit
            let late = state.withLockedValue { state in
                state.sessions.values.filter { $0.task == nil && $0.accepted <= cutoff }.map(\.channel)
            }
            for channel in late {
                logger.debug("FastAGI connection closed: no environment in time")
                channel.close(promise: nil)
            }
        }
    }

    /// Runs the routed handler for a call whose environment has arrived.
    private func launch(
        id: UInt64, environment: AGIEnvironment, channel: Channel, handler: NIOLoopBound<AGIConnectionHandler>,
        hungUp: NIOLockedValueBox<Bool>
    ) {
        let transport = AGIStreamTransport(
            environment: environment, channel: channel, handler: handler, hungUp: hungUp,
            defaultTimeout: configuration.idleTimeout)
        let call = AGIChannel(transport: transport, logger: logger)
        guard let route = router.handler(for: environment.script) else {
            call.logger.warning("FastAGI call for an unrouted script", metadata: ["asterisk.agi.script": "\(environment.script)"])
            channel.close(promise: nil)
            return
        }
        let priorityOnError = configuration.priorityOnError
        let body: @Sendable () async -> Void = {
            let failed = await call.runHandler(route)
            if failed, let priorityOnError, !transport.hangupObserved {
                _ = try? await call.send(AGICommand("SET PRIORITY", [priorityOnError]), timeout: .seconds(5))
            }
            transport.closeWithoutWaiting()
            self.finish(id: id)
        }
        let task: Task<Void, Never>
        if configuration.runsHandlersOnEventLoop, #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *) {
            task = Task(executorPreference: EventLoopTaskExecutor.forLoop(channel.eventLoop)) { await body() }
        } else {
            task = Task { await body() }
        }
        state.withLockedValue { $0.sessions[id]?.task = task }
    }

    /// A connection closed: a call whose handler never started ends here; otherwise its handler ends it.
    private func connectionClosed(id: UInt64) {
        let started = state.withLockedValue { $0.sessions[id]?.task != nil }
        if !started { finish(id: id) }
    }

    /// Forgets a finished call and wakes a waiting shutdown when the last one ends.
    private func finish(id: UInt64) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.sessions[id] = nil
            guard state.sessions.isEmpty else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops accepting calls, waits up to the grace period for calls in progress, then ends the rest.
    ///
    /// A call is in progress once its environment has arrived and its handler runs; a connection
    /// still being set up when the listener closes may be dropped (Asterisk then continues the dialplan).
    public func shutdown() async {
        let (listener, sweeper) = state.withLockedValue { state -> (Channel?, RepeatedTask?) in
            state.accepting = false
            defer {
                state.listener = nil
                state.sweeper = nil
            }
            return (state.listener, state.sweeper)
        }
        sweeper?.cancel()
        try? await listener?.close()
        let grace = configuration.shutdownGracePeriod
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                await withCheckedContinuation { continuation in
                    let done = state.withLockedValue { state -> Bool in
                        if state.sessions.isEmpty { return true }
                        state.drained.append(continuation)
                        return false
                    }
                    if done { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: grace) }
            await group.next()
            group.cancelAll()
            let remaining = state.withLockedValue { state -> [(Channel, Task<Void, Never>?)] in
                state.sessions.values.map { ($0.channel, $0.task) }
            }
            for (channel, task) in remaining {
                task?.cancel()
                channel.close(promise: nil)
            }
            if !remaining.isEmpty {
                logger.warning("FastAGI shutdown ended calls still running", metadata: ["asterisk.fastagi.calls": "\(remaining.count)"])
            }
        }
        // Wake the drain waiter if the grace period won.
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension FastAGIServer: Service {
    /// Serves until graceful shutdown or cancellation, then shuts down.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await shutdown()
    }
}
