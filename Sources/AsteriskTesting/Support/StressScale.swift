#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How big flood tests are: moderate by default, so the whole suite stays quick and its parallel
/// tests are not starved; full size (and with resident-memory bounds, which only mean something
/// when a test runs alone) when `ASTERISK_STRESS=full`, as `scripts/reliability.sh` sets it.
public enum StressScale {
    /// Whether the full-size floods were asked for.
    public static var isFull: Bool {
        guard let value = getenv("ASTERISK_STRESS") else { return false }
        return String(cString: value) == "full"
    }

    /// `full` under `ASTERISK_STRESS=full`, `moderate` otherwise.
    public static func pick(full: Int, moderate: Int) -> Int { isFull ? full : moderate }
}
