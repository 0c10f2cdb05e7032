/// The small pieces of HTTP/1.1 syntax that both sides of this package read and write — the ARI
/// client's request encoder and response parser, and the fake ARI server's request reader — so the
/// two agree on what a token, a length or a chunk size is. They read byte slices of a concrete type:
/// generic ones would run unspecialized across the module boundary, on every header of every message.
package enum HTTPSyntax {
    /// Bytes of a message, as the readers hold them.
    package typealias Bytes = Slice<UnsafeRawBufferPointer>

    /// Whether `byte` may appear in a token (RFC 9110 `tchar`): methods and header names.
    @inlinable
    package static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// `text` without the spaces and tabs around it (optional whitespace).
    @inlinable
    package static func trimmed(_ text: Bytes) -> Bytes {
        var result = text
        while let first = result.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { result = result.dropFirst() }
        while let last = result.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { result = result.dropLast() }
        return result
    }

    /// A `Content-Length`: one to eighteen decimal digits, nothing else; nil otherwise.
    @inlinable
    package static func decimal(_ text: Bytes) -> Int? {
        guard !text.isEmpty, text.count <= 18 else { return nil }
        var value = 0
        for byte in text {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// A chunk-size line's size (the line without its line end; extensions after `;` ignored): one to
    /// fifteen hexadecimal digits, optionally between blanks; nil otherwise.
    @inlinable
    package static func chunkSize(_ line: Bytes) -> Int? {
        let hex = trimmed(line.prefix { $0 != UInt8(ascii: ";") })
        guard !hex.isEmpty, hex.count <= 15 else { return nil }
        var size = 0
        for byte in hex {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            size = size * 16 + digit
        }
        return size
    }
}
