/// Asterisk's answer to one AGI command: `200 result=1 (data) endpos=1234`, or a `510`/`511`/`520` error.
public struct AGIReply: Sendable, Hashable, CustomStringConvertible {
    /// The status code: 200 success, 510 unknown command, 511 dead channel, 520 bad syntax.
    public let code: Int
    /// The `result=` number; nil when absent or not a number (see ``resultText``).
    public let result: Int?
    /// The `result=` value as sent.
    public let resultText: String?
    /// The parenthesised data after the result, for example the value of `GET VARIABLE`.
    public let data: String?
    /// The `key=value` parts after the result and data (`endpos=11360`), in order.
    public let attributes: [Attribute]
    /// The first line as received.
    public let line: String
    /// The usage text of a multi-line `520` reply.
    public let usage: [String]

    /// One `key=value` part of a reply.
    public struct Attribute: Sendable, Hashable {
        /// The key, for example `endpos`.
        public let key: String
        /// The value.
        public let value: String
    }

    /// Builds a reply from its parts.
    public init(
        code: Int, result: Int?, resultText: String?, data: String?, attributes: [Attribute], line: String,
        usage: [String] = []
    ) {
        self.code = code
        self.result = result
        self.resultText = resultText
        self.data = data
        self.attributes = attributes
        self.line = line
        self.usage = usage
    }

    /// Whether the code is 200.
    public var isSuccess: Bool { code == 200 }

    /// The value of attribute `key`.
    public func attribute(_ key: String) -> String? { attributes.first { $0.key == key }?.value }

    /// `endpos=`: where playback or recording stopped, in samples.
    public var endPosition: Int? { attribute("endpos").flatMap { Int($0) } }

    /// The line as received.
    public var description: String { line }

    /// Parses one reply line (a `520` usage block is added by ``AGIReplyParser``).
    /// - Throws: ``AGIError`` `.malformedReply` when the line does not start with a three-digit code.
    public static func parse(_ line: String, usage: [String] = []) throws(AGIError) -> AGIReply {
        var code = 0
        var valid = false
        var restStart = line.utf8.endIndex
        var utf8 = line.utf8.makeIterator()
        digits: do {
            for _ in 0..<3 {
                guard let byte = utf8.next(), byte >= 48 && byte <= 57 else { break digits }
                code = code * 10 + Int(byte - 48)
            }
            switch utf8.next() {
            case nil: valid = true
            case UInt8(ascii: " "), UInt8(ascii: "-"):
                valid = true
                restStart = line.utf8.index(line.utf8.startIndex, offsetBy: 4)
            default: break
            }
        }
        guard valid else {
            throw AGIError(.malformedReply, "expected '<code> result=<n>', got \(line.prefix(80).debugDescription)", replyLine: line)
        }
        var rest = line[restStart...]
        guard code == 200, rest.hasPrefix("result=") else {
            return AGIReply(code: code, result: nil, resultText: nil, data: nil, attributes: [], line: line, usage: usage)
        }
        rest = rest.dropFirst(7)
        let resultEnd = rest.firstIndex(of: " ") ?? rest.endIndex
        let resultText = String(rest[..<resultEnd])
        rest = rest[resultEnd...].drop { $0 == " " }
        var data: String?
        if rest.first == "(" {
            // The data runs to the last ')' that is followed only by key=value parts.
            var close = rest.lastIndex(of: ")")
            while let candidate = close, !isAttributeList(rest[rest.index(after: candidate)...]) {
                close = rest[..<candidate].lastIndex(of: ")")
            }
            if let close {
                data = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
            }
        }
        let attributes = rest.isEmpty ? [] : rest.split(separator: " ").compactMap { (part: Substring) -> Attribute? in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { return nil }
            return Attribute(key: String(pieces[0]), value: String(pieces[1]))
        }
        return AGIReply(
            code: code, result: Int(resultText), resultText: resultText, data: data, attributes: attributes, line: line,
            usage: usage)
    }

    private static func isAttributeList(_ text: Substring) -> Bool {
        text.split(separator: " ").allSatisfy { $0.contains("=") && !$0.contains("(") && !$0.contains(")") }
    }
}
