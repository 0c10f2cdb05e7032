/// Cuts the byte stream of the control socket into lines and tells verbose messages (led by a marker
/// byte 0xF5–0xFF that encodes their level), log lines and command output apart. Colour escape
/// sequences are removed. Feed it bytes as they arrive; it keeps a partial line until its newline.
public struct ConsoleLineParser: Sendable {
    /// The longest line kept; a longer one is cut there (the rest starts a new line).
    public let maximumLineLength: Int
    private var pending: [UInt8] = []

    /// Creates a parser.
    public init(maximumLineLength: Int = 64 * 1024) {
        self.maximumLineLength = max(16, maximumLineLength)
    }

    /// The complete lines in `bytes` (and what was pending before them).
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ConsoleLine] where Bytes.Element == UInt8 {
        var lines: [ConsoleLine] = []
        for byte in bytes {
            if byte == 0x0A {
                lines.append(Self.classify(pending))
                pending.removeAll(keepingCapacity: true)
            } else if byte != 0 {
                pending.append(byte)
                if pending.count >= maximumLineLength {
                    lines.append(Self.classify(pending))
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }
        return lines
    }

    /// The partial line left at the end of the stream, if any.
    public mutating func finish() -> ConsoleLine? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : Self.classify(pending)
    }

    /// Classifies one line (without its newline).
    public static func classify(_ raw: [UInt8]) -> ConsoleLine {
        var bytes = raw
        if bytes.last == 0x0D { bytes.removeLast() }
        if let first = bytes.first, first >= 0xF5 {
            // A signed marker -1 … -11: level = -marker - 1.
            let level = -Int(Int8(bitPattern: first)) - 1
            return .verbose(level: level, text: String(decoding: stripColours(bytes.dropFirst()), as: UTF8.self))
        }
        let text = String(decoding: stripColours(bytes[...]), as: UTF8.self)
        if let log = parseLog(text) { return .log(log) }
        return .output(text)
    }

    /// The bytes without ANSI escape sequences (`ESC [ … letter`, `ESC ] … BEL`).
    static func stripColours(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(0x1B) else { return Array(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == 0x1B, bytes.index(after: index) < bytes.endIndex else {
                out.append(byte)
                index = bytes.index(after: index)
                continue
            }
            let kind = bytes[bytes.index(after: index)]
            index = bytes.index(index, offsetBy: 2)
            if kind == UInt8(ascii: "[") {
                while index < bytes.endIndex, !(0x40...0x7E).contains(bytes[index]) { index = bytes.index(after: index) }
                if index < bytes.endIndex { index = bytes.index(after: index) }
            } else if kind == UInt8(ascii: "]") {
                while index < bytes.endIndex, bytes[index] != 0x07 { index = bytes.index(after: index) }
                if index < bytes.endIndex { index = bytes.index(after: index) }
            }
        }
        return out
    }

    /// Reads `[date] LEVEL[lwp][C-id]: file:line function: message`; nil when the line is not one.
    static func parseLog(_ text: String) -> ConsoleLogLine? {
        guard text.hasPrefix("["), let close = text.firstIndex(of: "]") else { return nil }
        let timestamp = String(text[text.index(after: text.startIndex)..<close])
        var rest = text[text.index(after: close)...]
        guard rest.first == " " else { return nil }
        rest = rest.dropFirst()
        guard let colon = rest.firstRange(of: ": ") else { return nil }
        var head = rest[..<colon.lowerBound]
        let body = rest[colon.upperBound...]
        // LEVEL[lwp] and an optional [C-xxxxxxxx].
        var callID: String?
        if head.hasSuffix("]"), let open = head.lastIndex(of: "["), head[head.index(after: open)...].hasPrefix("C-") {
            callID = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
            head = head[..<open]
        }
        guard head.hasSuffix("]"), let open = head.lastIndex(of: "[") else { return nil }
        let level = String(head[..<open])
        let thread = Int(head[head.index(after: open)..<head.index(before: head.endIndex)])
        guard !level.isEmpty, level.allSatisfy({ $0.isUppercase || $0 == "_" }), thread != nil else { return nil }
        // file:line function: message (each part may be empty).
        var file: String?
        var line: Int?
        var function: String?
        var message = Substring(body)
        if let space = body.firstIndex(of: " ") {
            let location = body[..<space]
            if let sep = location.lastIndex(of: ":"), let number = Int(location[location.index(after: sep)...]) {
                file = String(location[..<sep])
                line = number
                let afterLocation = body[body.index(after: space)...]
                if let functionEnd = afterLocation.firstRange(of: ": ") {
                    function = String(afterLocation[..<functionEnd.lowerBound])
                    message = afterLocation[functionEnd.upperBound...]
                } else {
                    message = afterLocation
                }
            }
        }
        return ConsoleLogLine(
            timestamp: timestamp, level: level, thread: thread, callID: callID, file: file, line: line, function: function,
            message: String(message))
    }
}
