/// Strings: found eight bytes at a time, built once, escapes decoded only when a string has them.
extension ARIJSONReader {
    /// The position of the first byte at or after `position` that ends a string's plain run — a `"`,
    /// a `\` or a control character — or `count` when there is none.
    ///
    /// Eight bytes at a time (``runEndMarks(_:)``), the last few one by one.
    @inline(__always)
    func plainRunEnd(from position: Int) -> Int {
        guard let base = bytes.baseAddress else { return position }
        var position = position
        while position + 8 <= bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let found = Self.runEndMarks(word)
            if found != 0 { return position + found.trailingZeroBitCount / 8 }
            position += 8
        }
        while position < bytes.count {
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return position }
            position += 1
        }
        return position
    }

    /// The high bit of each byte of `word` (eight string bytes, little-endian) that may end a plain
    /// run: a `"`, a `\` or a control character. The lowest marked byte is exact; a borrow can only
    /// mark bytes above it, which are never used.
    @inline(__always)
    static func runEndMarks(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)) & highs
    }

    /// A string value.
    mutating func readString() throws(Failure) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let start = index + 1
        index = plainRunEnd(from: start)
        guard index < bytes.count else { throw failure("a string is not closed") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            return text
        case UInt8(ascii: "\\"):
            return try readEscapedString(from: start)
        default:
            throw failure("a control character inside a string")
        }
    }

    /// Steps over a string, with the checks of ``readString()`` but without building it.
    mutating func skipString() throws(Failure) {
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        index += 1
        while true {
            index = plainRunEnd(from: index)
            guard index < bytes.count else { throw failure("a string is not closed") }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return }
            guard byte == UInt8(ascii: "\\") else {
                index -= 1
                throw failure("a control character inside a string")
            }
            guard index < bytes.count else { throw failure("a string is not closed") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"): _ = try readUnicodeEscape()
            default: throw failure("an unknown escape in a string")
            }
        }
    }

    /// The rest of a string that has escapes, from its first byte at `start`.
    private mutating func readEscapedString(from start: Int) throws(Failure) -> String {
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw failure("a string is not closed") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: UTF8.encode(try readUnicodeEscape())!)
                default: throw failure("an unknown escape in a string")
                }
            default:
                guard byte >= 0x20 else { throw failure("a control character inside a string") }
                out.append(byte)
            }
        }
        throw failure("a string is not closed")
    }

    /// The scalar of `\uXXXX` (a surrogate pair as two of them), its `\u` already consumed.
    private mutating func readUnicodeEscape() throws(Failure) -> Unicode.Scalar {
        var scalar = try readHex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard matches("\\u") else { throw failure("a lone surrogate in a string") }
            index += 2
            let low = try readHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate in a string") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw failure("a lone surrogate in a string")
        }
        guard let value = Unicode.Scalar(scalar) else { throw failure("an invalid \\u escape") }
        return value
    }

    /// Four hex digits.
    private mutating func readHex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
