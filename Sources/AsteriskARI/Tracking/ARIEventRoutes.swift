import NIOConcurrencyHelpers
import NIOCore

/// The event routes of one ``ARIClient``: each open route receives, in order, every event about its
/// resource that any of the client's WebSockets delivers, from the moment the route opened until the
/// resource ends or the route is closed. Routes are fed on the delivery path, before events queue for
/// the subscription's own consumer, so a route sees its events even when nobody iterates the subscription.
final class ARIEventRoutes: Sendable {
    private struct Route {
        let token: UInt64
        let continuation: AsyncStream<ARIEvent>.Continuation
    }

    private struct State {
        var counter: UInt64 = 0
        var routes: [ARIResourceKey: [Route]] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Whether any route is open (when none is, delivery skips decoding for routes).
    var isEmpty: Bool { state.withLockedValue { $0.routes.isEmpty } }

    /// Opens a route for `key`; the stream keeps at most `bufferSize` unread events (the oldest go first).
    func open(_ key: ARIResourceKey, bufferSize: Int) -> (token: UInt64, events: AsyncStream<ARIEvent>) {
        let (stream, continuation) = AsyncStream<ARIEvent>.makeStream(bufferingPolicy: .bufferingNewest(max(1, bufferSize)))
        let token = state.withLockedValue { state -> UInt64 in
            state.counter &+= 1
            state.routes[key, default: []].append(Route(token: state.counter, continuation: continuation))
            return state.counter
        }
        continuation.onTermination = { [weak self] _ in self?.close(key, token: token) }
        return (token, stream)
    }

    /// Closes one route (its stream ends).
    func close(_ key: ARIResourceKey, token: UInt64) {
        let route = state.withLockedValue { state -> Route? in
            guard var routes = state.routes[key], let index = routes.firstIndex(where: { $0.token == token }) else { return nil }
            let route = routes.remove(at: index)
            state.routes[key] = routes.isEmpty ? nil : routes
            return route
        }
        route?.continuation.finish()
    }

    /// Delivers one event to the routes of the resources it is about; routes of a resource it ends finish after it.
    func route(_ event: ARIEvent) {
        let keys = event.resourceKeys
        guard !keys.isEmpty else { return }
        let ended = event.endedResource
        let (targets, finished) = state.withLockedValue { state -> ([Route], [Route]) in
            var targets: [Route] = []
            for key in keys { targets += state.routes[key] ?? [] }
            guard let ended, let finished = state.routes.removeValue(forKey: ended) else { return (targets, []) }
            return (targets, finished)
        }
        for route in targets { route.continuation.yield(event) }
        for route in finished { route.continuation.finish() }
    }

    /// Decodes and routes the messages of one burst (undecodable messages are left to the subscription's consumer).
    func route(_ buffers: [ByteBuffer]) {
        for buffer in buffers {
            let event = buffer.withUnsafeReadableBytes { bytes in try? ARIEvent.decode(bytes: bytes) }
            if let event { route(event) }
        }
    }

    /// Ends every route (the client is shutting down).
    func finishAll() {
        let all = state.withLockedValue { state -> [Route] in
            defer { state.routes = [:] }
            return state.routes.values.flatMap { $0 }
        }
        for route in all { route.continuation.finish() }
    }
}
