import AsteriskTesting
import Foundation
import NIOSSL
import Testing

@testable import AsteriskARI

private func tlsFixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/tls"))
    return url.path
}

/// A fake ARI server with the test CA's certificate for `localhost`.
private func startTLSServer() async throws -> FakeARIServer {
    let certificate = try NIOSSLCertificate.fromPEMFile(try tlsFixture("server.pem"))
    let key = try NIOSSLPrivateKey(file: try tlsFixture("server.key"), format: .pem)
    return try await FakeARIServer.start(
        tls: .makeServerConfiguration(certificateChain: certificate.map { .certificate($0) }, privateKey: .privateKey(key)))
}

@Suite("ARI over https and wss")
struct ARIClientTLSTests {
    private func client(_ server: FakeARIServer, host: String, trustingTestCA: Bool, timeout: Duration = TestTiming.scaled(.seconds(5))) throws -> ARIClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if trustingTestCA { tls.trustRoots = .file(try tlsFixture("ca.pem")) }
        return ARIClient(configuration: .init(
            baseURL: "https://\(host):\(server.port)/ari", credentials: .basic("app", "secret"), requestTimeout: timeout,
            connectTimeout: TestTiming.scaled(.seconds(2)), tls: tls))
    }

    @Test func restAndEventsWorkWithATrustedCertificate() async throws {
        let server = try await startTLSServer()
        let ari = try client(server, host: "localhost", trustingTestCA: true)
        #expect(try await ari.asterisk.getInfo().system?.version == "23.4.1")
        let subscription = try await ari.events(apps: ["secure"])
        server.emit(["type": "StasisStart", "args": [String](), "channel": FakeARIServer.sampleChannel(id: "tls-1")], app: "secure")
        var events = subscription.events.makeAsyncIterator()
        guard case .stasisStart(let start)? = try await events.next() else {
            Issue.record("expected StasisStart over wss")
            return
        }
        #expect(start.channel.id == "tls-1")
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func anUntrustedCertificateOrAWrongHostnameIsRefused() async throws {
        let server = try await startTLSServer()
        // A refused certificate fails the request at once (not at its deadline), as a connection failure.
        let untrusted = try client(server, host: "localhost", trustingTestCA: false, timeout: .seconds(30))
        let started = ContinuousClock.now
        do {
            _ = try await untrusted.asterisk.getInfo()
            Issue.record("https accepted an untrusted certificate")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect("\(error)".contains("certificate") || "\(error)".contains("handshake") || "\(error)".contains("SSL"), "\(error)")
        }
        #expect(ContinuousClock.now - started < TestTiming.scaled(.seconds(5)))
        do {
            _ = try await untrusted.events(apps: ["secure"])
            Issue.record("wss accepted an untrusted certificate")
        } catch {
            #expect(error.code == .connectionFailed)
        }
        // The certificate names localhost, not 127.0.0.1.
        let mismatch = try client(server, host: "127.0.0.1", trustingTestCA: true, timeout: .seconds(30))
        await #expect(throws: ARIError.self) { _ = try await mismatch.asterisk.getInfo() }
        await #expect(throws: ARIError.self) { _ = try await mismatch.events(apps: ["secure"]) }
        #expect(server.registeredApps.isEmpty)
        try await untrusted.shutdown()
        try await mismatch.shutdown()
        await server.stop()
    }
}
