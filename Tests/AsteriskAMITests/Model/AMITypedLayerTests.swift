import AsteriskTesting
import NIOCore
import Testing

@testable import AsteriskAMI

/// Every event frame of a capture.
private func captureEvents(_ name: String) throws -> [AMIEvent] {
    var parser = AMIFrameParser()
    var events: [AMIEvent] = []
    for stream in try CaptureFixture.inboundStreams(name) {
        parser = AMIFrameParser()
        var buffer = ByteBuffer(bytes: stream.flatMap { $0 })
        while let output = try parser.next(from: &buffer) {
            if case .message(let message) = output, message.kind == .event { events.append(AMIEvent(message: message)) }
        }
    }
    return events
}

@Suite("Typed actions and events")
struct AMITypedLayerTests {
    @Test func typedEventsReadRealFrames() throws {
        let events = try captureEvents("ami-originate")
        let hangups = events.filter { $0.isNamed(HangupEvent.eventName) }.map(HangupEvent.init(event:))
        #expect(!hangups.isEmpty)
        for hangup in hangups {
            #expect(hangup.cause != nil)
            #expect(hangup.causeText != nil)
            #expect(hangup.channel?.hasPrefix("Local/") == true)
            #expect(hangup.uniqueID == hangup.channelSnapshot.uniqueID)
        }
        let dial = try #require(events.first { $0.isNamed("DialBegin") }.map(DialBeginEvent.init(event:)))
        #expect(dial.dest.channel?.hasPrefix("Local/") == true)
        #expect(dial.dialString != nil)
        let origin = try #require(events.first { $0.isNamed("OriginateResponse") }.map(OriginateResponseEvent.init(event:)))
        #expect(origin.event.actionID == "orig-1")
        #expect(origin.reason == 4)
        // Every header stays reachable, typed or not.
        #expect(origin["Response"] == "Success")
        let newexten = try #require(events.first { $0.isNamed(NewExtenEvent.eventName) })
        #expect(NewExtenEvent(event: newexten).application != nil)
    }

    @Test func generatedActionsSendTheirHeadersInOrder() {
        let pause = QueuePauseAction(interface: "PJSIP/100", paused: true, queue: "support", reason: "lunch")
        #expect(pause.headers == [
            AMIHeader(name: "Interface", value: "PJSIP/100"), AMIHeader(name: "Paused", value: "true"),
            AMIHeader(name: "Queue", value: "support"), AMIHeader(name: "Reason", value: "lunch"),
        ])
        let setvar = SetvarAction(variable: "FOO", value: "bar", channel: "PJSIP/100-1")
        #expect(setvar.headers.map(\.name) == ["Channel", "Variable", "Value"])
        #expect(HangupAction(channel: "PJSIP/1", cause: 16).headers.last == AMIHeader(name: "Cause", value: "16"))
        #expect(CoreShowChannelsAction.responseShape == .eventList(completeEvent: "CoreShowChannelsComplete"))
    }

    @Test func originateMakesAsyncExplicit() {
        let originate = OriginateAction(
            channel: "Local/100@calls/n", destination: .dialplan(context: "calls", exten: "103"), timeout: .seconds(3),
            callerID: "Lab <5551234>", variables: ["V2": "two", "V1": "one"], channelID: "lab-chan-1")
        let headers = originate.headers
        #expect(headers.first { $0.name == "Async" }?.value == "true")
        #expect(headers.first { $0.name == "Timeout" }?.value == "3000")
        #expect(headers.filter { $0.name == "Variable" }.map(\.value) == ["V1=one", "V2=two"])
        #expect(headers.first { $0.name == "ChannelId" }?.value == "lab-chan-1")
    }

    @Test func typedListAndTypedEventStreamOverLoopback() async throws {
        let server = try await FakeAMIServer.start()
        server.addChannel(FakeChannel(name: "PJSIP/100-00000001", uniqueID: "u.1", callerIDNumber: "100"))
        let client = makeClient(server)
        try await client.connect()
        let list = try await client.send(CoreShowChannelsAction())
        #expect(list.items.map(\.channel) == ["PJSIP/100-00000001"])
        #expect(list.items.first?.callerIDNumber == "100")

        let hangups = client.events(of: HangupEvent.self)
        let states = client.events(of: NewstateEvent.self, where: .matching { $0["Uniqueid"] == "call-7" })
        _ = try await client.send(OriginateAction(
            channel: "PJSIP/200", destination: .application("Wait", data: "1"), channelID: "call-7"))
        var stateIterator = states.makeAsyncIterator()
        #expect(try await stateIterator.next()?.channelStateDescription == "Ringing")
        #expect(try await stateIterator.next()?.channelState == 6)
        var hangupIterator = hangups.makeAsyncIterator()
        let hangup = try #require(try await hangupIterator.next())
        #expect(hangup.uniqueID == "call-7")
        #expect(hangup.cause == 16)
        await client.close()
        await server.stop()
    }

    @Test func simulatedCallOutcomesAreToldApart() async throws {
        let server = try await FakeAMIServer.start()
        server.setOriginateOutcome { request in
            switch request["Channel"] {
            case "PJSIP/busy": return .busy
            case "PJSIP/away": return .noAnswer(ringing: .milliseconds(5))
            case "PJSIP/nobody": return .unknownExtension
            default: return .answer()
            }
        }
        let client = makeClient(server)
        try await client.connect()
        let responses = client.events(of: OriginateResponseEvent.self)
        var iterator = responses.makeAsyncIterator()
        var reasons: [String: Int] = [:]
        for target in ["PJSIP/busy", "PJSIP/away", "PJSIP/nobody", "PJSIP/100"] {
            let queued = try await client.send(OriginateAction(channel: target, destination: .application("Wait", data: "1")))
            #expect(queued.messageText == "Originate successfully queued")
            let result = try #require(try await iterator.next())
            #expect(result.event.actionID != nil)
            reasons[target] = result.reason
        }
        #expect(reasons == ["PJSIP/busy": 5, "PJSIP/away": 3, "PJSIP/nobody": 0, "PJSIP/100": 4])
        await client.close()
        await server.stop()
    }
}
