import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The NIO edge of one AGI session (a FastAGI connection, or a classic script's stdin and stdout):
/// reads the environment, then pairs each reply with the command that is waiting for it (AGI is
/// strictly one command at a time) and notes `HANGUP` notices.
final class AGIConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let reader: AGILineReader
    private var environmentParser: AGIEnvironmentParser? = AGIEnvironmentParser()
    private var replyParser = AGIReplyParser()
    private var buffer: ByteBuffer?
    private var pending: (continuation: UnsafeContinuation<AGIReply, any Error>, deadline: NIODeadline?, command: String)?
    /// One timer per connection, re-armed lazily: commands only record their deadline.
    private var timer: Scheduled<Void>?
    private var closeReason: AGIError?
    private var context: ChannelHandlerContext?
    /// Set when Asterisk says `HANGUP`; read by the transport from any thread.
    let hungUp: NIOLockedValueBox<Bool>
    private let onEnvironment: (AGIEnvironment, Channel, NIOLoopBound<AGIConnectionHandler>) -> Void
    private let logger: Logger

    init(
        maxLineLength: Int, hungUp: NIOLockedValueBox<Bool>, logger: Logger,
        onEnvironment: @escaping (AGIEnvironment, Channel, NIOLoopBound<AGIConnectionHandler>) -> Void
    ) {
        self.reader = AGILineReader(maxLineLength: maxLineLength)
        self.hungUp = hungUp
        self.logger = logger
        self.onEnvironment = onEnvironment
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffer == nil || buffer!.readableBytes == 0 { buffer = incoming } else { buffer!.writeBuffer(&incoming) }
        do {
            if var parser = environmentParser {
                // Parsed from bytes, with the stored parser released so its entries are not copied per line.
                environmentParser = nil
                var environment: AGIEnvironment?
                while environment == nil,
                    let outcome = try reader.withNextLine(from: &buffer!, { (line) throws(AGIError) in try parser.feed(bytes: line) })
                {
                    environment = outcome
                }
                if let environment {
                    onEnvironment(environment, context.channel, NIOLoopBound(self, eventLoop: context.channel.eventLoop))
                } else {
                    environmentParser = parser
                }
            }
            while let line = try reader.nextLine(from: &buffer!) {
                try handle(line, channel: context.channel)
            }
        } catch let error as AGIError {
            fail(error, context: context)
            return
        } catch {
            fail(AGIError(.malformedReply, "\(error)"), context: context)
            return
        }
        if buffer!.readableBytes == 0 { buffer = nil } else if buffer!.readerIndex > 16 * 1024 { buffer!.discardReadBytes() }
    }

    private func handle(_ line: String, channel: Channel) throws {
        try replyParser.feed(line: line) { output in
            switch output {
            case .hangup:
                hungUp.withLockedValue { $0 = true }
            case .reply(let reply):
                guard let waiting = pending else {
                    logger.debug("AGI reply with no command waiting dropped", metadata: ["asterisk.agi.reply": "\(reply.line)"])
                    return
                }
                pending = nil
                waiting.continuation.resume(returning: reply)
            }
        }
    }

    private func fail(_ error: AGIError, context: ChannelHandlerContext) {
        logger.warning("AGI protocol error, closing the session", metadata: ["asterisk.error": "\(error)"])
        if closeReason == nil { closeReason = error }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if closeReason == nil { closeReason = AGIError(.connectionClosed, "the connection failed: \(error)") }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if let waiting = pending {
            pending = nil
            let gone = hungUp.withLockedValue { $0 }
            waiting.continuation.resume(
                throwing: closeReason
                    ?? AGIError(
                        gone ? .hangup : .connectionClosed,
                        gone ? "the call hung up" : "Asterisk closed the AGI connection", command: waiting.command))
        }
        context.fireChannelInactive()
    }

    /// Writes one command and remembers who waits for its reply (on the event loop); the continuation
    /// is resumed exactly once: with the reply, or with the error that ended the session.
    func submit(
        _ bytes: ByteBuffer, command: String, timeout: TimeAmount?, continuation: UnsafeContinuation<AGIReply, any Error>
    ) {
        guard let context, context.channel.isActive else {
            continuation.resume(throwing: closeReason ?? AGIError(.connectionClosed, "the AGI connection is closed", command: command))
            return
        }
        guard pending == nil else {
            continuation.resume(throwing: AGIError(.invalidArgument, "another command is still waiting for its reply", command: command))
            return
        }
        let deadline = timeout.map { NIODeadline.now() + $0 }
        pending = (continuation, deadline, command)
        if let deadline, timer == nil { arm(at: deadline, context: context) }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    private func arm(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { bound.value.timerFired() }
    }

    /// Closes the call if the waiting command is overdue (it can no longer be kept in step); otherwise
    /// re-arms for the waiting command's deadline.
    private func timerFired() {
        timer = nil
        guard let waiting = pending, let deadline = waiting.deadline, let context else { return }
        if deadline <= .now() {
            closeReason = AGIError(.timeout, "no reply from Asterisk in time", command: waiting.command)
            context.close(promise: nil)
        } else {
            arm(at: deadline, context: context)
        }
    }

    /// Closes the call (on the event loop).
    func close(reason: AGIError) {
        if closeReason == nil { closeReason = reason }
        context?.close(promise: nil)
    }
}
