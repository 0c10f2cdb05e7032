import AsteriskAMI
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Serves calls that enter AsyncAGI (`AGI(agi:async)` in the dialplan) over an ``AsteriskAMI/AMIClient``.
///
/// Each `AsyncAGIStart` becomes an ``AGIChannel`` handed to `handler`; its commands travel as the
/// `AGI` action and complete on the matching `AsyncAGIExec`. `AsyncAGIEnd`, a `Hangup` or the loss of
/// the AMI connection ends the channel (waiting commands fail at once). When the handler returns, the
/// call continues in the dialplan (`ASYNCAGI BREAK`).
///
/// ```swift
/// let ami = AMIClient(configuration: .init(username: "app", secret: .md5("s3cret")))
/// try await ami.connect()
/// let server = AsyncAGIServer(client: ami) { call in
///     try await call.answer()
///     try await call.streamFile("hello-world")
/// }
/// try await server.run()
/// ```
public final class AsyncAGIServer: Sendable {
    /// The AMI client carrying the session.
    public let client: AMIClient
    let handler: @Sendable (AGIChannel) async throws -> Void
    let logger: Logger
    private let channels = NIOLockedValueBox<[String: AsyncAGITransport]>([:])

    /// Creates a server; nothing happens until ``run()``.
    public init(
        client: AMIClient, logger: Logger = Logger(label: "asterisk.asyncagi"),
        handler: @escaping @Sendable (AGIChannel) async throws -> Void
    ) {
        self.client = client
        self.logger = logger
        self.handler = handler
    }

    /// The number of calls being served.
    public var activeCalls: Int { channels.withLockedValue { $0.count } }

    /// Dispatches AsyncAGI events until cancelled, graceful shutdown, or the end of the AMI event stream.
    public func run() async throws {
        let subscription = client.subscribe(.names("AsyncAGIStart", "AsyncAGIExec", "AsyncAGIEnd", "Hangup"))
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    for try await item in subscription {
                        switch item {
                        case .event(let event):
                            dispatch(event, group: &group)
                        case .connectionLost(let error):
                            endAll(AGIError(.connectionClosed, "the AMI connection was lost: \(error.message)"))
                        case .reconnected, .eventsDropped:
                            break
                        }
                    }
                    endAll(AGIError(.connectionClosed, "the AsyncAGI server stopped"))
                }
            } onCancel: {
                subscription.cancel()
            }
        } onGracefulShutdown: {
            subscription.cancel()
        }
    }

    private func dispatch(_ event: AMIEvent, group: inout ThrowingDiscardingTaskGroup<any Error>) {
        guard let name = event["Channel"] else { return }
        switch true {
        case event.isNamed("AsyncAGIStart"):
            do {
                let environment = try AGIEnvironmentParser.parse(asyncEnv: event["Env"] ?? "")
                let transport = AsyncAGITransport(environment: environment, channelName: name, client: client)
                channels.withLockedValue { $0[name] = transport }
                let call = AGIChannel(transport: transport, logger: logger)
                group.addTask { [self] in
                    _ = await call.runHandler(handler)
                    await transport.close()
                    channels.withLockedValue { if $0[name] === transport { $0[name] = nil } }
                }
            } catch {
                logger.warning("AsyncAGIStart with an unreadable Env", metadata: ["asterisk.error": "\(error)"])
            }
        case event.isNamed("AsyncAGIExec"):
            let transport = channels.withLockedValue { $0[name] }
            transport?.received(commandID: event["CommandID"] ?? "", result: event["Result"] ?? "")
        case event.isNamed("AsyncAGIEnd"):
            channels.withLockedValue { $0[name] }?.end(AGIError(.hangup, "the channel left AsyncAGI"), hungUp: false)
        default:
            channels.withLockedValue { $0[name] }?.end(AGIError(.hangup, "the call hung up"), hungUp: true)
        }
    }

    private func endAll(_ reason: AGIError) {
        for transport in channels.withLockedValue({ Array($0.values) }) { transport.end(reason, hungUp: false) }
    }
}

extension AsyncAGIServer: Service {}
