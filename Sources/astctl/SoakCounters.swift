/// The soak's tallies, shared by its load tasks.
actor SoakCounters {
    private(set) var values: [String: Int] = [:]
    /// The largest resident memory seen, and the one after the warm-up.
    private(set) var peakResident = 0
    private(set) var baselineResident: Int?

    /// Adds `amount` to `name`.
    func add(_ name: String, _ amount: Int = 1) { values[name, default: 0] += amount }

    /// Notes the resident memory; the first note after the warm-up is the baseline.
    func noteResident(_ bytes: Int, warmedUp: Bool) {
        peakResident = max(peakResident, bytes)
        if warmedUp && baselineResident == nil { baselineResident = bytes }
    }

    /// One line of `name=value` pairs, sorted.
    func line() -> String {
        values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: " ")
    }

    /// A value (0 when never counted).
    func value(_ name: String) -> Int { values[name] ?? 0 }
}
