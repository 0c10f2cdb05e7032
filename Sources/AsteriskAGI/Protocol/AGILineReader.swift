import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Takes `\n`-terminated lines (a trailing `\r` is dropped) off a byte buffer, refusing overlong ones.
public struct AGILineReader: Sendable {
    /// The longest line accepted, in bytes.
    public let maxLineLength: Int

    /// Creates a reader; 16 KiB per line by default.
    public init(maxLineLength: Int = 16 * 1024) {
        self.maxLineLength = maxLineLength
    }

    /// Hands the next complete line's bytes to `body` without making a `String`; false when more bytes are needed.
    func withNextLine<Result>(
        from buffer: inout ByteBuffer, _ body: (UnsafeRawBufferPointer) throws(AGIError) -> Result
    ) throws(AGIError) -> Result? {
        let limit = maxLineLength
        // One pass over contiguous bytes: find the newline, check the limit, hand the line over.
        let outcome: (result: Result, consumed: Int)? = try buffer.withUnsafeReadableBytes {
            (raw) throws(AGIError) -> (result: Result, consumed: Int)? in
            guard let base = raw.baseAddress, !raw.isEmpty,
                let found = memchr(base, Int32(UInt8(ascii: "\n")), raw.count)
            else {
                if raw.count > limit { throw AGIError(.lineTooLong, "a line exceeded \(limit) bytes without ending") }
                return nil
            }
            let newline = base.distance(to: UnsafeRawPointer(found))
            var length = newline
            if length > limit {
                throw AGIError(.lineTooLong, "a line of \(length) bytes exceeded the limit of \(limit)")
            }
            if length > 0 && raw[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
            return (try body(UnsafeRawBufferPointer(rebasing: raw[..<length])), newline + 1)
        }
        guard let outcome else { return nil }
        buffer.moveReaderIndex(forwardBy: outcome.consumed)
        return outcome.result
    }

    /// The next complete line, or nil when more bytes are needed. Invalid UTF-8 decodes lossily.
    /// - Throws: ``AGIError`` `.lineTooLong` when a line, complete or not, passes the limit.
    public func nextLine(from buffer: inout ByteBuffer) throws(AGIError) -> String? {
        try withNextLine(from: &buffer) { String(decoding: $0, as: UTF8.self) }
    }
}
