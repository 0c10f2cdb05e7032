import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

@Suite("ARI secrets and injection")
struct ARISecurityTests {
    @Test func passwordsAndKeysNeverReachLogsOrErrors() async throws {
        let password = "Pa55-w0rd-Never-Shown"
        let server = try await FakeARIServer.start()
        for credentials in [ARICredentials.basic("app", password), .apiKey("app", password)] {
            let (logger, store) = CapturingLogHandler.logger()
            let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: credentials, connectTimeout: TestTiming.scaled(.seconds(2))), logger: logger)
            do {
                _ = try await ari.asterisk.getInfo()
                Issue.record("a wrong password was accepted")
            } catch {
                #expect(error.status == 401)
                #expect(!"\(error)".contains(password))
            }
            do {
                _ = try await ari.events(apps: ["ivr"], reconnect: .disabled)
                Issue.record("a wrong password opened the events socket")
            } catch {
                #expect(!"\(error)".contains(password))
            }
            #expect(!"\(ari.configuration)".contains(password))
            try await ari.shutdown()
            #expect(!store.all.contains(password))
        }
        let fromURL = try ARIClientConfiguration(url: "http://app:\(password)@127.0.0.1:8088")
        #expect(!"\(fromURL)".contains(password))
        await server.stop()
    }

    @Test func aClientReleasedWithoutShutdownDoesNotCrashTheProcess() async throws {
        let server = try await FakeARIServer.start()
        do {
            let forgotten = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret")))
            _ = try await forgotten.asterisk.getInfo()
        }
        // Had the release trapped, this process (and every test in it) would be gone by now.
        try await Task.sleep(for: .milliseconds(200))
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret")))
        _ = try await ari.asterisk.getInfo()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func identifiersAndValuesWithLineBreaksCannotSplitARequest() async throws {
        let server = try await FakeARIServer.start()
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret")))
        let hostile = "x\r\nDELETE /ari/channels/victim HTTP/1.1\r\nHost: a\r\n\r\n"
        let victim = server.simulateCall(app: "ivr", channelID: "victim")
        let before = server.requests.count
        do {
            _ = try await ari.channels.get(channelID: hostile)
        } catch {
            #expect(error.status == 404 || error.code == .invalidRequest)
        }
        do {
            try await ari.channels.setChannelVar(channelID: victim, variable: "X", value: hostile)
        } catch {
            Issue.record("a value with line breaks was not sent encoded: \(error)")
        }
        // Exactly the two requests went out; the victim channel still exists.
        #expect(server.requests.count - before <= 2)
        #expect(!server.requests.contains { $0.method == "DELETE" })
        #expect(server.channelIDs.contains(victim))
        try await ari.shutdown()
        await server.stop()
    }
}
