import AsteriskAMI
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// An in-process Asterisk Manager Interface on loopback, speaking AMI as Asterisk 23 does.
///
/// It greets with a banner, checks plain and MD5 logins against ``FakeAMIUser`` accounts and their
/// permissions, answers Ping, Command, CoreSettings, CoreStatus, CoreShowChannels, Status, Events,
/// Filter, UserEvent, Getvar/Setvar, DBGet/DBPut/DBDel, Hangup and Originate (which plays out a call
/// as events), lets tests add handlers for any action, push events, and inject faults.
///
/// ```swift
/// let server = try await FakeAMIServer.start()
/// let client = AMIClient(configuration: .init(port: server.port, username: "admin", secret: .plain("secret")))
/// try await client.connect()
/// ```
public final class FakeAMIServer: Sendable {
    /// How the fake server is set up.
    public struct Configuration: Sendable {
        /// The address to listen on (loopback by default).
        public var host: String
        /// The port; 0 picks a free one.
        public var port: Int
        /// The accounts that may log in.
        public var users: [FakeAMIUser]
        /// The AMI version in the banner.
        public var amiVersion: String
        /// The Asterisk version reported by CoreSettings and `core show version`.
        public var asteriskVersion: String
        /// Server-side TLS settings; nil serves clear text.
        public var tls: TLSConfiguration?

        /// Creates a configuration; the default account is `admin` / `secret` with every permission.
        public init(
            host: String = "127.0.0.1", port: Int = 0,
            users: [FakeAMIUser] = [FakeAMIUser(username: "admin", secret: "secret")],
            amiVersion: String = "12.0.0", asteriskVersion: String = "23.4.1", tls: TLSConfiguration? = nil
        ) {
            self.tls = tls
            self.host = host
            self.port = port
            self.users = users
            self.amiVersion = amiVersion
            self.asteriskVersion = asteriskVersion
        }
    }

    /// The configuration in force.
    public let configuration: Configuration
    let logger: Logger
    let state: NIOLockedValueBox<FakeAMIServerState>
    let asyncAGI = FakeAsyncAGISessions()
    private let listener = NIOLockedValueBox<Channel?>(nil)
    private let boundPort = NIOLockedValueBox<Int>(0)

