import Foundation

/// Member names read without building strings: the generated readers switch on a name's hash and
/// confirm the bytes, so matching a member costs one pass over its name.
extension ARIJSONReader {
    /// A member name as read: its hash and where its bytes are (a plain value, so reading a
    /// member costs no reference counting).
    struct Key {
        /// ``ARIJSONReader/hash(_:)`` of the name's UTF-8 bytes (decoded), as `scripts/generate-ari-types.py` computes it.
        let hash: UInt64
        /// The name's first byte, after the opening quote.
        let start: Int
        /// The closing quote.
        let end: Int
        /// Whether the name is written with escapes (then its bytes are not its text).
        let escaped: Bool
    }

    /// The hash's starting value and multiplier (FNV-1a's, applied to eight bytes at a time).
    static let hashOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let hashPrime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash of `bytes` (the generated readers switch on it): every eight bytes, read little-endian
    /// with zeros after the last, are xored in and multiplied, then the length.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = hashOffset
        let count = bytes.count
        if let start = bytes.baseAddress {
            var offset = 0
            while offset + 8 <= count {
                hash = (hash ^ UInt64(littleEndian: start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* hashPrime
                offset += 8
            }
            if offset < count {
                var word: UInt64 = 0
                for shift in 0..<(count - offset) {
                    word |= UInt64(start.load(fromByteOffset: offset + shift, as: UInt8.self)) << (8 * UInt64(shift))
                }
                hash = (hash ^ word) &* hashPrime
            }
        }
        return (hash ^ UInt64(count)) &* hashPrime
    }

    /// ``hash(_:)`` of a string's UTF-8 bytes (what event types are dispatched on).
    static func hash(of text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// The next member's name (its `:` consumed), or nil after the object's `}`.
    mutating func nextMemberKey() throws(Failure) -> Key? {
        guard try beginMember() else { return nil }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let start = index + 1
        if let (end, hash) = plainKeyRun(from: start) {
            index = end + 1
            try endMember()
            return Key(hash: hash, start: start, end: end, escaped: false)
        }
        let end = plainRunEnd(from: start)
        guard end < bytes.count else { throw failure("a string is not closed") }
        guard bytes[end] == UInt8(ascii: "\"") else {
            let decoded = try readString()
            let close = index - 1
            try endMember()
            return Key(hash: Self.hash(of: decoded), start: start, end: close, escaped: true)
        }
        index = end + 1
        try endMember()
        return Key(hash: Self.hash(UnsafeRawBufferPointer(start: bytes.baseAddress! + start, count: end - start)), start: start, end: end, escaped: false)
    }

    /// The common case of a member name, in one pass: where its closing quote is and the name's
    /// ``hash(_:)``, hashing each eight bytes as they are searched. Nil when the name has an escape
    /// or a control character, or is too near the end of the bytes for whole-word reads (the
    /// caller then takes the general path).
    @inline(__always)
    func plainKeyRun(from start: Int) -> (end: Int, hash: UInt64)? {
        guard let base = bytes.baseAddress else { return nil }
        var hash = Self.hashOffset
        var position = start
        while position + 8 <= bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let found = Self.runEndMarks(word)
            if found != 0 {
                let used = found.trailingZeroBitCount / 8
                let end = position + used
                guard base.load(fromByteOffset: end, as: UInt8.self) == UInt8(ascii: "\"") else { return nil }
                if used > 0 {
                    let tail = word & (UInt64.max >> UInt64(64 - 8 * used))
                    hash = (hash ^ tail) &* Self.hashPrime
                }
                return (end, (hash ^ UInt64(end - start)) &* Self.hashPrime)
            }
            hash = (hash ^ word) &* Self.hashPrime
            position += 8
        }
        return nil
    }

    /// Whether `key` is exactly `name`.
    func key(_ key: Key, is name: StaticString) -> Bool {
        name.withUTF8Buffer { expected in
            if key.escaped {
                var copy = self
                copy.index = key.start - 1
                guard let decoded = try? copy.readString() else { return false }
                return decoded.utf8.elementsEqual(expected)
            }
            guard key.end - key.start == expected.count else { return false }
            guard let base = bytes.baseAddress, let name = expected.baseAddress else { return expected.isEmpty }
            return memcmp(base + key.start, name, expected.count) == 0
        }
    }
}
