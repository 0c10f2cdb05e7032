/// Polls `condition` every 10 ms for up to five seconds; whether it came true.
func eventually(_ condition: @Sendable () async -> Bool) async throws -> Bool {
    for _ in 0..<500 {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return false
}
