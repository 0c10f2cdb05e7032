import NIOCore
import Testing

@testable import AsteriskAMI

private func frame(_ text: String) -> AMIMessage {
    var parser = AMIFrameParser(expectsBanner: false)
    var buffer = ByteBuffer(string: text)
    guard case .message(let message)? = try? parser.next(from: &buffer) else { fatalError("bad test frame") }
    return message
}

@Suite("AMIRequestTracker")
struct AMIRequestTrackerTests {
    @Test func completesASingleResponse() {
        var tracker = AMIRequestTracker<Void>()
        tracker.register(actionID: "p-1", action: "Ping", shape: .automatic)
        guard case .completed(let id, _, _, .success(let response)) = tracker.receive(frame("Response: Success\r\nActionID: p-1\r\nPing: Pong\r\n\r\n")) else {
            Issue.record("not completed")
            return
        }
        #expect(id == "p-1")
        #expect(response["Ping"] == "Pong")
        #expect(tracker.pendingCount == 0)
    }

    @Test func errorResponsesFailWithServerMessage() {
        var tracker = AMIRequestTracker<Void>()
        tracker.register(actionID: "l-1", action: "Login", shape: .single)
        guard case .completed(_, _, _, .failure(let error)) = tracker.receive(frame("Response: Error\r\nActionID: l-1\r\nMessage: Authentication failed\r\n\r\n")) else {
            Issue.record("not failed")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.serverMessage == "Authentication failed")
        #expect(error.actionID == "l-1")
    }

    @Test func collectsAListWhileOtherEventsPassThrough() {
        var tracker = AMIRequestTracker<Void>()
        tracker.register(actionID: "c-1", action: "CoreShowChannels", shape: .automatic)
        guard case .listItem = tracker.receive(frame("Response: Success\r\nActionID: c-1\r\nEventList: start\r\n\r\n")) else {
            Issue.record("list not started")
            return
        }
        guard case .listItem = tracker.receive(frame("Event: CoreShowChannel\r\nActionID: c-1\r\nChannel: A\r\n\r\n")) else {
            Issue.record("item not claimed")
            return
        }
        guard case .event(let other) = tracker.receive(frame("Event: Newchannel\r\nChannel: B\r\n\r\n")) else {
            Issue.record("unrelated event claimed")
            return
        }
        #expect(other.name == "Newchannel")
        guard case .event = tracker.receive(frame("Event: CoreShowChannel\r\nActionID: someone-else\r\n\r\n")) else {
            Issue.record("foreign ActionID claimed")
            return
        }
        _ = tracker.receive(frame("Event: CoreShowChannel\r\nActionID: c-1\r\nChannel: C\r\n\r\n"))
        guard case .completed(_, _, _, .success(let response)) = tracker.receive(
            frame("Event: CoreShowChannelsComplete\r\nActionID: c-1\r\nEventList: Complete\r\nListItems: 2\r\n\r\n"))
        else {
            Issue.record("list not completed")
            return
        }
        #expect(response.events.map { $0["Channel"] } == ["A", "C"])
        #expect(response.completionEvent?["ListItems"] == "2")
    }

    @Test func explicitListShapeCompletesOnNamedEvent() {
        var tracker = AMIRequestTracker<Void>()
        tracker.register(actionID: "s-1", action: "Status", shape: .eventList(completeEvent: "StatusComplete"))
        _ = tracker.receive(frame("Response: Success\r\nActionID: s-1\r\nMessage: Channel status will follow\r\n\r\n"))
        _ = tracker.receive(frame("Event: Status\r\nActionID: s-1\r\n\r\n"))
        guard case .completed(_, _, _, .success(let response)) = tracker.receive(frame("Event: StatusComplete\r\nActionID: s-1\r\nItems: 1\r\n\r\n")) else {
            Issue.record("not completed by name")
            return
        }
        #expect(response.events.count == 1)
    }

    @Test func lateResponsesAfterCancelAreUnmatched() {
        var tracker = AMIRequestTracker<Void>()
        tracker.register(actionID: "x", action: "Ping", shape: .single)
        #expect(tracker.cancel(actionID: "x")?.action == "Ping")
        guard case .unmatchedResponse = tracker.receive(frame("Response: Success\r\nActionID: x\r\n\r\n")) else {
            Issue.record("late response was matched")
            return
        }
    }

    @Test func failAllReturnsEveryPendingRequest() {
        var tracker = AMIRequestTracker<Void>()
        tracker.register(actionID: "a", action: "Ping", shape: .single)
        tracker.register(actionID: "b", action: "CoreShowChannels", shape: .automatic)
        _ = tracker.receive(frame("Response: Success\r\nActionID: b\r\nEventList: start\r\n\r\n"))
        #expect(Set(tracker.failAll().map(\.actionID)) == ["a", "b"])
        #expect(tracker.pendingCount == 0)
        guard case .event = tracker.receive(frame("Event: CoreShowChannel\r\nActionID: b\r\n\r\n")) else {
            Issue.record("stale list still claimed events")
            return
        }
    }

    /// Replays a real session: every action the client sent completes from Asterisk's bytes.
    @Test(arguments: ["ami-basic", "ami-originate", "asterisk-20/ami-basic", "asterisk-20/ami-originate"])
    func replayOfARealSessionCompletesEveryAction(name: String) throws {
        var tracker = AMIRequestTracker<Void>()
        var parser = AMIFrameParser()
        var buffer = ByteBuffer()
        var completed: Set<String> = []
        var sent: Set<String> = []
        for chunk in try CaptureFixture.load(name) {
            switch chunk.direction {
            case "out":
                var outBuffer = ByteBuffer(bytes: chunk.data)
                var outParser = AMIFrameParser(expectsBanner: false)
                while case .message(let action)? = try outParser.next(from: &outBuffer) {
                    let id = try #require(action["ActionID"])
                    sent.insert(id)
                    tracker.register(actionID: id, action: action["Action"] ?? "", shape: .automatic)
                }
            case "in":
                buffer.writeBytes(chunk.data)
                while let output = try parser.next(from: &buffer) {
                    if case .message(let message) = output, case .completed(let id, _, _, _) = tracker.receive(message) {
                        completed.insert(id)
                    }
                }
            default:
                parser = AMIFrameParser()
                buffer.clear()
            }
        }
        #expect(!sent.isEmpty)
        #expect(completed == sent)
    }
}
