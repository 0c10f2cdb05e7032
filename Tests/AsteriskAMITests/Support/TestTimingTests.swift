import AsteriskTesting
import NIOConcurrencyHelpers
import Testing

@Suite("TestTiming.eventually")
struct TestTimingTests {
    @Test func returnsAsSoonAsTheConditionHoldsAndFalseWhenItNeverDoes() async throws {
        let polls = NIOLockedValueBox(0)
        let held = try await TestTiming.eventually(within: .seconds(5), every: .milliseconds(1)) {
            polls.withLockedValue { count in
                count += 1
                return count == 3
            }
        }
        #expect(held)
        #expect(polls.withLockedValue { $0 } == 3)
        let started = ContinuousClock.now
        #expect(try await TestTiming.eventually(within: .milliseconds(50), every: .milliseconds(5)) { false } == false)
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }
}
