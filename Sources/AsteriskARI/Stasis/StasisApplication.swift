import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// A Stasis application: every channel that enters it (`Stasis(name)` in the dialplan, or an
/// originate to it) is handed to your handler with a ``StasisChannel``, and the channel's events reach
/// that handle only.
///
/// ```swift
/// let app = StasisApplication(name: "ivr", client: ari) { call in
///     try await call.answer()
///     try await call.play("sound:hello-world")
///     let pin = try await call.collectDigits(maxDigits: 4, terminators: ["#"])
///     try await call.play(pin.digits == "1234" ? "sound:auth-thankyou" : "sound:auth-incorrect")
///     try await call.hangup()
/// }
/// try await app.run()
/// ```
///
/// Each handler runs in its own child task: a handler that throws is logged and its channel hung up
/// (see ``Configuration``); other calls go on. ``run()`` reconnects the events WebSocket when it is
/// lost and, once back, ends the handles of channels that vanished meanwhile.
public final class StasisApplication: Sendable {
    /// How the application treats its calls.
    public struct Configuration: Sendable {
        /// Reconnection of the events WebSocket.
        public var reconnect: ARIReconnectPolicy
        /// Hang up a channel whose handler threw.
        public var hangUpWhenHandlerFails: Bool
        /// Hang up a channel whose handler returned while the channel was still in the application.
        public var hangUpWhenHandlerReturns: Bool

        /// Creates a configuration.
        public init(reconnect: ARIReconnectPolicy = .exponential(), hangUpWhenHandlerFails: Bool = true, hangUpWhenHandlerReturns: Bool = false) {
            self.reconnect = reconnect
            self.hangUpWhenHandlerFails = hangUpWhenHandlerFails
            self.hangUpWhenHandlerReturns = hangUpWhenHandlerReturns
        }
    }

    /// The handler of one call.
    public typealias Handler = @Sendable (StasisChannel) async throws -> Void

    /// The application's name.
    public let name: String
    /// The client its requests go through.
    public let client: ARIClient
    /// Its configuration.
    public let configuration: Configuration
    let logger: Logger
    let handler: Handler
    let registry = NIOLockedValueBox(StasisRegistry())

    /// Creates an application; nothing happens until ``run()``.
    public init(
        name: String, client: ARIClient, configuration: Configuration = .init(), logger: Logger = Logger(label: "asterisk.stasis"),
        handler: @escaping Handler
    ) {
        self.name = name
        self.client = client
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "asterisk.ari.app"] = .string(name)
        self.logger = logger
        self.handler = handler
    }

    /// The channels in the application now.
    public var activeChannelCount: Int { registry.withLockedValue { $0.channels.count } }

    /// Registers the application (opens its events WebSocket); ``run()`` does it when not done yet.
    public func start() async throws(ARIError) {
        if registry.withLockedValue({ $0.subscription != nil }) { return }
        let subscription = try await client.events(apps: [name], reconnect: configuration.reconnect)
        let extra = registry.withLockedValue { state -> ARIEventSubscription? in
            if state.subscription != nil { return subscription }
            state.subscription = subscription
            return nil
        }
        extra?.close()
    }

    /// Serves calls until ``stop()``, a graceful shutdown of the service group, or cancellation (or
    /// until the events WebSocket is lost for good, which throws); returns after every handler has finished.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await serveCalls()
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    private func serveCalls() async throws {
        try await start()
        guard let subscription = registry.withLockedValue({ $0.subscription }) else { return }
        var failure: (any Error)?
        await withDiscardingTaskGroup { group in
            do {
                for try await element in subscription {
                    switch element {
                    case .event(let event):
                        if let call = dispatch(event) {
                            group.addTask { await self.serve(call) }
                        }
                    case .connectionLost(let error):
                        logger.warning("Stasis application lost its events WebSocket", metadata: ["asterisk.error": "\(error)"])
                    case .reconnected:
                        group.addTask { await self.reconcile() }
                    }
                }
            } catch {
                failure = error
            }
            endAll(ARIError(.applicationStopped, "the Stasis application \(name) stopped"))
        }
        if let failure { throw failure }
    }

    /// Stops taking calls: closes the events WebSocket and ends every channel's waits with `.applicationStopped`.
    public func stop() {
        let subscription = registry.withLockedValue { $0.subscription }
        subscription?.close()
        endAll(ARIError(.applicationStopped, "the Stasis application \(name) stopped"))
    }

    /// Creates a bridge (mixing by default) to join channels with.
    public func createBridge(type: String = "mixing", name: String? = nil) async throws(ARIError) -> StasisBridge {
        let bridge = try await client.send(ARIOperations.Bridges.create(type: type, bridgeID: "br-" + UUID().uuidString.lowercased(), name: name))
        return StasisBridge(id: bridge.id, client: client)
    }

    /// Calls `endpoint` into this application and returns the channel once it has answered and entered
    /// it (it is not given to the handler). Throws `.callFailed` when the call ends first, `.timeout`
    /// when it does not answer within `timeout`.
    public func originate(
        endpoint: String, callerID: String? = nil, args: [String] = [], variables: [String: String]? = nil, timeout: Duration = .seconds(30)
    ) async throws(ARIError) -> StasisChannel {
        let channelID = "ch-" + UUID().uuidString.lowercased()
        let pending = StasisPendingCall()
        registry.withLockedValue { $0.pending[channelID] = pending }
        do {
            try await client.send(ARIOperations.Channels.originate(
                endpoint: endpoint, app: name, appArgs: args.isEmpty ? nil : args.joined(separator: ","), callerID: callerID,
                timeout: StasisChannel.wholeSeconds(timeout), variables: variables, channelID: channelID))
        } catch {
            registry.withLockedValue { $0.pending[channelID] = nil }
            throw error
        }
        let outcome = await pending.wait(timeout: timeout)
        registry.withLockedValue { $0.pending[channelID] = nil }
        switch outcome {
        case .success(let channel): return channel
        case .failure(let error):
            if error.code == .timeout {
                _ = try? await client.send(ARIOperations.Channels.hangup(channelID: channelID))
            }
            throw error
        }
    }
}
