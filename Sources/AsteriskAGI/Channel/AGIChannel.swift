import Logging

/// One call, seen through AGI: its environment and every AGI command as a typed async method.
///
/// The same `AGIChannel` is handed to your code by every transport (classic AGI on stdio, a
/// ``FastAGIServer``, AsyncAGI over AMI), so a call flow is written once:
///
/// ```swift
/// try await call.answer()
/// let pin = try await call.getData("enter-pin", timeout: .seconds(5), maxDigits: 4)
/// try await call.streamFile(pin.digits == "1234" ? "auth-thankyou" : "auth-incorrect")
/// ```
///
/// Typed methods throw ``AGIError``: `.hangup` once the call is gone, `.invalidCommand` (510),
/// `.deadChannel` (511), `.invalidSyntax` (520, with Asterisk's usage text), `.commandFailed`
/// (`result=-1`). ``send(_:timeout:)`` returns the raw ``AGIReply`` for anything else.
public final class AGIChannel: Sendable {
    /// The variables Asterisk sent when the session started.
    public let environment: AGIEnvironment
    /// The transport carrying this call's commands.
    public let transport: any AGITransport
    /// The logger the call was made with, without the call's metadata.
    private let baseLogger: Logger

    /// The logger for this call (carries `asterisk.channel` and `asterisk.uniqueid`); made when asked
    /// for, so calls that never log do not pay for the metadata.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "asterisk.channel"] = .string(environment.channel ?? "-")
        logger[metadataKey: "asterisk.uniqueid"] = .string(environment.uniqueID ?? "-")
        return logger
    }

    /// Wraps a transport.
    public init(transport: any AGITransport, logger: Logger = Logger(label: "asterisk.agi")) {
        self.transport = transport
        self.environment = transport.environment
        self.baseLogger = logger
    }

    /// Whether Asterisk has said the call hung up.
    public var isHungUp: Bool { transport.hangupObserved }

    /// Sends any command and returns Asterisk's reply as it is, whatever its code.
    public func send(_ command: AGICommand, timeout: Duration? = nil) async throws -> AGIReply {
        try command.validate()
        if baseLogger.logLevel <= .trace { logger.trace("AGI command", metadata: ["asterisk.agi.command": "\(command)"]) }
        return try await transport.execute(command, timeout: timeout)
    }

    /// Sends a command and turns 510, 511 and 520 replies into errors.
    @discardableResult
    func run(_ name: String, _ arguments: [String] = [], timeout: Duration? = nil) async throws -> AGIReply {
        let command = AGICommand(name, arguments)
        let reply = try await send(command, timeout: timeout)
        switch reply.code {
        case 200:
            return reply
        case 510:
            throw AGIError(.invalidCommand, "Asterisk does not know \(name)", command: name, replyLine: reply.line)
        case 511:
            throw AGIError(
                isHungUp ? .hangup : .deadChannel, "the channel is gone or in an intercept routine", command: name,
                replyLine: reply.line)
        case 520:
            throw AGIError(
                .invalidSyntax, "Asterisk rejected the syntax of \(command)", command: name, replyLine: reply.line,
                usage: reply.usage)
        default:
            throw AGIError(.malformedReply, "unexpected reply code \(reply.code)", command: name, replyLine: reply.line)
        }
    }

    /// Like ``run(_:_:timeout:)``, and `result=-1` becomes `.hangup` (when the call is gone) or `.commandFailed`.
    @discardableResult
    func runChecked(_ name: String, _ arguments: [String] = [], timeout: Duration? = nil) async throws -> AGIReply {
        let reply = try await run(name, arguments, timeout: timeout)
        if reply.result == -1 {
            throw AGIError(
                isHungUp ? .hangup : .commandFailed, isHungUp ? "the call hung up" : "\(name) failed", command: name,
                replyLine: reply.line)
        }
        return reply
    }

    /// Runs a server's call handler: Asterisk ending the call is logged at debug level, any other
    /// failure at error level. Returns whether the handler failed (rather than the call ending).
    func runHandler(_ handler: @Sendable (AGIChannel) async throws -> Void) async -> Bool {
        do {
            try await handler(self)
            return false
        } catch let error as AGIError where error.code == .hangup || error.code == .connectionClosed {
            logger.debug("AGI call ended by Asterisk", metadata: ["asterisk.error": "\(error)"])
            return false
        } catch {
            logger.error("AGI handler failed", metadata: ["asterisk.error": "\(error)"])
            return true
        }
    }

    /// Ends the AGI session; the call goes on in the dialplan unless it was hung up.
    public func close() async {
        await transport.close()
    }
}

extension Duration {
    /// Whole milliseconds, as AGI timeouts are written.
    var agiMilliseconds: String {
        let (seconds, attoseconds) = components
        return String(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Whole seconds, for the commands that take seconds.
    var agiSeconds: String { String(components.seconds) }
}
