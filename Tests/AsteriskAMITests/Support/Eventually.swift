import AsteriskTesting

/// Polls `condition` every 10 ms for up to five seconds (times `ASTERISK_TEST_TIME_SCALE`); whether it came true.
func eventually(_ condition: @Sendable () async -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + TestTiming.scaled(.seconds(5))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
