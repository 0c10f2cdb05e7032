import AsteriskAGI
import AsteriskAMI
import AsteriskTesting
import Testing

// The README's "Testing your own code with AsteriskTesting" examples, verbatim, so they stay true.
@Suite("README testing examples")
struct ReadmeTestingExampleTests {
    @Test func busyCallsAreReportedAsBusy() async throws {
        let server = try await FakeAMIServer.start()
        server.setOriginateOutcome { _ in .busy }
        let ami = AMIClient(configuration: .init(port: server.port, username: "admin", secret: .md5("secret")))
        try await ami.connect()
        let call = try await ami.originate(OriginateAction(channel: "PJSIP/100", destination: .dialplan(context: "default", exten: "100")))
        #expect(try await call.ended(timeout: .seconds(5)).reason == .busy)
        await ami.close()
        await server.stop()
    }

    @Test func theIVRThanksACorrectPin() async throws {
        let server = FastAGIServer(configuration: .init(port: 0)) { router in
            router.route("ivr") { call in  // your handler
                let pin = try await call.getData("enter-pin", timeout: .seconds(5), maxDigits: 4)
                try await call.streamFile(pin.digits == "1234" ? "auth-thankyou" : "auth-incorrect")
            }
        }
        try await server.start()
        let record = try await FakeAGICaller.call(port: server.port, script: "ivr", dialogue: FakeAGIDialogue(digitEntries: ["1234"]))
        #expect(record.commands.map(\.line).contains(#"STREAM FILE auth-thankyou """#))
        await server.shutdown()
    }
}
