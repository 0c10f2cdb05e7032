import NIOCore

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
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > maxLineLength {
                throw AGIError(.lineTooLong, "a line exceeded \(maxLineLength) bytes without ending")
            }
            return nil
        }
        var length = newline - view.startIndex
        if length > maxLineLength {
            throw AGIError(.lineTooLong, "a line of \(length) bytes exceeded the limit of \(maxLineLength)")
        }
        if length > 0 && view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
        let result: Result = try buffer.withUnsafeReadableBytes { (raw) throws(AGIError) -> Result in
            try body(UnsafeRawBufferPointer(rebasing: raw[..<length]))
        }
        buffer.moveReaderIndex(to: newline + 1)
        return result
    }

    /// The next complete line, or nil when more bytes are needed. Invalid UTF-8 decodes lossily.
    /// - Throws: ``AGIError`` `.lineTooLong` when a line, complete or not, passes the limit.
    public func nextLine(from buffer: inout ByteBuffer) throws(AGIError) -> String? {
        try withNextLine(from: &buffer) { String(decoding: $0, as: UTF8.self) }
    }
}
