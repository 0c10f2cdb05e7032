import AsteriskARI
import AsteriskTesting
import Foundation
import Testing

@Suite("The fake ARI server's event blast")
struct FakeARIBlastTests {
    /// `blast` writes frames it encoded itself, below NIO's encoder: every message arrives whole, in
    /// turn (wrapping around the list), short and long ones alike, then the final one.
    @Test func blastedMessagesArriveWholeAndInTurn() async throws {
        let server = try await FakeARIServer.start(username: "bench", password: "bench")
        let ari = ARIClient(configuration: .init(baseURL: "http://127.0.0.1:\(server.port)/ari", credentials: .basic("bench", "bench")))
        let subscription = try await ari.events(apps: ["blast"], reconnect: .disabled)
        #expect(try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(5)) { server.registeredApps.contains("blast") })
        // Lengths that take each of the three WebSocket length forms (< 126, 16-bit, 64-bit).
        let messages = [100, 1_000, 65_600].map { size in
            #"{"type":"UserEvent","eventname":""# + String(repeating: "x", count: size) + #"","application":"blast"}"#
        }
        let count = 1_000
        let blasting = Task { try await server.blast(messages, count: count, app: "blast", final: #"{"type":"BlastDone"}"#) }
        var received = 0
        for try await message in subscription.rawMessages {
            if message.contains("BlastDone") { break }
            #expect(message == messages[received % messages.count], "message \(received)")
            received += 1
        }
        try await blasting.value
        #expect(received == count)
        subscription.close()
        try await ari.shutdown()
        await server.stop()
    }
}
