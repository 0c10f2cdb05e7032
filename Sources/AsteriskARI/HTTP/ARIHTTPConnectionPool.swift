import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// The kept-alive HTTP connections of one ``ARIClient``: at most `maxConnections` at a time; requests
/// beyond that wait, in order, for one to come free.
final class ARIHTTPConnectionPool: Sendable {
    /// A request waiting for a connection.
    private struct Waiter {
        var number: Int
        var continuation: UnsafeContinuation<Lease, Never>
        /// Ends the wait at the request's deadline.
        var timer: Scheduled<Void>?
    }

    /// What a waiting request gets.
    private enum Lease: Sendable {
        case connection(ARIHTTPConnection)
        case openOne
        case failed(ARIError)
    }

    private struct State {
        var idle: [ARIHTTPConnection] = []
        /// Every open connection, idle or busy (closed at shutdown).
        var open: [ObjectIdentifier: ARIHTTPConnection] = [:]
        /// Connections open or being opened, idle ones included.
        var count = 0
        var waiters: [Waiter] = []
        var nextWaiter = 0
        var isShutDown = false
    }

    /// Idle connections older than this are closed rather than reused (Asterisk closes them after 15 s by default).
    static let idleLifetime: Duration = .seconds(10)

    let endpoint: ARIHTTPEndpoint
    /// The loop every connection of the pool lives on.
    let eventLoop: any EventLoop
    let maxConnections: Int
    private let connectTimeout: Duration
    private let maxResponseSize: Int
    private let sslContext: NIOSSLContext?
    private let state = NIOLockedValueBox(State())

    /// A pool for `endpoint`; TLS settings from `tls` when the endpoint is https.
    init(
        endpoint: ARIHTTPEndpoint, eventLoop: any EventLoop, tls: TLSConfiguration?, maxConnections: Int, connectTimeout: Duration,
        maxResponseSize: Int
    ) throws(ARIError) {
        self.endpoint = endpoint
        self.eventLoop = eventLoop
        self.maxConnections = max(1, maxConnections)
        self.connectTimeout = connectTimeout
        self.maxResponseSize = maxResponseSize
        sslContext = try ARIHTTPEndpoint.clientSSLContext(useTLS: endpoint.useTLS, tls)
    }

    /// Sends `request` on a free connection and returns its response; `timeout` covers the wait for a
    /// connection, connecting and the answer.
    func execute(_ request: ARIHTTPRequest, timeout: Duration) async throws(ARIError) -> ARIHTTPResponse {
        let deadline = ContinuousClock.now + timeout
        let connection = try await lease(deadline: deadline)
        let response: ARIHTTPResponse
        do {
            response = try await connection.execute(request, timeout: max(.zero, deadline - .now))
        } catch {
            release(connection, reusable: false)
            throw error
        }
        release(connection, reusable: response.keepAlive)
        return response
    }

    /// A connection of one's own: an idle one, a new one, or the next one freed.
    private func lease(deadline: ContinuousClock.Instant) async throws(ARIError) -> ARIHTTPConnection {
        enum Step { case use(ARIHTTPConnection), open, wait(Int), fail(ARIError) }
        var stale: [ARIHTTPConnection] = []
        let step: Step = state.withLockedValue { state in
            guard !state.isShutDown else { return .fail(ARIError(.connectionFailed, "the client was shut down")) }
            while let connection = state.idle.popLast() {
                if connection.isUsable, connection.lastUsed.withLockedValue({ $0 }) + Self.idleLifetime > .now { return .use(connection) }
                state.count -= 1
                state.open[ObjectIdentifier(connection)] = nil
                stale.append(connection)
            }
            if state.count < maxConnections {
                state.count += 1
                return .open
            }
            state.nextWaiter += 1
            return .wait(state.nextWaiter)
        }
        for connection in stale { connection.close() }
        switch step {
        case .use(let connection): return connection
        case .open: return try await open(deadline: deadline)
        case .fail(let error): throw error
        case .wait(let number):
            switch await waitForTurn(number, deadline: deadline) {
            case .connection(let connection): return connection
            case .openOne: return try await open(deadline: deadline)
            case .failed(let error): throw error
            }
        }
    }

