import AsteriskTesting
import Testing

@testable import AsteriskAMI

@Suite("Secrets and legacy servers")
struct AMIClientSecurityTests {
    @Test func secretsNeverReachLogsOrErrors() async throws {
        let secret = "Sup3r-S3cret-Value"
        let server = try await FakeAMIServer.start(.init(users: [FakeAMIUser(username: "app", secret: secret)]))
        for method in [AMISecret.plain(secret), .md5(secret)] {
            let (logger, store) = CapturingLogHandler.logger()
            let configuration = AMIClientConfiguration(
                port: server.port, username: "app", secret: method, keepAliveInterval: nil, reconnect: .disabled)
            let client = AMIClient(configuration: configuration, logger: logger)
            try await client.connect()
            _ = try await client.send(PingAction())
            server.dropAllConnections()
            try await Task.sleep(for: .milliseconds(20))
            await client.close()
            #expect(!store.all.isEmpty)
            #expect(!store.all.contains(secret))
            #expect(!"\(configuration.secret)".contains(secret))
        }
        // A refused login's error mentions neither the secret nor the MD5 key.
        let (logger, store) = CapturingLogHandler.logger()
        let wrong = AMIClient(
            configuration: .init(port: server.port, username: "app", secret: .plain("Wrong-\(secret)"), reconnect: .disabled),
            logger: logger)
        do {
            try await wrong.connect()
        } catch {
            #expect(!"\(error)".contains(secret))
        }
        #expect(!store.all.contains(secret))
        let url = AMIConnectionURL.redact("ami://app:\(secret)@127.0.0.1:5038")
        #expect(!url.contains(secret))
        await server.stop()
    }

    @Test func legacyFollowsCommandOutputOverLoopback() async throws {
        let server = try await FakeAMIServer.start()
        server.onAction("Command") { [server] request in
            let id = request.actionID ?? ""
            server.sendRaw(Array(
                ("Response: Follows\r\nPrivilege: Command\r\nActionID: \(id)\r\n"
                    + "Channel              Location\r\n0 active channels\r\n--END COMMAND--\r\n\r\n").utf8))
            return .none
        }
        let client = makeClient(server)
        try await client.connect()
        let output = try await client.send(CommandAction("core show channels")).output
        #expect(output == ["Channel              Location", "0 active channels"])
        await client.close()
        await server.stop()
    }

    @Test func asterisk20BannerIsAccepted() async throws {
        let server = try await FakeAMIServer.start(.init(amiVersion: "9.0.0", asteriskVersion: "20.20.1"))
        let client = makeClient(server)
        try await client.connect()
        #expect(client.banner?.versionComponents == [9, 0, 0])
        let settings = try await client.send(CoreSettingsAction())
        #expect(settings["AsteriskVersion"] == "20.20.1")
        await client.close()
        await server.stop()
    }
}
