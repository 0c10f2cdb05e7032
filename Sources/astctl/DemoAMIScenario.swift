import AsteriskAMI
import AsteriskTesting

/// The AMI part of `astctl demo`: an action, a CLI command, a tracked call followed to its hangup,
/// and the live model watching it.
enum DemoAMIScenario {
    static func run(ami: AMIClient, server: FakeAMIServer, step: @escaping @Sendable (String) -> Void) async throws {
        let pong = try await ami.send(PingAction())
        step("AMI: Ping → \(pong.ping ?? "?")")
        let settings = try await ami.send(action: "CoreSettings")
        step("AMI: CoreSettings → Asterisk \(settings["AsteriskVersion"] ?? "?"), AMI \(settings["AMIversion"] ?? "?")")
        let version = try await ami.send(CommandAction("core show version"))
        step("AMI: Command 'core show version' → \(version.output.first ?? "")")

        server.addQueue("support", members: [FakeQueueMember(interface: "PJSIP/400", name: "Dana")])
        let model = AMILiveModel(client: ami)
        try await model.start()
        step("AMI: live model loaded — \(await model.channels.count) channels, \(await model.queues.map(\.name)) queues")

        let call = try await ami.originate(OriginateAction(
            channel: "PJSIP/100", destination: .dialplan(context: "default", exten: "100"), callerID: "\"Demo\" <5551234>",
            variables: ["DEMO": "1"]))
        step("AMI: Originate PJSIP/100 → tracked as \(call.channelID)")
        for await state in call.updates {
            switch state {
            case .requested: step("  call requested")
            case .dialing: step("  call dialing \(call.channelName ?? "")")
            case .ringing: step("  call ringing")
            case .answered:
                // The model follows the same events on its own; give it a moment to catch up.
                for _ in 0..<100 where await model.channel(call.channelID)?.state != 6 { try await Task.sleep(for: .milliseconds(5)) }
                let seen = await model.channel(call.channelID)
                step("  call answered; the live model shows it \(seen?.stateDescription ?? "?") in \(seen?.context ?? "?")")
            case .ended(let end):
                step("  call ended: \(end.reason), cause \(end.cause.map(String.init) ?? "?") (\(end.causeText ?? "")), answered: \(end.wasAnswered)")
            }
        }
        await model.stop()
    }
}
