import AsteriskAGI
import AsteriskAMI
import AsteriskIVR
import AsteriskTesting
import Logging

/// The AGI part of `astctl demo`: an IVR menu served over FastAGI with a caller pressing keys, and
/// an AsyncAGI session driven over AMI.
enum DemoAGIScenario {
    static func fastAGI(logger: Logger, step: @escaping @Sendable (String) -> Void) async throws {
        step("FastAGI: serving an IVR menu on loopback; the caller presses 1, then the PIN 1234")
        let menu = Menu(
            prompts: [.sound("main-menu")],
            options: [
                "1": .collect("pin", CollectDigits(prompts: [.sound("enter-pin")], minimumLength: 4, maximumLength: 4)),
                "0": .exit,
            ])
        let server = FastAGIServer(configuration: .init(port: 0), logger: logger) { router in
            router.route("ivr") { call in
                try await call.answer()
                let result = try await menu.run(on: call)
                guard case .chosen(let choice, let input) = result.outcome else {
                    step("  menu ended without a choice: \(result.outcome)")
                    return try await call.hangup()
                }
                step("  menu chose '\(choice)' with input \(input ?? "none") after keys \(String(result.path))")
                let welcome = input == "1234" ? "auth-thankyou" : "auth-incorrect"
                try await call.streamFile(welcome)
                try await call.hangup()
            }
        }
        try await server.start()
        let dialogue = try await FakeAGICaller.call(
            port: server.port, script: "ivr?lang=en", dialogue: FakeAGIDialogue(keys: ["1", "1", "2", "3", "4"]))
        for (command, reply) in zip(dialogue.commands, dialogue.replies) { step("  \(command.line)  →  \(reply)") }
        await server.shutdown()
    }

    static func asyncAGI(ami: AMIClient, server: FakeAMIServer, logger: Logger, step: @escaping @Sendable (String) -> Void) async throws {
        step("AsyncAGI: a call enters AGI(agi:async) and is driven over AMI")
        let asyncAGI = AsyncAGIServer(client: ami, logger: logger) { call in
            try await call.answer()
            let caller = try await call.getVariable("CALLERID(num)")
            try await call.sayDigits(caller ?? "0")
        }
        let controller = Task { try await asyncAGI.run() }
        let ended = ami.events(named: "AsyncAGIEnd")
        try await Task.sleep(for: .milliseconds(20))
        let channel = FakeChannel(name: "PJSIP/200-00000002", uniqueID: "demo-async-1")
        server.startAsyncAGI(on: channel, dialogue: FakeAGIDialogue(variables: ["CALLERID(num)": "5551234"]))
        var endedIterator = ended.makeAsyncIterator()
        _ = try await endedIterator.next()
        for command in server.asyncAGIRecord(for: channel.name)?.commands ?? [] { step("  AGI action: \(command.line)") }
        controller.cancel()
        _ = try? await controller.value
    }
}
