import AsteriskTesting
import Foundation
import NIOSSL
import Testing

@testable import AsteriskAMI

/// Paths of the test CA and the server certificate (CN and SAN localhost / 127.0.0.1).
private func tlsFixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/tls"))
    return url.path
}

private func startTLSServer() async throws -> FakeAMIServer {
    let certificate = try NIOSSLCertificate.fromPEMFile(try tlsFixture("server.pem"))
    let key = try NIOSSLPrivateKey(file: try tlsFixture("server.key"), format: .pem)
    let tls = TLSConfiguration.makeServerConfiguration(certificateChain: certificate.map { .certificate($0) }, privateKey: .privateKey(key))
    return try await FakeAMIServer.start(.init(tls: tls))
}

@Suite("AMIClient over TLS")
struct AMIClientTLSTests {
    @Test func connectsWhenTheCertificateIsTrustedAndNamed() async throws {
        let server = try await startTLSServer()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(try tlsFixture("ca.pem"))
        let client = makeClient(server, secret: .md5("secret")) {
            $0.host = "localhost"
            $0.tls = tls
        }
        try await client.connect()
        #expect(try await client.send(PingAction()).ping == "Pong")
        await client.close()
        await server.stop()
    }

    @Test func refusesAnUntrustedCertificate() async throws {
        let server = try await startTLSServer()
        let client = makeClient(server) { $0.tls = .makeClientConfiguration() }
        await #expect(throws: AMIError.self) { try await client.connect() }
        await server.stop()
    }

    @Test func refusesAHostnameMismatch() async throws {
        let server = try await startTLSServer()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(try tlsFixture("ca.pem"))
        let client = makeClient(server) {
            $0.tls = tls
            $0.tlsServerHostname = "pbx.example.org"
        }
        await #expect(throws: AMIError.self) { try await client.connect() }
        await server.stop()
    }

    @Test func amisURLSelectsTLS() throws {
        let configuration = try AMIClientConfiguration(url: "amis://app:p%40ss@pbx.example.org?auth=md5&events=call,system")
        #expect(configuration.tls != nil)
        #expect(configuration.port == 5039)
        #expect(configuration.secret == .md5("p@ss"))
        #expect(configuration.events.headerValue == "call,system")
        let plain = try AMIClientConfiguration(url: "ami://u:s@[::1]:6000")
        #expect(plain.host == "::1")
        #expect(plain.port == 6000)
        #expect(plain.tls == nil)
        #expect(throws: AMIError.self) { try AMIClientConfiguration(url: "http://u:s@host") }
        #expect(throws: AMIError.self) { try AMIClientConfiguration(url: "ami://host:5038") }
        #expect(throws: AMIError.self) { try AMIClientConfiguration(url: "ami://u:s@host:99999") }
        #expect(throws: AMIError.self) { try AMIClientConfiguration(url: "ami://u:s@host?bogus=1") }
        #expect(!"\(AMISecret.plain("hunter2"))".contains("hunter2"))
        #expect(!String(reflecting: AMISecret.md5("hunter2")).contains("hunter2"))
    }

    @Test func backoffGrowsAndStaysWithinBounds() {
        let policy = AMIReconnectPolicy.exponential(initialDelay: .milliseconds(100), maximumDelay: .seconds(2), multiplier: 2, jitter: 0.5)
        #expect(policy.delay(forAttempt: 0, random: 0.5) == .milliseconds(100))
        #expect(policy.delay(forAttempt: 3, random: 0.5) == .milliseconds(800))
        #expect(policy.delay(forAttempt: 10, random: 0.5) == .seconds(2))
        #expect(policy.delay(forAttempt: 0, random: 0) == .milliseconds(50))
        #expect(policy.delay(forAttempt: 0, random: 1) == .milliseconds(150))
        #expect(policy.delay(forAttempt: 20, random: 1) <= .seconds(2))
    }
}
