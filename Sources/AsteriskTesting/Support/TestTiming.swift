#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stretches test waits when the code runs slowly on purpose: under ThreadSanitizer or
/// AddressSanitizer everything takes several times longer, so `scripts/sanitizers.sh` sets
/// `ASTERISK_TEST_TIME_SCALE` (a factor, 1 by default) and the fakes' default waits follow it.
public enum TestTiming {
    /// The factor from `ASTERISK_TEST_TIME_SCALE` (at least 1).
    public static var factor: Double {
        guard let raw = getenv("ASTERISK_TEST_TIME_SCALE"), let value = Double(String(cString: raw)), value >= 1 else { return 1 }
        return value
    }

    /// `duration` times ``factor``.
    public static func scaled(_ duration: Duration) -> Duration { duration * factor }
}

extension TestTiming {
    /// Polls `condition` every `interval` until it holds or `limit` (times ``factor``) has passed; whether it held.
    public static func eventually(
        within limit: Duration = .seconds(5), every interval: Duration = .milliseconds(5),
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + scaled(limit)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: interval)
        }
        return try await condition()
    }
}
