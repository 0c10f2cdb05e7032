import AsteriskTesting
import Foundation
import NIOConcurrencyHelpers
import NIOSSL
import Testing

@testable import AsteriskARI

/// Asterisk dialling the application (outbound WebSockets, Asterisk 22+), played by the fake.
@Suite("ARI outbound WebSocket server", .timeLimit(.minutes(2)))
struct ARIOutboundServerTests {
    private func server(
        _ type: ARIOutboundServer.Configuration.ConnectionType = .persistent, credentials: ARICredentials? = .basic("asterisk", "s3cret"),
        tls: TLSConfiguration? = nil
    ) async throws -> ARIOutboundServer {
        let server = ARIOutboundServer(configuration: .init(
            port: 0, path: "/ari/app", credentials: credentials, connectionType: type, tls: tls,
            requestTimeout: TestTiming.scaled(.seconds(10))))
        try await server.start()
        return server
    }

    private func target(_ server: ARIOutboundServer, scheme: String = "ws", host: String = "127.0.0.1", password: String = "s3cret", tls: TLSConfiguration? = nil) -> FakeARIOutboundTarget {
        FakeARIOutboundTarget(url: "\(scheme)://\(host):\(server.port)/ari/app", username: "asterisk", password: password, tls: tls)
    }

    /// Runs a Stasis application over the server until `done` holds (bounded), then stops it.
    private func runApp(_ app: StasisApplication, until done: @escaping @Sendable () -> Bool) async throws {
        let running = Task { try await app.run() }
        for _ in 0..<Int(2000 * TestTiming.factor) where !done() { try await Task.sleep(for: .milliseconds(5)) }
        app.stop()
        try await running.value
    }

