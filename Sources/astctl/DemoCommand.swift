import ArgumentParser
import AsteriskAGI
import AsteriskAMI
import AsteriskTesting
import Logging

/// `astctl demo`: a narrated tour against the built-in fake Asterisk.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a narrated scenario against the built-in fake Asterisk (no PBX needed).")

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let step: @Sendable (String) -> Void = { print("▸ \($0)") }

        step("Starting the built-in fake Asterisk (AMI on loopback)")
        let server = try await FakeAMIServer.start(.init(users: [FakeAMIUser(username: "demo", secret: "demo-secret")]))
        step("  listening on 127.0.0.1:\(server.port)")

        var logger = Logger(label: "astctl.demo")
        logger.logLevel = .warning
        let ami = AMIClient(configuration: try DemoConfigScenario.managerLogin(port: server.port, step: step), logger: logger)
        try await ami.connect()
        step("AMI: logged in with an MD5 challenge; banner '\(ami.banner?.line ?? "?")'")

        let pong = try await ami.send(PingAction())
        step("AMI: Ping → \(pong.ping ?? "?")")

        let settings = try await ami.send(action: "CoreSettings")
        step("AMI: CoreSettings → Asterisk \(settings["AsteriskVersion"] ?? "?"), AMI \(settings["AMIversion"] ?? "?")")

        let version = try await ami.send(CommandAction("core show version"))
        step("AMI: Command 'core show version' → \(version.output.first ?? "")")

        let callID = "demo-call-1"
        let events = ami.events(.matching { event in
            event["Uniqueid"] == callID || event["DestUniqueid"] == callID || event.isNamed("OriginateResponse")
        })
        let originate = OriginateAction(
            channel: "PJSIP/100", destination: .dialplan(context: "default", exten: "100"),
            callerID: "\"Demo\" <5551234>", variables: ["DEMO": "1"], channelID: callID)
        let queued = try await ami.send(originate)
        step("AMI: Originate PJSIP/100 → \(queued.messageText ?? "?")")
        for try await event in events {
            switch event.name {
            case "Newchannel": step("  event Newchannel \(event["Channel"] ?? "")")
            case "Newstate": step("  event Newstate → \(event["ChannelStateDesc"] ?? "")")
            case "DialBegin": step("  event DialBegin \(event["DestChannel"] ?? "")")
            case "DialEnd": step("  event DialEnd \(event["DialStatus"] ?? "")")
            case "OriginateResponse": step("  event OriginateResponse \(event["Response"] ?? "") (reason \(event["Reason"] ?? ""))")
            case "Hangup": step("  event Hangup cause \(event["Cause"] ?? "") (\(event["Cause-txt"] ?? ""))")
            default: step("  event \(event.name)")
            }
            if event.isNamed("Hangup") { break }
        }
        events.cancel()

        step("FastAGI: serving an IVR on loopback and calling it as Asterisk would")
        let fastAGI = FastAGIServer(configuration: .init(port: 0), logger: logger) { router in
            router.route("ivr") { call in
                try await call.answer()
                let pin = try await call.getData("enter-pin", timeout: .seconds(5), maxDigits: 4)
                try await call.streamFile(pin.digits == "1234" ? "auth-thankyou" : "auth-incorrect")
                try await call.hangup()
            }
        }
        try await fastAGI.start()
        let dialogue = try await FakeAGICaller.call(
            port: fastAGI.port, script: "ivr?lang=en", dialogue: FakeAGIDialogue(digitEntries: ["1234"]))
        for (command, reply) in zip(dialogue.commands, dialogue.replies) { step("  \(command.line)  →  \(reply)") }
        await fastAGI.shutdown()

        step("AsyncAGI: a call enters AGI(agi:async) and is driven over AMI")
        let asyncAGI = AsyncAGIServer(client: ami, logger: logger) { call in
            try await call.answer()
            let caller = try await call.getVariable("CALLERID(num)")
            try await call.sayDigits(caller ?? "0")
        }
        let controller = Task { try await asyncAGI.run() }
        let ended = ami.events(named: "AsyncAGIEnd")
        try await Task.sleep(for: .milliseconds(20))
        let asyncChannel = FakeChannel(name: "PJSIP/200-00000002", uniqueID: "demo-async-1")
        server.startAsyncAGI(on: asyncChannel, dialogue: FakeAGIDialogue(variables: ["CALLERID(num)": "5551234"]))
        var endedIterator = ended.makeAsyncIterator()
        _ = try await endedIterator.next()
        for command in server.asyncAGIRecord(for: asyncChannel.name)?.commands ?? [] { step("  AGI action: \(command.line)") }
        controller.cancel()
        _ = try? await controller.value

        await ami.close()
        await server.stop()

        try await DemoARIScenario.run(step: step)
        try DemoConfigScenario.run(step: step)
        let elapsed = clock.now - started
        let (seconds, attoseconds) = elapsed.components
        step("Done in \(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms")
    }
}
