/// Turns reply lines into ``AGIReply`` values and `HANGUP` notices, without I/O.
///
/// Asterisk writes `HANGUP` on a line of its own when the channel hangs up during an AGI session; some
/// versions glue it to the next reply (`HANGUP511 Command Not Permitted…`). Both forms give a
/// ``Output/hangup`` followed by the reply. A `520-` line starts a usage block that ends with `520 `.
public struct AGIReplyParser: Sendable {
    /// What a line produced.
    public enum Output: Sendable, Hashable {
        /// The channel hung up (the `HANGUP` notice).
        case hangup
        /// A complete reply.
        case reply(AGIReply)
    }

    /// The most usage lines accepted in a `520` block.
    public let maxUsageLines: Int
    private var usageStart: String?
    private var usage: [String] = []

    /// Creates a parser.
    public init(maxUsageLines: Int = 256) {
        self.maxUsageLines = maxUsageLines
    }

    /// Feeds one line; returns what it completed (possibly nothing, inside a usage block).
    public mutating func feed(line: String) throws(AGIError) -> [Output] {
        if let start = usageStart {
            if line.hasPrefix("520 ") {
                usageStart = nil
                defer { usage = [] }
                return [.reply(try AGIReply.parse(start, usage: usage))]
            }
            usage.append(line)
            if usage.count > maxUsageLines {
                throw AGIError(.malformedReply, "a 520 usage block exceeded \(maxUsageLines) lines", replyLine: start)
            }
            return []
        }
        if line == "HANGUP" { return [.hangup] }
        if line.hasPrefix("HANGUP"), let first = line.dropFirst(6).first, first.isNumber {
            return [.hangup] + (try feed(line: String(line.dropFirst(6))))
        }
        if line.hasPrefix("520-") {
            usageStart = line
            return []
        }
        return [.reply(try AGIReply.parse(line))]
    }
}
