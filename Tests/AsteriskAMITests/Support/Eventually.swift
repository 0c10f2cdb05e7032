import AsteriskTesting

/// Polls `condition` every 10 ms for up to five seconds (times `ASTERISK_TEST_TIME_SCALE`); whether it came true.
func eventually(_ condition: @Sendable () async -> Bool) async throws -> Bool {
    try await TestTiming.eventually(every: .milliseconds(10), condition)
}
