import AsteriskTesting
import Testing

/// The raw-socket helper the fake's HTTP tests rely on: it must see what the fake sends and notice
/// the fake closing the connection.
@Suite("Raw test connection")
struct RawConnectionTests {
    @Test func seesAnswersAndTheClose() async throws {
        let server = try await FakeARIServer.start()
        let connection = try await RawConnection(to: server)
        #expect(try await connection.ping())
        #expect(connection.received.hasPrefix("HTTP/1.1 200 OK"))
        #expect(connection.channel.isActive)
        await server.stop()
        #expect(try await connection.waitForClose())
    }
}
