/// Splits the bytes of one reply line into code, `result=`, `(data)` and `key=value` parts, without
/// going through `Character`s (AGI replies are ASCII apart from the data, which is copied as UTF-8).
struct AGIReplyLineScanner {
    /// The pieces of a line that starts with a valid code.
    struct Parts {
        var code: Int
        var resultText: String?
        var data: String?
        var attributes: [AGIReply.Attribute]
    }

    let bytes: UnsafeBufferPointer<UInt8>

    private static let space = UInt8(ascii: " ")
    private static let equals = UInt8(ascii: "=")
    private static let open = UInt8(ascii: "(")
    private static let close = UInt8(ascii: ")")

    /// The parts, or nil when the line does not start with three digits followed by the end, a space or `-`.
    func scan() -> Parts? {
        guard bytes.count >= 3 else { return nil }
        var code = 0
        for index in 0..<3 {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        if bytes.count > 3 && bytes[3] != Self.space && bytes[3] != UInt8(ascii: "-") { return nil }
        var parts = Parts(code: code, resultText: nil, data: nil, attributes: [])
        let prefix: StaticString = "result="
        var position = 4
        guard code == 200, bytes.count >= position + prefix.utf8CodeUnitCount,
            prefix.withUTF8Buffer({ expected in expected.indices.allSatisfy { bytes[position + $0] == expected[$0] } })
        else { return parts }
        position += prefix.utf8CodeUnitCount
        let resultEnd = firstIndex(of: Self.space, from: position) ?? bytes.count
        parts.resultText = string(position..<resultEnd)
        position = resultEnd
        while position < bytes.count && bytes[position] == Self.space { position += 1 }
        if position < bytes.count && bytes[position] == Self.open {
            // The data runs to the last ')' that is followed only by key=value parts.
            var close = bytes.count - 1
            while close > position && !(bytes[close] == Self.close && isAttributeList(close + 1..<bytes.count)) { close -= 1 }
            if close > position {
                parts.data = string(position + 1..<close)
                position = close + 1
            }
        }
        parts.attributes = attributes(position..<bytes.count)
        return parts
    }

    private func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The space-separated words of a range.
    private func words(_ range: Range<Int>) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == Self.space {
                index += 1
                continue
            }
            let end = firstIndex(of: Self.space, from: index).map { min($0, range.upperBound) } ?? range.upperBound
            words.append(index..<end)
            index = end
        }
        return words
    }

    /// Whether every word of a range is `key=value` without parentheses.
    private func isAttributeList(_ range: Range<Int>) -> Bool {
        for word in words(range) {
            var hasEquals = false
            for index in word {
                let byte = bytes[index]
                if byte == Self.open || byte == Self.close { return false }
                if byte == Self.equals { hasEquals = true }
            }
            if !hasEquals { return false }
        }
        return true
    }

    private func attributes(_ range: Range<Int>) -> [AGIReply.Attribute] {
        guard !range.isEmpty else { return [] }
        return words(range).compactMap { word in
            guard let equals = firstIndex(of: Self.equals, from: word.lowerBound), equals < word.upperBound else { return nil }
            return AGIReply.Attribute(key: string(word.lowerBound..<equals), value: string(equals + 1..<word.upperBound))
        }
    }
}