    private init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.state = NIOLockedValueBox(FakeAMIServerState(users: configuration.users, asteriskVersion: configuration.asteriskVersion))
    }

    /// Starts a server and returns once it is listening.
    public static func start(
        _ configuration: Configuration = Configuration(), logger: Logger = Logger(label: "asterisk.fake-ami")
    ) async throws -> FakeAMIServer {
        let server = FakeAMIServer(configuration: configuration, logger: logger)
        try await server.bind(port: configuration.port)
        return server
    }

    private func bind(port: Int) async throws {
        let sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    let session = FakeAMISession(server: self, channel: channel)
                    try channel.pipeline.syncOperations.addHandler(FakeAMISessionHandler(session: session))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: port).get()
        listener.withLockedValue { $0 = channel }
        boundPort.withLockedValue { $0 = channel.localAddress?.port ?? port }
    }

    /// The port the server listens on.
    public var port: Int { boundPort.withLockedValue { $0 } }

    /// An `ami://` URL for one of the configured users.
    public func url(username: String = "admin", secret: String = "secret") -> String {
        "ami://\(username):\(secret)@\(configuration.host):\(port)"
    }

    /// Stops listening and drops every session.
    public func stop() async {
        let channel = listener.withLockedValue { channel -> Channel? in
            defer { channel = nil }
            return channel
        }
        try? await channel?.close()
        dropAllConnections()
    }

    /// Listens again on the same port after ``stop()`` (Asterisk "restarting").
    public func restart() async throws {
        try await bind(port: port)
    }

    // MARK: - sessions and events

    /// The number of connected sessions (logged in or not).
    public var sessionCount: Int { state.withLockedValue { $0.sessions.count } }

    /// The number of logged-in sessions.
    public var loggedInSessionCount: Int { state.withLockedValue { $0.sessions.values.filter { $0.isLoggedIn }.count } }

    /// Every action received so far, in order, across sessions.
    public var receivedActions: [AMIMessage] { state.withLockedValue { $0.received } }

    /// Stops (or resumes) keeping every action in ``receivedActions`` (for long or heavy runs).
    public func recordActions(_ record: Bool) {
        state.withLockedValue {
            $0.recordsActions = record
            if !record { $0.received.removeAll() }
        }
    }

    /// Sends an event to every logged-in session whose event mask and filters let it through.
    public func emit(_ event: AMIEvent) {
        let sessions = state.withLockedValue { Array($0.sessions.values) }
        for session in sessions { session.deliver(event) }
    }

    /// Sends an event built from a name and headers.
    public func emit(event name: String, _ headers: KeyValuePairs<String, String> = [:]) {
        emit(AMIEvent(name: name, headers: headers.map { AMIHeader(name: $0.key, value: $0.value) }))
    }

    /// Sends `count` copies of `event` to every session in large writes, returning when the sockets took them all.
    public func flood(_ event: AMIEvent, count: Int) async {
        await flood(cycling: [event], count: count)
    }

    /// Sends `count` events to every session, taking `events` in turn, in large writes.
    public func flood(cycling events: [AMIEvent], count: Int) async {
        let sessions = state.withLockedValue { Array($0.sessions.values) }
        for session in sessions { await session.flood(events, count: count) }
    }

    // MARK: - behaviour

    /// Handles `action` with `handler` instead of the built-in behaviour (or adds an action the fake lacks).
    public func onAction(
        _ action: String, _ handler: @escaping @Sendable (FakeAMIRequest) async throws -> FakeAMIReply
    ) {
        state.withLockedValue { $0.handlers[action.lowercased()] = handler }
    }

    /// Adds a CLI command for the `Command` action, answering with `output` lines.
    public func addCLICommand(_ command: String, output: [String]) {
        state.withLockedValue { $0.cliCommands[command.lowercased()] = output }
    }

    /// Decides how originated calls end; the default answers every call.
    public func setOriginateOutcome(_ decide: @escaping @Sendable (FakeAMIRequest) -> FakeCallOutcome) {
        state.withLockedValue { $0.originateOutcome = decide }
    }

    /// The channels the server pretends to have.
    public var channels: [FakeChannel] { state.withLockedValue { Array($0.channels.values).sorted { $0.uniqueID < $1.uniqueID } } }

    /// Adds a channel (it shows in CoreShowChannels and Status) and emits `Newchannel`.
    public func addChannel(_ channel: FakeChannel) {
        state.withLockedValue { $0.channels[channel.uniqueID] = channel }
        emit(AMIEvent(name: "Newchannel", headers: channel.snapshotHeaders()))
    }

    /// Removes a channel; with `emitHangup` false no `Hangup` goes out, as when a client misses it.
    /// A channel in a bridge leaves it first (`BridgeLeave`), one waiting in a queue abandons it.
    public func removeChannel(_ uniqueID: String, cause: Int = 16, emitHangup: Bool = true) {
        guard let (channel, before) = state.withLockedValue({ $0.removeChannel(uniqueID) }), emitHangup else { return }
        before.forEach(emit)
        emit(AMIEvent(name: "Hangup", headers: channel.snapshotHeaders() + [
            AMIHeader(name: "Cause", value: String(cause)), AMIHeader(name: "Cause-txt", value: FakeCallSimulator.causeText(cause)),
        ]))
    }

    // MARK: - faults

    /// Closes every client connection at once, as a crash or network cut would.
    public func dropAllConnections() {
        let sessions = state.withLockedValue { Array($0.sessions.values) }
        for session in sessions { session.channel.close(mode: .all, promise: nil) }
    }

    /// Delays every answer to `action` by `delay`.
    public func delayResponses(to action: String, by delay: Duration) {
        state.withLockedValue { $0.delays[action.lowercased()] = delay }
    }

    /// Never answers `action` (the client must time out).
    public func neverRespond(to action: String) {
        _ = state.withLockedValue { $0.silenced.insert(action.lowercased()) }
    }

    /// Removes injected delays and silences.
    public func clearFaults() {
        state.withLockedValue {
            $0.delays.removeAll()
            $0.silenced.removeAll()
        }
    }

    /// Writes raw bytes to every session (garbage, partial frames, oversized lines).
    public func sendRaw(_ bytes: [UInt8]) {
        let sessions = state.withLockedValue { Array($0.sessions.values) }
        for session in sessions { session.writeRaw(bytes) }
    }

    /// Writes raw bytes to every session and waits until the sockets took them (so a large
    /// payload sent in pieces is not all buffered at once); returns how many sessions took them.
    @discardableResult
    public func sendRawAndWait(_ bytes: [UInt8]) async -> Int {
        let sessions = state.withLockedValue { Array($0.sessions.values) }
        var took = 0
        for session in sessions where await session.writeRawAndWait(bytes) { took += 1 }
        return took
    }

    /// Stops reading from every client (a hung server: the clients' writes pile up), or resumes.
    public func setReading(_ reading: Bool) {
        let sessions = state.withLockedValue { Array($0.sessions.values) }
        for session in sessions { session.setReading(reading) }
    }

    /// Waits until at least `count` sessions are logged in (polling briefly, at most `timeout`).
    public func waitForLoggedInSessions(_ count: Int, timeout: Duration = .seconds(5)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while loggedInSessionCount < count {
            if clock.now > deadline {
                throw AMIError(.timeout, "fewer than \(count) sessions logged in within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// The mutable state shared by the server's sessions.
struct FakeAMIServerState {
    var users: [FakeAMIUser]
    var asteriskVersion: String
    var sessions: [ObjectIdentifier: FakeAMISession] = [:]
    var received: [AMIMessage] = []
    var recordsActions = true
    var handlers: [String: @Sendable (FakeAMIRequest) async throws -> FakeAMIReply] = [:]
    var cliCommands: [String: [String]] = [:]
    var delays: [String: Duration] = [:]
    var silenced: Set<String> = []
    var globals: [String: String] = [:]
    var database: [String: String] = [:]
    var channels: [String: FakeChannel] = [:]
    var bridges: [String: FakeBridge] = [:]
    var queues: [String: FakeQueue] = [:]
    var originateOutcome: @Sendable (FakeAMIRequest) -> FakeCallOutcome = { _ in .answer() }
    var nextUniqueID = 1
    var nextLocalID = 0
    let startTime = ContinuousClock.now

    init(users: [FakeAMIUser], asteriskVersion: String) {
        self.users = users
        self.asteriskVersion = asteriskVersion
    }

    mutating func makeUniqueID() -> String {
        defer { nextUniqueID += 1 }
        return "1795407245.\(nextUniqueID)"
    }
}
