import AsteriskTesting
import Testing

@testable import AsteriskAMI

@Suite("Tracked originate over loopback")
struct AMITrackedOriginateTests {
    private func call(_ channel: String, id: String? = nil) -> OriginateAction {
        OriginateAction(channel: channel, destination: .dialplan(context: "office", exten: "200"), channelID: id)
    }

    @Test func manyCallsInFlightEndForTheirOwnReasons() async throws {
        let server = try await FakeAMIServer.start()
        server.setOriginateOutcome { request in
            switch request["Channel"] {
            case "PJSIP/busy": return .busy
            case "PJSIP/away": return .noAnswer(ringing: .milliseconds(20))
            case "PJSIP/trunk": return .congestion
            case "PJSIP/nobody": return .unknownExtension
            default: return .answer(ringing: .milliseconds(10), talking: .milliseconds(30))
            }
        }
        let client = makeClient(server)
        try await client.connect()
        let destinations = ["PJSIP/100", "PJSIP/busy", "PJSIP/away", "PJSIP/trunk", "PJSIP/nobody", "PJSIP/101"]
        var calls: [AMICall] = []
        for destination in destinations { calls.append(try await client.originate(call(destination))) }
        #expect(Set(calls.map(\.channelID)).count == destinations.count)
        var reasons: [AMICallEnd.Reason] = []
        for call in calls { reasons.append(try await call.ended(timeout: .seconds(5)).reason) }
        #expect(reasons == [.completed, .busy, .noAnswer, .congestion, .unknownEndpoint, .completed])
        let first = try await calls[0].ended()
        #expect(first.wasAnswered && first.cause == 16 && first.causeText == "Normal Clearing")
        #expect(calls[0].channelName?.hasPrefix("PJSIP/100-") == true)
        // Awaiting the answer of an unanswered call says why it was not.
        do {
            try await calls[1].answered(timeout: .seconds(5))
            Issue.record("a busy call was answered")
        } catch {
            #expect(error.kind == .ended(AMICallEnd(reason: .busy, cause: 17, causeText: "User busy")))
        }
        await client.close()
        await server.stop()
    }

    @Test func answeredHeldHungUpAndTimeouts() async throws {
        let server = try await FakeAMIServer.start()
        server.setOriginateOutcome { _ in .answerAndHold(ringing: .milliseconds(10)) }
        let client = makeClient(server)
        try await client.connect()
        let call = try await client.originate(call("PJSIP/100", id: "my-call-1"))
        #expect(call.channelID == "my-call-1")
        var states: [AMICallState] = []
        let watcher = Task {
            var seen: [AMICallState] = []
            for await state in call.updates { seen.append(state) }
            return seen
        }
        try await call.answered(timeout: .seconds(5))
        do {
            _ = try await call.ended(timeout: .milliseconds(50))
            Issue.record("a held call ended")
        } catch {
            #expect(error.kind == .timeout)
        }
        try await call.hangUp()
        let end = try await call.ended(timeout: .seconds(5))
        #expect(end.reason == .completed && end.cause == 16)
        states = await watcher.value
        #expect(states.first != nil && states.last == .ended(end))
        #expect(states.contains(.answered))
        #expect(server.receivedActions.contains { $0["Action"] == "Originate" && $0["ChannelId"] == "my-call-1" && $0["Async"] == "true" })
        await client.close()
        await server.stop()
    }

    @Test func hundredsOfConcurrentCallsAreRoutedByTheirIdsAndForgottenWhenOver() async throws {
        let server = try await FakeAMIServer.start()
        server.setOriginateOutcome { request in
            request["Channel"]!.hasSuffix("7") ? .busy : .answer(ringing: .milliseconds(5), talking: .milliseconds(20))
        }
        let client = makeClient(server)
        try await client.connect()
        let reasons = try await withThrowingTaskGroup(of: (Int, AMICallEnd.Reason).self) { group in
            for index in 0..<300 {
                group.addTask {
                    let placed = try await client.originate(call("PJSIP/\(index)"))
                    return (index, try await placed.ended(timeout: .seconds(20)).reason)
                }
            }
            var reasons: [Int: AMICallEnd.Reason] = [:]
            for try await (index, reason) in group { reasons[index] = reason }
            return reasons
        }
        #expect(reasons.count == 300)
        #expect(reasons.allSatisfy { $0.value == (String($0.key).hasSuffix("7") ? .busy : .completed) })
        // The router forgets a call right after delivering its last event.
        _ = try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(10)) { client.callRouter.count == 0 }
        #expect(client.callRouter.count == 0)
        await client.close()
        await server.stop()
    }

    @Test func aRefusedActionAndALostConnectionEndTheCall() async throws {
        let server = try await FakeAMIServer.start()
        server.onAction("Originate") { _ in .error(message: "Originate is not allowed") }
        let client = makeClient(server)
        try await client.connect()
        let refused = try await client.originate(call("PJSIP/100"))
        #expect(refused.state == .ended(AMICallEnd(reason: .actionRejected("Originate is not allowed"))))

        let other = try await FakeAMIServer.start()
        other.setOriginateOutcome { _ in .answerAndHold(ringing: .milliseconds(5)) }
        let second = makeClient(other)
        try await second.connect()
        let held = try await second.originate(call("PJSIP/100"))
        try await held.answered(timeout: .seconds(5))
        other.dropAllConnections()
        let end = try await held.ended(timeout: .seconds(5))
        #expect(end.reason == .connectionLost && end.wasAnswered)
        await client.close()
        await second.close()
        await server.stop()
        await other.stop()
    }

    @Test func aCancelledWaitSaysSo() async throws {
        let server = try await FakeAMIServer.start()
        server.setOriginateOutcome { _ in .answerAndHold(ringing: .seconds(30)) }
        let client = makeClient(server)
        try await client.connect()
        let call = try await client.originate(call("PJSIP/100"))
        let waiter = Task { () -> AMICallError? in
            do {
                try await call.answered()
                return nil
            } catch let error as AMICallError {
                return error
            } catch {
                return nil
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        #expect(await waiter.value?.kind == .cancelled)
        await client.close()
        await server.stop()
    }
}
