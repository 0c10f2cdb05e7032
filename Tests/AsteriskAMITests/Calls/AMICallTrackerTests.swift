import Testing

@testable import AsteriskAMI

@Suite("Following an originated call through its events (sans-IO)")
struct AMICallTrackerTests {
    private func event(_ name: String, _ headers: KeyValuePairs<String, String>) -> AMIEvent {
        AMIEvent(name: name, headers: headers.map { AMIHeader(name: $0.key, value: $0.value) })
    }

    @Test func anAnsweredCallEndsCompleted() {
        var tracker = AMICallTracker(channelID: "c1", actionID: "a1")
        let unrelated = tracker.apply(event("Newchannel", ["Uniqueid": "other", "Channel": "PJSIP/9-1"]))
        #expect(!unrelated)
        let created = tracker.apply(event("Newchannel", ["Uniqueid": "c1", "Channel": "PJSIP/100-1", "ChannelState": "0"]))
        #expect(created)
        #expect(tracker.state == .dialing && tracker.channelName == "PJSIP/100-1")
        tracker.apply(event("Newstate", ["Uniqueid": "c1", "ChannelState": "5"]))
        #expect(tracker.state == .ringing)
        tracker.apply(event("DialEnd", ["DestUniqueid": "c1", "DestChannel": "PJSIP/100-1", "DialStatus": "ANSWER"]))
        #expect(tracker.state == .answered)
        tracker.apply(event("BridgeEnter", ["Uniqueid": "c1", "BridgeUniqueid": "b1"]))
        #expect(tracker.bridgeID == "b1")
        tracker.apply(event("BridgeLeave", ["Uniqueid": "c1", "BridgeUniqueid": "b1"]))
        #expect(tracker.bridgeID == nil)
        tracker.apply(event("Hangup", ["Uniqueid": "c1", "Cause": "16", "Cause-txt": "Normal Clearing"]))
        #expect(tracker.state == .ended(AMICallEnd(reason: .completed, cause: 16, causeText: "Normal Clearing", wasAnswered: true)))
        // Nothing changes an ended call.
        let afterEnd = tracker.apply(event("Newstate", ["Uniqueid": "c1", "ChannelState": "6"]))
        #expect(!afterEnd)
    }

    @Test func failuresAreToldApart() {
        let cases: [([AMIEvent], AMICallEnd.Reason)] = [
            ([event("DialEnd", ["DestUniqueid": "c1", "DialStatus": "BUSY"]), event("Hangup", ["Uniqueid": "c1", "Cause": "17"])], .busy),
            ([event("Newchannel", ["Uniqueid": "c1"]), event("Hangup", ["Uniqueid": "c1", "Cause": "19"])], .noAnswer),
            ([event("Newchannel", ["Uniqueid": "c1"]), event("Hangup", ["Uniqueid": "c1", "Cause": "34"])], .congestion),
            ([event("Newchannel", ["Uniqueid": "c1"]), event("Hangup", ["Uniqueid": "c1", "Cause": "21"])], .callRejected),
            ([event("Newchannel", ["Uniqueid": "c1"]), event("Hangup", ["Uniqueid": "c1", "Cause": "1"])], .unknownEndpoint),
            // An OriginateResponse failure announces the reason before the hangup's generic cause.
            ([event("Newchannel", ["Uniqueid": "c1"]), event("OriginateResponse", ["ActionID": "a1", "Response": "Failure", "Reason": "8"]),
              event("Hangup", ["Uniqueid": "c1", "Cause": "16"])], .congestion),
            // No channel was ever created: the OriginateResponse alone ends the call.
            ([event("OriginateResponse", ["ActionID": "a1", "Response": "Failure", "Reason": "0", "Uniqueid": "<unknown>"])], .unknownEndpoint),
        ]
        for (events, reason) in cases {
            var tracker = AMICallTracker(channelID: "c1", actionID: "a1")
            for event in events { tracker.apply(event) }
            guard case .ended(let end) = tracker.state else {
                Issue.record("not ended after \(events.map(\.name))")
                continue
            }
            #expect(end.reason == reason && !end.wasAnswered, "\(events.map(\.name))")
        }
    }

    @Test func anotherActionsResponseIsIgnored() {
        var tracker = AMICallTracker(channelID: "c1", actionID: "a1")
        let other = tracker.apply(event("OriginateResponse", ["ActionID": "a2", "Response": "Failure", "Reason": "5"]))
        #expect(!other)
        #expect(tracker.state == .requested)
        tracker.end(.actionRejected("Originate failed"))
        #expect(tracker.state == .ended(AMICallEnd(reason: .actionRejected("Originate failed"))))
    }
}
