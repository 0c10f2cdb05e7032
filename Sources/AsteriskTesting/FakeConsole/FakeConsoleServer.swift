import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A fake Asterisk control socket (`asterisk.ctl`) on a real UNIX socket: it greets with
/// `hostname/pid/version`, answers a few CLI commands (and any you add) the way Asterisk prints them,
/// takes `cli quit after`, `core set verbose atleast N silent` and `logger mute silent`, and sends
/// verbose and log lines to the consoles that asked for them.
public final class FakeConsoleServer: Sendable {
    /// The socket's path.
    public let socketPath: String
    /// The greeting's parts.
    public let hostname: String
    /// The process id in the greeting.
    public let pid: Int
    /// The version in the greeting.
    public let version: String
    let state = NIOLockedValueBox(FakeConsoleState())
    private let listener = NIOLockedValueBox<Channel?>(nil)

    private init(socketPath: String, hostname: String, pid: Int, version: String) {
        self.socketPath = socketPath
        self.hostname = hostname
        self.pid = pid
        self.version = version
    }

    /// Starts a server on `socketPath` (a fresh path in the temporary directory when nil).
    public static func start(
        socketPath: String? = nil, hostname: String = "fakepbx", pid: Int = 4242, version: String = "23.4.1"
    ) async throws -> FakeConsoleServer {
        let path = socketPath ?? FileManager.default.temporaryDirectory.appendingPathComponent("asterisk-\(UUID().uuidString.prefix(8)).ctl").path
        let server = FakeConsoleServer(socketPath: path, hostname: hostname, pid: pid, version: version)
        try await server.listen()
        return server
    }

    private func listen() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FakeConsoleHandler(server: self))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true).get()
        listener.withLockedValue { $0 = channel }
    }

    /// Stops listening and drops every console (Asterisk going away); the socket file is removed.
    public func stop() async {
        let channel = listener.withLockedValue { state -> Channel? in
            defer { state = nil }
            return state
        }
        try? await channel?.close()
        let consoles = state.withLockedValue { state -> [Channel] in
            defer { state.consoles = [:] }
            return state.consoles.values.map(\.channel)
        }
        for console in consoles { try? await console.close() }
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// Listens again on the same path after ``stop()`` (Asterisk restarted).
    public func restart() async throws {
        try await listen()
    }

    /// Answers `command` with `output` lines from now on.
    public func setCommand(_ command: String, output: [String]) {
        state.withLockedValue { $0.commands[command] = output }
    }

    /// Stops answering `command` (an Asterisk stuck in it), or closes the console mid-output when
    /// `closeConnection` (an Asterisk that goes away during the command).
    public func stall(on command: String, closeConnection: Bool = false) {
        state.withLockedValue { $0.stalls[command] = closeConnection }
    }

    /// Every command received, in order.
    public var receivedCommands: [String] { state.withLockedValue { $0.received } }

    /// The number of consoles connected.
    public var consoleCount: Int { state.withLockedValue { $0.consoles.count } }

    /// Sends a verbose line (level 0–10) to every unmuted console whose verbosity is at least `level`.
    public func emitVerbose(_ text: String, level: Int) {
        let magic = UInt8(bitPattern: Int8(-min(max(level, 0), 10) - 1))
        broadcast([magic] + Array((text + "\n").utf8)) { $0.verbosity >= level }
    }

    /// Sends a log line (`NOTICE`, `WARNING`, `ERROR`, …) in Asterisk's console format, coloured, to every unmuted console.
    public func emitLog(
        level: String, message: String, file: String = "pbx.c", line: Int = 4242, function: String = "pbx_exec", callID: String? = nil
    ) {
        let bold = "\u{1B}[1;37m", reset = "\u{1B}[0m", yellow = "\u{1B}[1;33m"
        let text = "[Nov 23 04:13:10] \(yellow)\(level)\(reset)[\(pid)]\(callID.map { "[\($0)]" } ?? ""): "
            + "\(bold)\(file)\(reset):\(bold)\(line)\(reset) \(bold)\(function)\(reset): \(message)\n"
        broadcast(Array(text.utf8)) { _ in true }
    }

    /// Sends `count` verbose lines at once to every console listening (to test a slow reader).
    public func floodVerbose(count: Int, level: Int = 1) {
        let magic = UInt8(bitPattern: Int8(-level - 1))
        var bytes: [UInt8] = []
        for index in 0..<count { bytes += [magic] + Array("    -- flood line \(index)\n".utf8) }
        broadcast(bytes) { $0.verbosity >= level }
    }

    private func broadcast(_ bytes: [UInt8], to wants: (FakeConsoleState.Console) -> Bool) {
        let targets = state.withLockedValue { $0.consoles.values.filter { !$0.muted && wants($0) }.map(\.channel) }
        for channel in targets { channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil) }
    }

    /// The greeting line.
    var greeting: String { "\(hostname)/\(pid)/\(version)\n" }
}

/// The fake's state.
struct FakeConsoleState: @unchecked Sendable {  // channels are written through their event loops
    struct Console {
        let channel: Channel
        var verbosity = 0
        var muted = true
    }

    var consoles: [ObjectIdentifier: Console] = [:]
    var commands: [String: [String]] = [:]
    var stalls: [String: Bool] = [:]
    var received: [String] = []
}
