/// HTTP's token characters (RFC 9110 `tchar`): what methods and header names are made of, for the
/// HTTP/1.1 readers and writers of the ARI client and of the fake ARI server.
package enum HTTPToken {
    /// Whether `byte` may appear in a token.
    package static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
