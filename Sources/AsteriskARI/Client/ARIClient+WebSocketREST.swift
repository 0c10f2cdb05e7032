import NIOConcurrencyHelpers

/// The events WebSocket an ``ARIClient`` sends REST requests over (``ARIRESTTransport/webSocket(app:)``).
struct ARIRESTCarrier: Sendable {
    /// The source whose WebSocket requests go over now.
    var source: (any ARIEventSource)?
    /// The subscription the client opened itself because no subscription of the app was open.
    var implicit: ARIEventSubscription?
    /// That subscription while it is being opened (concurrent first requests wait for the same one).
    var opening: Task<any ARIEventSource, any Error>?
    /// Counts the openings, so that only the latest clears ``opening``.
    var attempt: UInt64 = 0
}

extension ARIClient {
    /// Sends a request as a `RESTRequest` message on the events WebSocket of `app`.
    func sendOverWebSocket<Response>(_ request: ARIRequest<Response>, app: String) async throws(ARIError) -> Response {
        let source = try await restSource(for: app)
        guard let rest = source.rest else { throw ARIError(.invalidRequest, "the events WebSocket does not carry REST requests") }
        let id = rest.makeID()
        let message = try ARIWebSocketRESTMessage.encode(request, id: id)
        switch await source.sendREST(message, id: id, timeout: configuration.requestTimeout, operation: request.operation) {
        case .success(let response):
            return try answer(to: request, status: response.status, body: response.body)
        case .failure(let error):
            throw error
        }
    }

    /// The open WebSocket that carries REST requests, opened for `app` when there is none.
    private func restSource(for app: String) async throws(ARIError) -> any ARIEventSource {
        enum Pick {
            case ready(any ARIEventSource)
            case wait(Task<any ARIEventSource, any Error>)
        }
        let pick = restCarrier.withLockedValue { carrier -> Pick in
            if let source = carrier.source, !source.isClosed { return .ready(source) }
            if let opening = carrier.opening { return .wait(opening) }
            carrier.attempt &+= 1
            let attempt = carrier.attempt
            let opening = Task { () async throws -> any ARIEventSource in
                defer { self.restCarrier.withLockedValue { if $0.attempt == attempt { $0.opening = nil } } }
                let subscription = try await self.events(apps: [app], bufferSize: 1)
                self.restCarrier.withLockedValue { carrier in
                    if carrier.source === subscription.source { carrier.implicit = subscription }
                }
                return subscription.source
            }
            carrier.opening = opening
            return .wait(opening)
        }
        switch pick {
        case .ready(let supervisor):
            return supervisor
        case .wait(let opening):
            do {
                return try await opening.value
            } catch let error as ARIError {
                throw error
            } catch {
                throw ARIError(.connectionFailed, "the events WebSocket for REST requests could not be opened: \(error)")
            }
        }
    }

    /// Opens a subscription's WebSocket (it registers the transport's app) and makes it the one REST
    /// requests go over; requests made meanwhile wait for it rather than open a socket of their own.
    func startRESTCarrier(_ supervisor: ARIEventSupervisor) async throws(ARIError) {
        let opening = Task { () async throws -> any ARIEventSource in
            try await supervisor.start()
            return supervisor
        }
        let attempt = restCarrier.withLockedValue { carrier -> UInt64 in
            carrier.attempt &+= 1
            carrier.opening = opening
            return carrier.attempt
        }
        do {
            _ = try await opening.value
        } catch {
            restCarrier.withLockedValue { carrier in if carrier.attempt == attempt { carrier.opening = nil } }
            throw error as? ARIError ?? ARIError(.connectionFailed, "the events WebSocket could not be opened: \(error)")
        }
        let replaced = restCarrier.withLockedValue { carrier -> ARIEventSubscription? in
            if carrier.attempt == attempt { carrier.opening = nil }
            carrier.source = supervisor
            defer { carrier.implicit = nil }
            return carrier.implicit
        }
        // Asterisk has moved the app to the new socket; the one the client opened itself is of no more use.
        replaced?.close()
    }

    /// Closes the WebSocket the client opened for REST requests, if any.
    func closeRESTCarrier() {
        let implicit = restCarrier.withLockedValue { carrier -> ARIEventSubscription? in
            carrier.opening?.cancel()
            carrier.source = nil
            defer { carrier.implicit = nil }
            return carrier.implicit
        }
        implicit?.close()
    }
}
