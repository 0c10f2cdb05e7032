import AsteriskConfig
import AsteriskTesting
import Testing

@testable import AsteriskAMI

@Suite("AMI settings from manager.conf")
struct AMIManagerConfTests {
    private func managerConf(_ general: String, users: String = "[admin]\nsecret = secret\nread = all\n") throws -> ConfigDocument {
        try ConfigParser(file: "manager.conf").parse("[general]\n\(general)\n\(users)")
    }

    @Test func aUserSectionLogsInToTheFakeServer() async throws {
        let server = try await FakeAMIServer.start()
        let conf = try managerConf("enabled = yes\nport = \(server.port)\nbindaddr = 0.0.0.0\n", users: "[mgr](!)\nread = all\n[admin](mgr)\nsecret = secret\n")
        var configuration = try AMIClientConfiguration(managerConf: conf, user: "admin", md5: true)
        #expect(configuration.host == "127.0.0.1" && configuration.port == server.port)
        configuration.keepAliveInterval = nil
        let client = AMIClient(configuration: configuration)
        try await client.connect()
        #expect(try await client.send(PingAction()).ping == "Pong")
        #expect(server.receivedActions.contains { $0["AuthType"] == "MD5" })
        await client.close()
        await server.stop()
    }

    @Test func addressesAndTLSFollowTheGeneralSection() throws {
        let plain = try AMIClientConfiguration(managerConf: managerConf("enabled = yes\nbindaddr = 192.0.2.7\n"), user: "admin")
        #expect(plain.host == "192.0.2.7" && plain.port == 5038 && plain.tls == nil)
        #expect(plain.secret == .plain("secret"))
        let v6 = try AMIClientConfiguration(managerConf: managerConf("enabled = yes\nbindaddr = ::\n"), user: "admin", host: nil)
        #expect(v6.host == "::1")
        let tls = try AMIClientConfiguration(managerConf: managerConf("enabled = yes\ntlsenable = yes\ntlsbindaddr = 0.0.0.0:5999\n"), user: "admin", useTLS: true)
        #expect(tls.host == "127.0.0.1" && tls.port == 5999 && tls.tls != nil)
        let tlsDefault = try AMIClientConfiguration(managerConf: managerConf("enabled = yes\ntlsenable = yes\n"), user: "admin", host: "pbx", useTLS: true)
        #expect(tlsDefault.host == "pbx" && tlsDefault.port == 5039)
    }

    @Test func unusableSettingsAreExplained() throws {
        let cases: [(String, String, String)] = [
            ("enabled = no\n", "admin", "not enabled"),
            ("enabled = yes\n", "nobody", "no manager user [nobody]"),
            ("enabled = maybe\n", "admin", "must be yes or no"),
            ("enabled = yes\nbindaddr = :\n", "admin", "not an address"),
        ]
        for (general, user, words) in cases {
            let error = failure { _ = try AMIClientConfiguration(managerConf: try managerConf(general), user: user) }
            #expect(error?.code == .invalidConfiguration, "accepted \(general.debugDescription) for \(user)")
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        }
        let noSecret = try managerConf("enabled = yes\n", users: "[admin]\nread = all\n")
        #expect(failure { _ = try AMIClientConfiguration(managerConf: noSecret, user: "admin") }?.message.contains("no secret") == true)
        let noTLS = try managerConf("enabled = yes\n")
        #expect(failure { _ = try AMIClientConfiguration(managerConf: noTLS, user: "admin", useTLS: true) }?.message.contains("TLS") == true)
    }

    /// The AMIError `body` throws, if any.
    private func failure(_ body: () throws -> Void) -> AMIError? {
        do {
            try body()
            return nil
        } catch {
            return error as? AMIError
        }
    }

    @Test func theSampleManagerConfNeedsEnabling() throws {
        guard let samples = SharedSamples.directory else { return }
        let loaded = try ConfigLoader(configDirectory: samples).load("manager.conf")
        #expect(failure { _ = try AMIClientConfiguration(managerConf: loaded, user: "mark") }?.message.contains("not enabled") == true)
    }
}

/// Asterisk's sample configs, when the shared reference data sits beside the checkout.
enum SharedSamples {
    /// The samples' directory, or `nil` (with a note) when absent.
    static var directory: String? {
        var path = #filePath
        for _ in 0..<5 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        let samples = path + "/shared/asterisk/config-samples"
        guard (try? ConfigParser.parse(contentsOfFile: samples + "/manager.conf")) != nil else {
            print("skipped: \(samples) is absent (the shared reference data is not beside this checkout)")
            return nil
        }
        return samples
    }
}
