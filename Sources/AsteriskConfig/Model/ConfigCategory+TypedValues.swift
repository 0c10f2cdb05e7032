/// Typed reads of a category's values, with Asterisk's spellings; a value that does not fit throws a
/// ``ConfigError`` `.invalidValue` pointing at its line. All return `nil` for an absent variable.
extension ConfigCategory {
    /// The words Asterisk's `ast_true` accepts (compared without regard to case).
    public static let trueWords: Set<String> = ["yes", "true", "y", "t", "1", "on"]
    /// The words Asterisk's `ast_false` accepts (compared without regard to case).
    public static let falseWords: Set<String> = ["no", "false", "n", "f", "0", "off"]

    /// `name` as a boolean: `yes/true/y/t/1/on` or `no/false/n/f/0/off`.
    public func bool(_ name: String) throws(ConfigError) -> Bool? {
        guard let entry = entry(name) else { return nil }
        let word = entry.variable.value.lowercased()
        if Self.trueWords.contains(word) { return true }
        if Self.falseWords.contains(word) { return false }
        throw invalid(entry, "must be yes or no (or true/false, on/off, y/n, t/f, 1/0)")
    }

    /// `name` as a whole number (optional sign), optionally required to lie in `range`.
    public func int(_ name: String, in range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int? {
        guard let entry = entry(name) else { return nil }
        guard let number = Int(entry.variable.value) else { throw invalid(entry, "must be a whole number") }
        if let range, !range.contains(number) {
            throw invalid(entry, "must lie between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    /// `name` as a decimal number.
    public func double(_ name: String) throws(ConfigError) -> Double? {
        guard let entry = entry(name) else { return nil }
        guard let number = Double(entry.variable.value), number.isFinite else { throw invalid(entry, "must be a number") }
        return number
    }

    /// `name` as a length of time: a number with an optional unit as Asterisk writes them (`ms`, `s`,
    /// `m`, `h`; `250ms`, `1.5s`, `2m`), a bare number counting in `defaultUnit`.
    public func duration(_ name: String, defaultUnit: Duration = .seconds(1)) throws(ConfigError) -> Duration? {
        guard let entry = entry(name) else { return nil }
        guard let duration = Self.parseDuration(entry.variable.value, defaultUnit: defaultUnit) else {
            throw invalid(entry, "must be a length of time such as 30, 250ms, 1.5s, 2m or 1h")
        }
        return duration
    }

    /// Every value of `name` (repeated keys in order) split at `separator`, each item trimmed, empty
    /// ones dropped: `allow = ulaw,alaw` and `allow = g722` give `["ulaw", "alaw", "g722"]`.
    public func list(_ name: String, separator: Character = ",") -> [String] {
        values(of: name).flatMap { value in
            value.split(separator: separator).map { ConfigParser.trim(String($0)) }.filter { !$0.isEmpty }
        }
    }

    /// `"250ms"` → 0.25 s; `nil` when the text is not a non-negative number with a known unit.
    static func parseDuration(_ text: String, defaultUnit: Duration) -> Duration? {
        let lowered = text.lowercased()
        let units: [(String, Duration)] = [("ms", .milliseconds(1)), ("h", .seconds(3600)), ("m", .seconds(60)), ("s", .seconds(1))]
        var number = Substring(lowered)
        var unit = defaultUnit
        for (suffix, length) in units where lowered.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            unit = length
            break
        }
        guard let value = Double(ConfigParser.trim(String(number))), value.isFinite, value >= 0 else { return nil }
        return unit * value
    }

    private func invalid(_ entry: Entry, _ requirement: String) -> ConfigError {
        ConfigError(
            .invalidValue, file: entry.file, line: entry.line + 1, column: 1,
            "'\(entry.variable.name)' in [\(name)] \(requirement), not '\(entry.variable.value)'")
    }
}
