import ArgumentParser
import AsteriskAMI
import AsteriskTesting
import Logging

/// `astctl demo`: a narrated tour against the built-in fake Asterisk.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a narrated scenario against the built-in fake Asterisk (no PBX needed).",
        discussion: """
            Touches every module: AMI (actions, a tracked call, the live model), FastAGI with an IVR menu, AsyncAGI,             ARI (a Stasis application), and configuration files.
            """)

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

        try await DemoAMIScenario.run(ami: ami, server: server, step: step)
        try await DemoAGIScenario.fastAGI(logger: logger, step: step)
        try await DemoAGIScenario.asyncAGI(ami: ami, server: server, logger: logger, step: step)

        await ami.close()
        await server.stop()

        try await DemoARIScenario.run(step: step)
        try DemoConfigScenario.run(step: step)
        let elapsed = clock.now - started
        let (seconds, attoseconds) = elapsed.components
        step("Done in \(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms")
    }
}
