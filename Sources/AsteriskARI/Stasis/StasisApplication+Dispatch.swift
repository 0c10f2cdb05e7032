import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The channels of a ``StasisApplication`` and the calls it is placing.
struct StasisRegistry: Sendable {
    var subscription: ARIEventSubscription?
    var channels: [String: StasisChannel] = [:]
    var pending: [String: StasisPendingCall] = [:]
}

/// An originated call waiting for its `StasisStart` (or its end).
final class StasisPendingCall: Sendable {
    private let state = NIOLockedValueBox<(result: Result<StasisChannel, ARIError>?, waiter: CheckedContinuation<Result<StasisChannel, ARIError>, Never>?)>((nil, nil))

    /// Settles the call once; later settlements are ignored.
    func settle(_ result: Result<StasisChannel, ARIError>) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Result<StasisChannel, ARIError>, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: result)
    }

    /// Waits for the outcome, or `.timeout`.
    func wait(timeout: Duration) async -> Result<StasisChannel, ARIError> {
        let timer = Task { [self] in
            try await Task.sleep(for: timeout)
            settle(.failure(ARIError(.timeout, "the call was not answered within \(timeout)", operation: "channels.originate")))
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Result<StasisChannel, ARIError>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

extension StasisApplication {
    /// Routes one event; returns a new call for the handler when a channel entered the application.
    func dispatch(_ event: ARIEvent) -> StasisChannel? {
        if case .stasisStart(let start) = event {
            let id = start.channel.id
            let call = StasisChannel(start: start, client: client, mailbox: StasisChannelMailbox())
            let pending = registry.withLockedValue { state -> StasisPendingCall? in
                state.channels[id] = call
                return state.pending[id]
            }
            if let pending {
                pending.settle(.success(call))
                return nil
            }
            return call
        }
        guard let id = event.channelID else { return nil }
        let (channel, pending) = registry.withLockedValue { ($0.channels[id], $0.pending[id]) }
        channel?.mailbox.receive(event)
        switch event {
        case .stasisEnd:
            forget(id, ARIError(.channelGone, "the channel \(id) left the application"))
        case .channelHangupRequest, .channelDestroyed:
            let cause: String
            if case .channelDestroyed(let destroyed) = event {
                cause = "\(destroyed.causeTxt) (cause \(destroyed.cause))"
                pending?.settle(.failure(ARIError(.callFailed, "the call to \(id) ended: \(cause)", operation: "channels.originate")))
            } else {
                cause = "hangup requested"
            }
            channel?.mailbox.end(ARIError(.channelGone, "the channel \(id) hung up: \(cause)"))
            if case .channelDestroyed = event { forget(id, ARIError(.channelGone, "the channel \(id) hung up: \(cause)")) }
        default:
            break
        }
        return nil
    }

    /// Drops a channel from the registry and ends its waits.
    private func forget(_ id: String, _ error: ARIError) {
        let channel = registry.withLockedValue { $0.channels.removeValue(forKey: id) }
        channel?.mailbox.end(error)
    }

    /// Runs the handler of one call and cleans up after it.
    func serve(_ call: StasisChannel) async {
        var logger = self.logger
        logger[metadataKey: "asterisk.channel_id"] = .string(call.id)
        do {
            try await handler(call)
            if configuration.hangUpWhenHandlerReturns && !call.isGone { try? await call.hangup() }
        } catch {
            if call.isGone {
                logger.debug("Stasis handler ended with its channel", metadata: ["asterisk.error": "\(error)"])
            } else {
                logger.error("Stasis handler failed", metadata: ["asterisk.error": "\(error)"])
                if configuration.hangUpWhenHandlerFails { try? await call.hangup() }
            }
        }
    }

    /// After a reconnect: ends the handles of channels that no longer exist.
    func reconcile() async {
        let known = registry.withLockedValue { Array($0.channels.keys) }
        for id in known {
            do {
                _ = try await client.send(ARIOperations.Channels.get(channelID: id))
            } catch where error.status == 404 {
                forget(id, ARIError(.channelGone, "the channel \(id) vanished while the events WebSocket was down"))
            } catch {
                logger.debug("Stasis reconcile could not check a channel", metadata: ["asterisk.error": "\(error)"])
            }
        }
    }

    /// Ends every channel's waits and every pending originate.
    func endAll(_ error: ARIError) {
        let (channels, pending) = registry.withLockedValue { state in
            defer {
                state.channels = [:]
                state.pending = [:]
            }
            return (Array(state.channels.values), Array(state.pending.values))
        }
        for channel in channels { channel.mailbox.end(error) }
        for call in pending { call.settle(.failure(error)) }
    }
}

extension StasisApplication: Service {}
