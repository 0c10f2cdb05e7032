import AsteriskTesting
import Foundation
import Testing

@testable import AsteriskARI

@Suite("ARI: Asterisk going away ends pending requests promptly")
struct ARILossLatencyTests {
    /// 100 ms when run alone (`scripts/reliability.sh`), loosely in the parallel suite.
    static let bound: Duration = StressScale.isFull ? .milliseconds(100) : .seconds(3)

    @Test func pendingRequestsFailWithATypedErrorWithinTheBound() async throws {
        var delays: [Duration] = []
        for _ in 0..<10 {
            let server = try await FakeARIServer.start()
            let ari = ARIClient(configuration: .init(baseURL: server.baseURL, credentials: .basic("app", "secret"), connectTimeout: TestTiming.scaled(.seconds(2))))
            _ = try await ari.asterisk.getInfo()
            server.delayResponses(by: .seconds(30))
            let pending = Task { () -> (ARIError?, ContinuousClock.Instant) in
                do {
                    _ = try await ari.asterisk.getInfo()
                    return (nil, .now)
                } catch let error as ARIError {
                    return (error, .now)
                } catch {
                    return (ARIError(.requestFailed, "\(error)"), .now)
                }
            }
            try await Task.sleep(for: .milliseconds(30))
            let lostAt = ContinuousClock.now
            await server.stop()
            let (error, endedAt) = await pending.value
            #expect(error != nil && error?.code != .timeout)
            delays.append(endedAt - lostAt)
            try await ari.shutdown()
        }
        let median = delays.sorted()[delays.count / 2]
        #expect(median < Self.bound, "median \(median) over \(delays.count) losses")
    }
}
