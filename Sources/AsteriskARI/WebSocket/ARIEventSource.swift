import Logging
import NIOConcurrencyHelpers
import NIOCore

/// What feeds an ``ARIEventSubscription``: the WebSocket(s) it reads and, when they carry REST
/// requests, the way to send one. ``ARIEventSupervisor`` dials Asterisk; an ``ARIOutboundServer``'s
/// source takes the connections Asterisk dials to it.
protocol ARIEventSource: AnyObject, Sendable {
    /// The applications the subscription is for.
    var apps: [String] { get }
    /// The logger of the connection's events.
    var logger: Logger { get }
    /// Whether the source was closed.
    var isClosed: Bool { get }
    /// The REST requests waiting for their response on these WebSockets (nil: REST goes over HTTP).
    var rest: ARIWebSocketRESTRequests? { get }
    /// Sends a REST request over an open connection and waits for its response.
    func sendREST(_ message: ByteBuffer, id: String, timeout: Duration, operation: String) async -> ARIWebSocketRESTRequests.Outcome
    /// Closes the connections and ends the stream.
    func close()
}

/// Where one WebSocket's messages go: `RESTResponse`s to their requests, the rest to tracked
/// resources' routes and to the subscription's queue (which counts what it drops).
struct ARIEventDelivery: Sendable {
    let queue: ARIEventQueue
    let rest: ARIWebSocketRESTRequests?
    let routes: ARIEventRoutes?

    /// Handles the output of connection `number`; its end completes `ended` (nil: closed on purpose).
    func handle(_ output: ARIWebSocketHandler.Output, connection number: UInt64, ended: EventLoopPromise<ARIError?>) {
        switch output {
        case .messages(var buffers):
            if let rest { Self.takeResponses(from: &buffers, into: rest) }
            guard !buffers.isEmpty else { return }
            if let routes, !routes.isEmpty { routes.route(buffers) }
            queue.append(buffers[...])
        case .closed(let error):
            rest?.failAll(
                on: number,
                with: ARIError(.connectionFailed, "the events WebSocket closed with the request in flight" + (error.map { ": \($0.message)" } ?? "")))
            ended.succeed(error)
        }
    }

    /// Moves the `RESTResponse` messages of a burst to the requests waiting for them (a response
    /// nobody waits for, late after a timeout, is dropped: it is not an event).
    private static func takeResponses(from buffers: inout [ByteBuffer], into rest: ARIWebSocketRESTRequests) {
        buffers.removeAll { buffer in
            buffer.withUnsafeReadableBytes { bytes in
                guard ARIWebSocketRESTMessage.isResponse(bytes) else { return false }
                if let response = try? ARIWebSocketRESTMessage.decodeResponse(bytes) { rest.complete(response) }
                return true
            }
        }
    }

    /// Sends a REST request over `connection` (number `number`) and waits for its response.
    static func sendREST(
        _ message: ByteBuffer, id: String, over connection: ARIEventConnection, number: UInt64, rest: ARIWebSocketRESTRequests,
        timeout: Duration, operation: String
    ) async -> ARIWebSocketRESTRequests.Outcome {
        await rest.wait(for: id, on: number, timeout: timeout, operation: operation) {
            connection.sendText(message) { error in
                rest.fail(id, with: ARIError(.connectionFailed, "the request could not be written: \(error)", operation: operation))
            }
        }
    }
}
