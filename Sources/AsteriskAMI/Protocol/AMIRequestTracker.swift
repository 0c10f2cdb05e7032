/// Correlates responses and list events with pending actions, without I/O or clocks.
///
/// Inputs: ``register(actionID:action:shape:)`` when an action is written, ``receive(_:)`` for every
/// frame, ``cancel(actionID:)`` on timeout or cancellation, ``failAll()`` when the connection ends.
/// Outputs tell the edge what to do with each frame: complete a request, hand an event to
/// subscribers, or drop a late response. `Context` is whatever the edge keeps per request (its
/// promise and deadline), so one dictionary serves both.
struct AMIRequestTracker<Context> {
    /// What the tracker decided about a received frame.
    enum Outcome {
        /// An event no pending list claimed: deliver it to subscribers.
        case event(AMIEvent)
        /// An event that joined a pending list.
        case listItem
        /// A pending request finished.
        case completed(actionID: String, action: String, context: Context, result: Result<AMIResponse, AMIError>)
        /// A response whose ActionID matches nothing pending (it came after a timeout or cancellation).
        case unmatchedResponse(AMIMessage)
    }

    private struct Pending {
        let action: String
        let shape: AMIResponseShape
        let context: Context
        var response: AMIMessage?
        var events: [AMIEvent] = []
    }

    private var pending: [String: Pending] = [:]
    /// How many pending requests are collecting list events; while zero no event's ActionID is even looked at.
    private var collecting = 0

    /// The number of requests awaiting an answer.
    var pendingCount: Int { pending.count }

    /// Whether any pending request is collecting list events (if not, events need no ActionID lookup).
    var isCollectingLists: Bool { collecting > 0 }

    /// Records a written action.
    mutating func register(actionID: String, action: String, shape: AMIResponseShape, context: Context) {
        pending[actionID] = Pending(action: action, shape: shape, context: context)
    }

    /// Every pending request's ActionID and context.
    var pendingRequests: [(actionID: String, context: Context)] {
        pending.map { ($0.key, $0.value.context) }
    }

    /// Classifies one received frame.
    mutating func receive(_ message: AMIMessage) -> Outcome {
        switch message.kind {
        case .response:
            return receiveResponse(message)
        case .event:
            if collecting > 0, let id = message["ActionID"], var entry = pending[id], entry.response != nil {
                let event = AMIEvent(message: message)
                if isCompletion(event, of: entry) {
                    pending[id] = nil
                    collecting -= 1
                    let response = AMIResponse(message: entry.response!, events: entry.events, completionEvent: event)
                    return .completed(actionID: id, action: entry.action, context: entry.context, result: .success(response))
                }
                entry.events.append(event)
                pending[id] = entry
                return .listItem
            }
            return .event(AMIEvent(message: message))
        case .other:
            // Neither a response nor an event: surface it as an event so nothing is silently lost.
            return .event(AMIEvent(message: message))
        }
    }

    private mutating func receiveResponse(_ message: AMIMessage) -> Outcome {
        guard let id = message["ActionID"], var entry = pending[id], entry.response == nil else {
            return .unmatchedResponse(message)
        }
        let response = AMIResponse(message: message)
        if !response.isSuccess {
            pending[id] = nil
            let serverMessage = response.messageText
            let code: AMIError.Code =
                entry.action.lowercased() == "login" ? .authenticationFailed : .actionFailed
            let error = AMIError(
                code, "Asterisk refused \(entry.action): \(serverMessage ?? response.status)",
                action: entry.action, actionID: id, serverMessage: serverMessage, response: response)
            return .completed(actionID: id, action: entry.action, context: entry.context, result: .failure(error))
        }
        let isList: Bool
        switch entry.shape {
        case .single: isList = false
        case .eventList: isList = true
        case .automatic: isList = message.has("EventList", equalTo: "start")
        }
        if isList {
            entry.response = message
            pending[id] = entry
            collecting += 1
            return .listItem
        }
        pending[id] = nil
        return .completed(actionID: id, action: entry.action, context: entry.context, result: .success(response))
    }

    private func isCompletion(_ event: AMIEvent, of entry: Pending) -> Bool {
        if event.message.has("EventList", equalTo: "complete") { return true }
        if case .eventList(let name?) = entry.shape { return event.isNamed(name) }
        return false
    }

    /// Forgets a pending request (timeout or cancellation); returns its action name and context if it was pending.
    mutating func cancel(actionID: String) -> (action: String, context: Context)? {
        guard let entry = pending.removeValue(forKey: actionID) else { return nil }
        if entry.response != nil { collecting -= 1 }
        return (entry.action, entry.context)
    }

    /// Forgets every pending request (connection lost) and returns them.
    mutating func failAll() -> [(actionID: String, action: String, context: Context)] {
        let all = pending.map { ($0.key, $0.value.action, $0.value.context) }
        pending.removeAll()
        collecting = 0
        return all
    }
}

extension AMIRequestTracker where Context == Void {
    /// Records a written action that needs no context.
    mutating func register(actionID: String, action: String, shape: AMIResponseShape) {
        register(actionID: actionID, action: action, shape: shape, context: ())
    }
}
