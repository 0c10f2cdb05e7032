import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

@Suite("ARI under a WebSocket that keeps closing")
struct ARISocketChurnTests {
    @Test func aSocketClosedOverAndOverIsReopenedEachTimeAndEventsKeepFlowing() async throws {
        let server = try await FakeARIServer.start()
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret"), connectTimeout: TestTiming.scaled(.seconds(2))))
        let subscription = try await ari.events(apps: ["ivr"], reconnect: .exponential(initialDelay: .milliseconds(10), maximumDelay: .milliseconds(50)))
        var iterator = subscription.makeAsyncIterator()
        var reconnects = 0
        var digits = ""
        for round in 0..<20 {
            // Alternately an abrupt reset and a close frame, as a restarting or overloaded Asterisk would.
            server.closeEventSockets(abruptly: round % 2 == 0)
            var back = false
            while !back {
                switch try await iterator.next() {
                case .connectionLost?: continue
                case .reconnected?: back = true
                case .event?: continue
                case nil:
                    Issue.record("the stream ended in round \(round)")
                    return
                }
            }
            reconnects += 1
            // The fake registers the app as it finishes the upgrade; wait for that before emitting.
            _ = try await TestTiming.eventually(within: .milliseconds(2500), every: .milliseconds(5)) { server.registeredApps == ["ivr"] }
            #expect(server.registeredApps == ["ivr"])
            let digit = String(round % 10)
            server.emit(["type": "ChannelDtmfReceived", "digit": digit, "duration_ms": 80, "channel": FakeARIServer.sampleChannel(id: "c")], app: "ivr")
            if case .event(.channelDtmfReceived(let dtmf))? = try await iterator.next() { digits += dtmf.digit }
        }
        #expect(reconnects == 20)
        #expect(digits == "01234567890123456789")
        #expect(server.eventSocketCount == 1)
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }

    @Test func pendingRESTCallsFailWithATypedErrorWhenAsteriskGoesAway() async throws {
        let server = try await FakeARIServer.start()
        let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret"), connectTimeout: TestTiming.scaled(.seconds(2))))
        server.delayResponses(by: .seconds(30))
        let pending = Task { () -> ARIError? in
            do {
                _ = try await ari.asterisk.getInfo()
                return nil
            } catch let error as ARIError {
                return error
            } catch {
                return ARIError(.requestFailed, "\(error)")
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        await server.stop()
        let error = await pending.value
        #expect(error != nil)
        #expect(error?.code != .timeout)
        try await server.resume()
        server.delayResponses(by: nil)
        _ = try await ari.asterisk.getInfo()
        try await ari.shutdown()
        await server.stop()
    }
}
