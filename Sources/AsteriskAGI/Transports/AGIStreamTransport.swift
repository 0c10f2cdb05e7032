import NIOConcurrencyHelpers
import NIOCore

/// The ``AGITransport`` of one byte-stream session: a FastAGI connection or classic AGI stdin/stdout.
final class AGIStreamTransport: AGITransport {
    let environment: AGIEnvironment
    let channel: Channel
    private let handler: NIOLoopBound<AGIConnectionHandler>
    private let hungUp: NIOLockedValueBox<Bool>
    /// The timeout of commands that bring none (FastAGI's idle timeout).
    private let defaultTimeout: Duration?

    init(
        environment: AGIEnvironment, channel: Channel, handler: NIOLoopBound<AGIConnectionHandler>,
        hungUp: NIOLockedValueBox<Bool>, defaultTimeout: Duration? = nil
    ) {
        self.environment = environment
        self.channel = channel
        self.handler = handler
        self.hungUp = hungUp
        self.defaultTimeout = defaultTimeout
    }

    var hangupObserved: Bool { hungUp.withLockedValue { $0 } }

    func execute(_ command: AGICommand, timeout: Duration?) async throws -> AGIReply {
        // AGIChannel.send validated the command; this transport is only reached through it.
        var encoded = channel.allocator.buffer(capacity: 64)
        command.encodeValidated(into: &encoded)
        let bytes = encoded
        let handler = self.handler
        let name = command.name
        let amount = (timeout ?? defaultTimeout).map { TimeAmount($0) }
        let eventLoop = channel.eventLoop
        return try await withTaskCancellationHandler {
            // The handler resumes the continuation with the reply or with the error that ended the session.
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<AGIReply, any Error>) in
                if eventLoop.inEventLoop {
                    handler.value.submit(bytes, command: name, timeout: amount, continuation: continuation)
                } else {
                    eventLoop.execute {
                        handler.value.submit(bytes, command: name, timeout: amount, continuation: continuation)
                    }
                }
            }
        } onCancel: {
            // A command cannot be taken back; closing is the only way to stay in step.
            eventLoop.execute {
                handler.value.close(reason: AGIError(.connectionClosed, "the command's task was cancelled", command: name))
            }
        }
    }

    func close() async {
        try? await channel.close()
    }

    /// Starts closing without waiting (on the event loop the close is done when this returns).
    func closeWithoutWaiting() {
        channel.close(promise: nil)
    }
}
