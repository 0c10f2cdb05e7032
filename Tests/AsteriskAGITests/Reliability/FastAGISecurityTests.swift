@testable import AsteriskAGI
import AsteriskTesting
import NIOCore
import NIOPosix
import Testing

@Suite("FastAGI exposure")
struct FastAGISecurityTests {
    @Test func theServerListensOnLoopbackUnlessToldOtherwise() async throws {
        #expect(FastAGIServer.Configuration().host == "127.0.0.1")
        let server = FastAGIServer(configuration: .init(port: 0)) { router in router.fallback { try await $0.answer() } }
        try await server.start()
        let record = try await FakeAGICaller.call(port: server.port, script: "x", timeout: TestTiming.scaled(.seconds(5)))
        #expect(record.commands.map(\.line) == ["ANSWER"])
        // From this machine's other addresses, nobody answers.
        let others = try System.enumerateDevices().compactMap { device -> String? in
            guard let address = device.address, case .v4 = address, let ip = address.ipAddress, !ip.hasPrefix("127.") else { return nil }
            return ip
        }
        for ip in others {
            await #expect(throws: (any Error).self, "reachable on \(ip)") {
                _ = try await FakeAGICaller.call(host: ip, port: server.port, script: "x", timeout: .seconds(2))
            }
        }
        await server.shutdown()
    }
}
