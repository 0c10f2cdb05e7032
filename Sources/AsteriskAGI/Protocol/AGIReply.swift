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
        var text = line
        let parts = text.withUTF8 { AGIReplyLineScanner(bytes: $0).scan() }
        guard let parts else {
            throw AGIError(.malformedReply, "expected '<code> result=<n>', got \(line.prefix(80).debugDescription)", replyLine: line)
        }
        return AGIReply(
            code: parts.code, result: parts.resultText.flatMap { Int($0) }, resultText: parts.resultText, data: parts.data,
            attributes: parts.attributes, line: line, usage: usage)
    }
}