    /// Opens a connection for a slot already counted (connecting no longer than the request may take);
    /// the slot is given back when that fails.
    private func open(deadline: ContinuousClock.Instant) async throws(ARIError) -> ARIHTTPConnection {
        let connection: ARIHTTPConnection
        do {
            connection = try await ARIHTTPConnection.connect(
                to: endpoint, on: eventLoop, sslContext: sslContext, connectTimeout: min(connectTimeout, max(.milliseconds(1), deadline - .now)),
                maxResponseSize: maxResponseSize)
        } catch {
            release(nil, reusable: false)
            // Cut short by the request's own deadline: that is the request timing out.
            if ContinuousClock.now >= deadline { throw ARIError(.timeout, "could not connect in time: \(error.message)") }
            throw error
        }
        let isShutDown = state.withLockedValue { state in
            if !state.isShutDown { state.open[ObjectIdentifier(connection)] = connection }
            return state.isShutDown
        }
        if isShutDown {
            release(connection, reusable: false)
            throw ARIError(.connectionFailed, "the client was shut down")
        }
        // An idle connection Asterisk closes leaves the pool at once rather than fail the next request.
        connection.channel.closeFuture.whenComplete { [weak self] _ in self?.forgetIdle(connection) }
        return connection
    }

    /// Waits until a connection or a slot comes free, the deadline passes or the task is cancelled.
    private func waitForTurn(_ number: Int, deadline: ContinuousClock.Instant) async -> Lease {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let admitted = state.withLockedValue { state -> Bool in
                    guard !state.isShutDown else { return false }
                    state.waiters.append(Waiter(number: number, continuation: continuation))
                    return true
                }
                guard admitted else {
                    return continuation.resume(returning: .failed(ARIError(.connectionFailed, "the client was shut down")))
                }
                // Queued first, then checked: a cancellation or deadline that came before finds the waiter now.
                if Task.isCancelled { return give(up: number, ARIError(.cancelled, "the request was cancelled")) }
                let timer = eventLoop.scheduleTask(in: TimeAmount(max(.zero, deadline - .now))) {
                    [self] in give(up: number, ARIError(.timeout, "no connection to Asterisk came free in time"))
                }
                let waiting = state.withLockedValue { state -> Bool in
                    guard let index = state.waiters.firstIndex(where: { $0.number == number }) else { return false }
                    state.waiters[index].timer = timer
                    return true
                }
                if !waiting { timer.cancel() }
            }
        } onCancel: {
            give(up: number, ARIError(.cancelled, "the request was cancelled"))
        }
    }

    /// Takes waiter `number` out of the queue, if it is still there, and ends its wait with `error`.
    private func give(up number: Int, _ error: ARIError) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.number == number }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .failed(error))
    }

    /// Gives a connection (or, with nil, a slot whose connection never opened) back: to the first
    /// waiter, to the idle list, or closed.
    private func release(_ connection: ARIHTTPConnection?, reusable: Bool) {
        let keep = reusable && connection?.isUsable == true
        let (waiter, lease, close): (Waiter?, Lease?, Bool) = state.withLockedValue { state in
            func forget() {
                state.count -= 1
                if let connection { state.open[ObjectIdentifier(connection)] = nil }
            }
            if state.isShutDown {
                forget()
                return (nil, nil, true)
            }
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                if keep, let connection { return (waiter, .connection(connection), false) }
                if let connection { state.open[ObjectIdentifier(connection)] = nil }
                return (waiter, .openOne, true)  // the slot passes to the waiter
            }
            if keep, let connection {
                state.idle.append(connection)
                return (nil, nil, false)
            }
            forget()
            return (nil, nil, true)
        }
        if close { connection?.close() }
        if let waiter, let lease {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: lease)
        }
    }

    /// Takes a closed connection off the idle list (a busy one is dropped when it is released).
    private func forgetIdle(_ connection: ARIHTTPConnection) {
        state.withLockedValue { state in
            guard let index = state.idle.firstIndex(where: { $0 === connection }) else { return }
            state.idle.remove(at: index)
            state.count -= 1
            state.open[ObjectIdentifier(connection)] = nil
        }
    }

    /// Connections open or being opened.
    var openConnectionCount: Int { state.withLockedValue { $0.count } }

    /// Closes every connection, failing the requests on them and every waiting request.
    func shutdown() {
        let (connections, waiters) = state.withLockedValue { state in
            state.isShutDown = true
            let taken = (Array(state.open.values), state.waiters)
            state.count -= state.idle.count
            for connection in state.idle { state.open[ObjectIdentifier(connection)] = nil }
            state.idle = []
            state.waiters = []
            return taken
        }
        // Busy connections close too: their requests fail now, and they are forgotten when released.
        for connection in connections { connection.close() }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .failed(ARIError(.connectionFailed, "the client was shut down")))
        }
    }
}
