/// Member names read without building strings: the generated readers switch on a name's hash and
/// confirm the bytes, so matching a member costs one pass over its name.
extension ARIJSONReader {
    /// A member name as read: its FNV-1a hash, where its bytes are, and its text when it had escapes.
    struct Key {
        /// FNV-1a (64-bit) of the name's UTF-8 bytes, as `scripts/generate-ari-types.py` computes it.
        let hash: UInt64
        let start: Int
        let end: Int
        /// The decoded name, only for a name written with escapes.
        let decoded: String?
    }

    /// FNV-1a's starting value and prime.
    static let hashOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let hashPrime: UInt64 = 0x0000_0100_0000_01b3

    /// The next member's name (its `:` consumed), or nil after the object's `}`.
    mutating func nextMemberKey() throws(Failure) -> Key? {
        guard try beginMember() else { return nil }
        guard byte(at: index) == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let start = index + 1
        var position = start
        var hash = Self.hashOffset
        while let byte = byte(at: position), byte != UInt8(ascii: "\"") {
            if byte == UInt8(ascii: "\\") || byte < 0x20 {
                let decoded = try readString()
                try endMember()
                var slowHash = Self.hashOffset
                for byte in decoded.utf8 { slowHash = (slowHash ^ UInt64(byte)) &* Self.hashPrime }
                return Key(hash: slowHash, start: start, end: start, decoded: decoded)
            }
            hash = (hash ^ UInt64(byte)) &* Self.hashPrime
            position += 1
        }
        guard position < count else { throw failure("a string is not closed") }
        index = position + 1
        try endMember()
        return Key(hash: hash, start: start, end: position, decoded: nil)
    }

    /// Whether `key` is exactly `name`.
    func key(_ key: Key, is name: StaticString) -> Bool {
        name.withUTF8Buffer { expected in
            if let decoded = key.decoded { return decoded.utf8.elementsEqual(expected) }
            guard key.end - key.start == expected.count else { return false }
            return (0..<expected.count).allSatisfy { byte(at: key.start + $0) == expected[$0] }
        }
    }
}
