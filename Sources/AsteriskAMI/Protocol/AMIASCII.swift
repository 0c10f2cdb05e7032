/// Byte-level ASCII helpers for the hot paths (no `String` per comparison).
@usableFromInline
enum AMIASCII {
    @usableFromInline static let cr: UInt8 = 13
    @usableFromInline static let lf: UInt8 = 10
    @usableFromInline static let colon: UInt8 = 58
    @usableFromInline static let space: UInt8 = 32
    @usableFromInline static let tab: UInt8 = 9

    /// Lowercases an ASCII letter; other bytes pass through.
    @inlinable
    static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 65 < 26 ? byte | 0x20 : byte
    }

    /// Whether `bytes` equals the lowercase ASCII `lowercased`, ignoring case.
    @inlinable
    static func equalsIgnoringCase<Bytes: Collection>(_ bytes: Bytes, _ lowercased: StaticString) -> Bool
    where Bytes.Element == UInt8 {
        guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
        let pattern = UnsafeBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount)
        var index = pattern.startIndex
        for byte in bytes {
            if lower(byte) != pattern[index] { return false }
            index += 1
        }
        return true
    }

    /// Whether a byte is a space or a tab.
    @inlinable
    static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }
}
