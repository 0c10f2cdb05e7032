/// Collects the `agi_name: value` lines that open a session until the blank line that ends them.
public struct AGIEnvironmentParser: Sendable {
    /// The most variables accepted.
    public let maxEntries: Int
    private var entries: [AGIEnvironment.Entry] = []

    /// Creates a parser; at most 512 variables by default.
    public init(maxEntries: Int = 512) {
        self.maxEntries = maxEntries
    }

    /// Feeds one line; returns the environment when the blank line arrives.
    /// - Throws: ``AGIError`` `.malformedEnvironment` for a line that is not `agi_name: value`, or too many lines.
    public mutating func feed(line: String) throws(AGIError) -> AGIEnvironment? {
        if line.isEmpty {
            guard !entries.isEmpty else {
                throw AGIError(.malformedEnvironment, "the environment block was empty")
            }
            defer { entries = [] }
            return AGIEnvironment(entries: entries)
        }
        guard let colon = line.firstIndex(of: ":"), line.hasPrefix("agi_") else {
            throw AGIError(.malformedEnvironment, "expected 'agi_name: value', got \(line.prefix(80).debugDescription)")
        }
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        entries.append(AGIEnvironment.Entry(name: String(line[..<colon]), value: String(value)))
        if entries.count > maxEntries {
            throw AGIError(.malformedEnvironment, "the environment block exceeded \(maxEntries) variables")
        }
        return nil
    }

    /// Feeds one line straight from bytes (no intermediate `String` for the line).
    mutating func feed(bytes line: UnsafeRawBufferPointer) throws(AGIError) -> AGIEnvironment? {
        if line.isEmpty { return try feed(line: "") }
        guard line.count > 4, line[0] == UInt8(ascii: "a"), line[1] == UInt8(ascii: "g"), line[2] == UInt8(ascii: "i"),
            line[3] == UInt8(ascii: "_"), let colon = line.firstIndex(of: UInt8(ascii: ":"))
        else {
            return try feed(line: String(decoding: line, as: UTF8.self))
        }
        if entries.isEmpty { entries.reserveCapacity(32) }
        var valueStart = colon + 1
        if valueStart < line.count && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        entries.append(AGIEnvironment.Entry(
            name: String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
            value: String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart...]), as: UTF8.self)))
        if entries.count > maxEntries {
            throw AGIError(.malformedEnvironment, "the environment block exceeded \(maxEntries) variables")
        }
        return nil
    }

    /// Decodes AsyncAGI's `Env` header: the same block, percent-encoded.
    public static func parse(asyncEnv: String) throws(AGIError) -> AGIEnvironment {
        let text = AGIPercentDecoding.decode(Substring(asyncEnv))
        var parser = AGIEnvironmentParser()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let environment = try parser.feed(line: String(line)) { return environment }
        }
        if let environment = try parser.feed(line: "") { return environment }
        throw AGIError(.malformedEnvironment, "the AsyncAGI Env header held no variables")
    }
}
