extension AMIClient {
    /// The events a tracked call follows.
    static let callEvents = ["Newchannel", "Newstate", "DialBegin", "DialEnd", "BridgeEnter", "BridgeLeave", "OriginateResponse", "Hangup"]

    /// Places a call with `Originate` and follows it to its end.
    ///
    /// The action is sent asynchronously (`Async: true`) with a `ChannelId` (the action's, or a fresh
    /// one), and the call's events are subscribed to before it goes out, so none is missed. Many calls
    /// may be in flight on one connection. Events must be on for the session (the default).
    ///
    /// ```swift
    /// let call = try await ami.originate(OriginateAction(channel: "PJSIP/100", destination: .dialplan(context: "office", exten: "200")))
    /// try await call.answered(timeout: .seconds(30))        // throws AMICallError .ended(.busy), .timeout, …
    /// let end = try await call.ended()
    /// ```
    ///
    /// - Returns: the call; if Asterisk refused the action, a call already ended with
    ///   ``AMICallEnd/Reason/actionRejected(_:)``.
    /// - Throws: ``AMIError`` when the action could not be sent (not connected, timeout, unsafe header).
    public func originate(_ action: OriginateAction, timeout: Duration? = nil) async throws -> AMICall {
        var action = action
        action.isAsync = true
        let channelID = action.channelID ?? Self.makeChannelID()
        action.channelID = channelID
        let actionID = nextActionID()
        let tracker = AMICallTracker(channelID: channelID, actionID: actionID)
        let call = AMICall(client: self, tracker: tracker)
        callRouter.follow(call, actionID: actionID, on: self)
        do {
            _ = try await send(
                action: OriginateAction.actionName, headers: action.headers, shape: .single, timeout: timeout, actionID: actionID)
        } catch let error as AMIError where error.code == .actionFailed {
            call.end(.actionRejected(error.serverMessage ?? error.message))
            callRouter.forget(call, actionID: actionID)
        } catch {
            callRouter.forget(call, actionID: actionID)
            throw error
        }
        return call
    }

    /// A unique id for a new channel: Asterisk accepts any text; this one is unlikely to collide.
    static func makeChannelID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt32
        return "swift-" + String(high, radix: 16) + "." + String(low, radix: 16)
    }
}
