import AsteriskTesting
import Testing

@testable import AsteriskAMI

@Suite("AMI: a lost connection ends pending actions promptly")
struct AMILossLatencyTests {
    /// The bound is 100 ms; it is asserted when the test runs alone (`scripts/reliability.sh`),
    /// and loosely in the parallel suite, where a busy machine delays any task's wake-up.
    static let bound: Duration = StressScale.isFull ? .milliseconds(100) : .seconds(3)

    @Test func pendingActionsFailWithATypedErrorWithinTheBound() async throws {
        let server = try await FakeAMIServer.start()
        server.neverRespond(to: "Status")
        var delays: [Duration] = []
        for _ in 0..<10 {
            let client = makeClient(server, reconnect: .disabled)
            try await client.connect()
            let pending = Task { () -> (AMIError.Code?, ContinuousClock.Instant) in
                do {
                    _ = try await client.send(action: "Status", timeout: .seconds(30))
                    return (nil, .now)
                } catch let error as AMIError {
                    return (error.code, .now)
                } catch {
                    return (nil, .now)
                }
            }
            try await Task.sleep(for: .milliseconds(30))
            let lostAt = ContinuousClock.now
            server.dropAllConnections()
            let (code, endedAt) = await pending.value
            #expect(code == .connectionClosed)
            delays.append(endedAt - lostAt)
            await client.close()
        }
        let median = delays.sorted()[delays.count / 2]
        #expect(median < Self.bound, "median \(median) over \(delays.count) losses")
        await server.stop()
    }
}
