import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The events and REST requests of the WebSockets Asterisk opened to an ``ARIOutboundServer``: every
/// accepted connection feeds one stream; REST requests go over the newest open connection. With
/// persistent connections, the loss of the last one is reported as `.connectionLost` and the next
/// accepted one as `.reconnected`; per-call connections come and go without markers.
final class ARIAcceptedEventSource: ARIEventSource {
    let logger: Logger
    let rest: ARIWebSocketRESTRequests?
    let queue: ARIEventQueue
    private let delivery: ARIEventDelivery
    private let reportsConnectionChanges: Bool
    private let state = NIOLockedValueBox(State())

    private struct State {
        var apps: [String] = []
        var subscribed = false
        var connections: [UInt64: ARIEventConnection] = [:]
        var counter: UInt64 = 0
        var lost = false
        var closed = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates the source; `bufferSize` messages, and `bufferBytes` bytes of them, may wait for the consumer.
    init(logger: Logger, routes: ARIEventRoutes, bufferSize: Int, bufferBytes: Int, reportsConnectionChanges: Bool) {
        self.logger = logger
        self.reportsConnectionChanges = reportsConnectionChanges
        let rest = ARIWebSocketRESTRequests(prefix: "swift-asterisk-out-" + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        self.rest = rest
        queue = ARIEventQueue.messages(capacity: bufferSize, byteLimit: bufferBytes)
        delivery = ARIEventDelivery(queue: queue, rest: rest, routes: routes)
    }

    var apps: [String] { state.withLockedValue { $0.apps } }
    var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// The number of connections open now.
    var connectionCount: Int { state.withLockedValue { $0.connections.count } }

    /// The subscription reading this source; there is one (its stream has one consumer).
    func subscribe(apps: [String]) throws(ARIError) -> ARIEventSubscription {
        let refused = state.withLockedValue { state -> String? in
            if state.closed { return "the outbound server has shut down" }
            if state.subscribed { return "the outbound server's events are already subscribed (one subscription reads them all)" }
            state.subscribed = true
            state.apps = apps
            return nil
        }
        if let refused { throw ARIError(.invalidRequest, refused) }
        return ARIEventSubscription(source: self, queue: queue)
    }

    /// Takes over an upgraded channel (on its event loop); false when the source is closed.
    func accept(_ channel: Channel, maxMessageSize: Int, pingInterval: TimeAmount?) throws -> Bool {
        let number = state.withLockedValue { state -> UInt64? in
            guard !state.closed else { return nil }
            state.counter += 1
            return state.counter
        }
        guard let number else { return false }
        let ended = channel.eventLoop.makePromise(of: ARIError?.self)
        let delivery = self.delivery
        let connection = try ARIEventConnection.install(
            on: channel, maxMessageSize: maxMessageSize, pingInterval: pingInterval, masksFrames: false
        ) { output in
            delivery.handle(output, connection: number, ended: ended)
        }
        let reconnected = state.withLockedValue { state -> Bool in
            state.connections[number] = connection
            defer { state.lost = false }
            return state.lost
        }
        logger.debug("Asterisk opened an outbound ARI WebSocket", metadata: ["asterisk.ari.connection": "\(number)"])
        if reconnected && reportsConnectionChanges { queue.append(marker: .reconnected) }
        ended.futureResult.whenSuccess { [self] error in
            let lastGone = state.withLockedValue { state -> Bool in
                state.connections[number] = nil
                guard state.connections.isEmpty, !state.closed else { return false }
                state.lost = true
                return true
            }
            logger.debug("An outbound ARI WebSocket closed", metadata: ["asterisk.ari.connection": "\(number)"])
            if lastGone && reportsConnectionChanges {
                queue.append(marker: .connectionLost(error ?? ARIError(.connectionFailed, "Asterisk closed its outbound WebSocket")))
            }
        }
        return true
    }

    func sendREST(_ message: ByteBuffer, id: String, timeout: Duration, operation: String) async -> ARIWebSocketRESTRequests.Outcome {
        guard let rest else { return .failure(ARIError(.invalidRequest, "no REST over this source", operation: operation)) }
        let newest = state.withLockedValue { state -> (ARIEventConnection, UInt64)? in
            guard let number = state.connections.keys.max() else { return nil }
            return (state.connections[number]!, number)
        }
        guard let (connection, number) = newest else {
            let reason = isClosed ? "the outbound server has shut down" : "Asterisk has no outbound WebSocket open to this server"
            return .failure(ARIError(.connectionFailed, reason, operation: operation))
        }
        return await ARIEventDelivery.sendREST(message, id: id, over: connection, number: number, rest: rest, timeout: timeout, operation: operation)
    }

    /// Returns once the source has been closed.
    func waitUntilClosed() async {
        await withCheckedContinuation { continuation in
            let closed = state.withLockedValue { state -> Bool in
                if !state.closed { state.closeWaiters.append(continuation) }
                return state.closed
            }
            if closed { continuation.resume() }
        }
    }

    func close() {
        let (open, waiters) = state.withLockedValue { state -> ([ARIEventConnection], [CheckedContinuation<Void, Never>]) in
            state.closed = true
            defer {
                state.connections = [:]
                state.closeWaiters = []
            }
            return (Array(state.connections.values), state.closeWaiters)
        }
        for connection in open { connection.close() }
        for waiter in waiters { waiter.resume() }
        queue.finish()
        rest?.failAll(with: ARIError(.connectionFailed, "the outbound server shut down with the request in flight"))
    }
}