    @Test func aPersistentConnectionServesAStasisApplicationWithRESTOverTheSocket() async throws {
        let asterisk = try await FakeARIServer.start()
        let outbound = try await server()
        let digits = NIOLockedValueBox<[String]>([])
        let app = StasisApplication(name: "ivr", client: outbound.client) { call in
            try await call.answer()
            try await call.play("sound:hello-world")
            let pin = try await call.collectDigits(maxDigits: 2, terminators: [])
            digits.withLockedValue { $0.append(pin.digits) }
            try await call.hangup()
        }
        let appTask = Task { try await app.run() }
        try await asterisk.connectOutbound(to: target(outbound), apps: ["ivr"])
        #expect(outbound.connectionCount == 1)
        let call = asterisk.simulateCall(app: "ivr")
        for _ in 0..<Int(1000 * TestTiming.factor) where !asterisk.requests.contains(where: { $0.path.hasSuffix("/play") }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        asterisk.sendDTMF("42", to: call)
        for _ in 0..<Int(2000 * TestTiming.factor) where asterisk.channelState(call) != nil { try await Task.sleep(for: .milliseconds(5)) }
        #expect(asterisk.channelState(call) == nil)
        #expect(digits.withLockedValue { $0 } == ["42"])
        let paths = asterisk.requests.map { "\($0.method) \($0.path)" }
        #expect(paths.contains("POST /channels/\(call)/answer"))
        #expect(paths.contains("DELETE /channels/\(call)"))
        #expect(asterisk.requests.allSatisfy { $0.overWebSocket })
        app.stop()
        try await appTask.value
        await outbound.shutdown()
        await asterisk.stop()
    }

    @Test func perCallConnectionsEachCarryOneCall() async throws {
        let asterisk = try await FakeARIServer.start()
        let outbound = try await server(.perCall)
        let served = NIOLockedValueBox<[String]>([])
        let app = StasisApplication(name: "sales", client: outbound.client) { call in
            try await call.answer()
            served.withLockedValue { $0.append(call.start.application ?? "") }
            try await call.hangup()
        }
        let appTask = Task { try await app.run() }
        _ = try await TestTiming.eventually(within: .seconds(1), every: .milliseconds(5)) { outbound.client.outbound.withLockedValue({ $0?.apps == ["sales"] }) }
        let first = try await asterisk.simulateOutboundCall(app: "sales", to: target(outbound))
        let second = try await asterisk.simulateOutboundCall(app: "sales", to: target(outbound), callerNumber: "200")
        for _ in 0..<Int(2000 * TestTiming.factor) where served.withLockedValue({ $0.count }) < 2 || outbound.connectionCount > 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(Set(served.withLockedValue { $0 }) == ["sales:PJSIP/5551234-\(first)", "sales:PJSIP/200-\(second)"])
        #expect(asterisk.channelState(first) == nil && asterisk.channelState(second) == nil)
        // Each socket closed after its call's StasisEnd.
        #expect(outbound.connectionCount == 0)
        app.stop()
        try await appTask.value
        await outbound.shutdown()
        await asterisk.stop()
    }

    @Test func wrongCredentialsPathsAndSubprotocolsAreRefused() async throws {
        let asterisk = try await FakeARIServer.start()
        let outbound = try await server()
        let badPassword = await #expect(throws: FakeARIOutboundError.self) {
            try await asterisk.connectOutbound(to: target(outbound, password: "nope"), apps: ["x"])
        }
        #expect(badPassword?.status == 401)
        let badPath = await #expect(throws: FakeARIOutboundError.self) {
            try await asterisk.connectOutbound(to: FakeARIOutboundTarget(url: "ws://127.0.0.1:\(outbound.port)/elsewhere", username: "asterisk", password: "s3cret"), apps: ["x"])
        }
        #expect(badPath?.status == 404)
        let badProtocol = await #expect(throws: FakeARIOutboundError.self) {
            try await asterisk.connectOutbound(
                to: FakeARIOutboundTarget(url: "ws://127.0.0.1:\(outbound.port)/ari/app", username: "asterisk", password: "s3cret", protocols: "media"),
                apps: ["x"])
        }
        #expect(badProtocol?.status == 400)
        #expect(outbound.connectionCount == 0)
        await outbound.shutdown()
        await asterisk.stop()
    }

    @Test func losingThePersistentConnectionFailsRequestsAndItsReturnIsReported() async throws {
        let asterisk = try await FakeARIServer.start()
        let outbound = try await server()
        let subscription = try await outbound.client.events(apps: ["ivr"])
        try await asterisk.connectOutbound(to: target(outbound), apps: ["ivr"])
        #expect(try await outbound.client.send(ARIOperations.Asterisk.ping()).ping == "pong")
        asterisk.silenceWebSocketREST(true)
        let pending = Task { () async -> ARIError? in
            do {
                _ = try await outbound.client.send(ARIOperations.Asterisk.ping())
                return nil
            } catch let error as ARIError {
                return error
            } catch {
                return nil
            }
        }
        for _ in 0..<Int(1000 * TestTiming.factor) where asterisk.requests.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        asterisk.closeEventSockets(abruptly: true)
        #expect(await pending.value?.code == .connectionFailed)
        var iterator = subscription.makeAsyncIterator()
        var markers: [String] = []
        while markers.count < 1, let element = try await iterator.next() {
            if case .connectionLost = element { markers.append("lost") }
        }
        // With no connection open, a request fails at once.
        do {
            _ = try await outbound.client.send(ARIOperations.Asterisk.ping())
            Issue.record("a request went out with no connection")
        } catch {
            #expect(error.code == .connectionFailed)
        }
        asterisk.silenceWebSocketREST(false)
        try await asterisk.connectOutbound(to: target(outbound), apps: ["ivr"])
        while markers.count < 2, let element = try await iterator.next() {
            if case .reconnected = element { markers.append("reconnected") }
        }
        #expect(markers == ["lost", "reconnected"])
        #expect(try await outbound.client.send(ARIOperations.Asterisk.ping()).ping == "pong")
        // One subscription reads the server's connections.
        await #expect(throws: ARIError.self) { _ = try await outbound.client.events(apps: ["other"]) }
        await outbound.shutdown()
        await asterisk.stop()
    }

    @Test func theServerListensOnLoopbackByDefaultAndSpeaksTLS() async throws {
        #expect(ARIOutboundServer.Configuration().host == "127.0.0.1")
        let fixtures = try #require(Bundle.module.url(forResource: "tls", withExtension: nil, subdirectory: "Fixtures"))
        let certificate = try NIOSSLCertificate.fromPEMFile(fixtures.appendingPathComponent("server.pem").path)
        let key = try NIOSSLPrivateKey(file: fixtures.appendingPathComponent("server.key").path, format: .pem)
        let outbound = try await server(tls: .makeServerConfiguration(certificateChain: certificate.map { .certificate($0) }, privateKey: .privateKey(key)))
        let subscription = try await outbound.client.events(apps: ["secure"])
        let asterisk = try await FakeARIServer.start()
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .file(fixtures.appendingPathComponent("ca.pem").path)
        try await asterisk.connectOutbound(to: target(outbound, scheme: "wss", host: "localhost", tls: trusting), apps: ["secure"])
        asterisk.emit(["type": "StasisStart", "args": [String](), "channel": FakeARIServer.sampleChannel(id: "tls-1")], app: "secure")
        var events = subscription.events.makeAsyncIterator()
        var types: [String] = []
        while let event = try await events.next() {
            types.append(event.type)
            if event.type == "StasisStart" { break }
        }
        #expect(types == ["ApplicationRegistered", "StasisStart"])
        #expect(try await outbound.client.send(ARIOperations.Asterisk.getInfo()).system?.version == "23.4.1")
        // An Asterisk that does not trust the certificate cannot connect.
        await #expect(throws: (any Error).self) {
            try await asterisk.connectOutbound(to: target(outbound, scheme: "wss", host: "localhost"), apps: ["secure"])
        }
        await outbound.shutdown()
        await asterisk.stop()
    }
}
