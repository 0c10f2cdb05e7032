import AsteriskARI
import AsteriskTesting
import NIOConcurrencyHelpers

/// The ARI part of `astctl demo`: a Stasis application that plays a prompt and collects DTMF,
/// against the fake ARI server.
enum DemoARIScenario {
    static func run(step: @escaping @Sendable (String) -> Void) async throws {
        step("ARI: starting the fake ARI server and a Stasis application 'demo'")
        let server = try await FakeARIServer.start()
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret")))
        let collected = NIOLockedValueBox<String?>(nil)
        let app = StasisApplication(name: "demo", client: ari) { call in
            step("  StasisStart \(call.id) (args \(call.args.joined(separator: ",")))")
            try await call.answer()
            step("  answered")
            let playback = try await call.play("sound:enter-pin")
            step("  played \(playback.mediaUri) → \(playback.state)")
            let digits = try await call.collectDigits(maxDigits: 4, terminators: ["#"])
            collected.withLockedValue { $0 = digits.digits }
            step("  collected DTMF \(digits.digits) (\(digits.ending))")
            try await call.hangup()
            step("  hung up")
        }
        try await app.start()
        let running = Task { try await app.run() }
        let call = server.simulateCall(app: "demo", args: ["from-demo"])
        server.sendDTMF("4242#", to: call)
        while server.channelState(call) != nil { try await Task.sleep(for: .milliseconds(5)) }
        app.stop()
        try await running.value
        try await ari.shutdown()
        await server.stop()
        step("ARI: the call left with PIN \(collected.withLockedValue { $0 } ?? "?")")
    }
}
