@testable import AsteriskAGI
import AsteriskTesting
import NIOConcurrencyHelpers
import Testing

@Suite("FastAGI: a caller gone mid-command ends the command promptly")
struct FastAGILossLatencyTests {
    /// 100 ms when run alone (`scripts/reliability.sh`), loosely in the parallel suite.
    static let bound: Duration = StressScale.isFull ? .milliseconds(100) : TestTiming.scaled(.seconds(3))

    @Test func aPendingCommandFailsWithATypedErrorWithinTheBound() async throws {
        let failures = NIOLockedValueBox<[(AGIError.Code, ContinuousClock.Instant)]>([])
        let server = FastAGIServer(configuration: .init(port: 0, idleTimeout: .seconds(30))) { router in
            router.fallback { call in
                do {
                    try await call.streamFile("never-answered")
                } catch let error as AGIError {
                    let at = ContinuousClock.now
                    failures.withLockedValue { $0.append((error.code, at)) }
                }
            }
        }
        try await server.start()
        var delays: [Duration] = []
        for round in 0..<10 {
            // The fake Asterisk stops answering at STREAM FILE and hangs up after 200 ms.
            _ = try? await FakeAGICaller.call(
                port: server.port, script: "x", dialogue: FakeAGIDialogue(silentFrom: "STREAM FILE"), timeout: .milliseconds(200))
            let goneAt = ContinuousClock.now
            // Wait (bounded, generously: the parallel suite may be busy) for the handler to see the loss.
            let deadline = ContinuousClock.now + TestTiming.scaled(.seconds(10))
            while failures.withLockedValue({ $0.count }) <= round, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            guard let (code, failedAt) = failures.withLockedValue({ $0.count > round ? $0[round] : nil }) else {
                Issue.record("the pending command of round \(round) never ended")
                continue
            }
            #expect(code == .hangup || code == .connectionClosed)
            delays.append(max(.zero, failedAt - goneAt))
        }
        let median = delays.sorted()[delays.count / 2]
        #expect(median < Self.bound, "median \(median) over \(delays.count) losses")
        await server.shutdown()
    }
}
