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
        var outputs: [Output] = []
        try feed(line: line) { outputs.append($0) }
        return outputs
    }

    /// Feeds one line and hands what it completed to `deliver`, in order (without collecting an array).
    public mutating func feed(line: String, into deliver: (Output) -> Void) throws(AGIError) {
        if let start = usageStart {
            if line.hasPrefix("520 ") {
                usageStart = nil
                defer { usage = [] }
                deliver(.reply(try AGIReply.parse(start, usage: usage)))
                return
            }
            usage.append(line)
            if usage.count > maxUsageLines {
                throw AGIError(.malformedReply, "a 520 usage block exceeded \(maxUsageLines) lines", replyLine: start)
            }
            return
        }
        var utf8 = line.utf8.makeIterator()
        switch utf8.next() {
        case UInt8(ascii: "H"):
            if line == "HANGUP" {
                deliver(.hangup)
                return
            }
            if line.hasPrefix("HANGUP"), let first = line.utf8.dropFirst(6).first, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                deliver(.hangup)
                try feed(line: String(line.dropFirst(6)), into: deliver)
                return
            }
        case UInt8(ascii: "5"):
            if line.hasPrefix("520-") {
                usageStart = line
                return
            }
        default:
            break
        }
        deliver(.reply(try AGIReply.parse(line)))
    }
}
