import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits an AMI byte stream into the banner and frames, without I/O.
///
/// Feed it the bytes as they arrive and call ``next(from:)`` until it returns nil. It accepts `\r\n`
/// and bare `\n`, skips stray blank lines, understands the legacy `Response: Follows` command body
/// (ended by `--END COMMAND--`), and enforces ``Limits`` so that a hostile peer cannot grow memory
/// without bound. Bytes already scanned are not scanned again when a frame arrives in pieces.
public struct AMIFrameParser: Sendable {
    /// Bounds on what one frame may contain.
    public struct Limits: Sendable, Hashable {
        /// The longest header line accepted, in bytes, excluding its line end.
        public var maxLineLength: Int
        /// The most header lines one frame may carry.
        public var maxHeaderCount: Int

        /// Creates limits; the defaults are 64 KiB per line and 1024 headers per frame.
        public init(maxLineLength: Int = 64 * 1024, maxHeaderCount: Int = 1024) {
            self.maxLineLength = maxLineLength
            self.maxHeaderCount = maxHeaderCount
        }
    }

    /// What one call to ``next(from:)`` produced.
    public enum Output: Sendable, Hashable {
        /// The greeting line, `Asterisk Call Manager/X.Y.Z`.
        case banner(AMIBanner)
        /// One complete frame.
        case message(AMIMessage)
    }

    private enum LegacyCommandBody {
        case none, body, ended
    }

    /// The limits in force.
    public let limits: Limits
    private var awaitingBanner: Bool
    /// Bytes of the pending frame already split into lines, relative to the buffer's reader index.
    private var scanned = 0
    private var fields: [AMIFieldRange] = []
    private var legacyBody = LegacyCommandBody.none
    private var legacyOutputStarted = false

    /// Creates a parser; a client expects the banner first, a server (`expectsBanner: false`) does not.
    public init(limits: Limits = Limits(), expectsBanner: Bool = true) {
        self.limits = limits
        self.awaitingBanner = expectsBanner
        fields.reserveCapacity(16)
    }

    /// Consumes one banner or frame from the front of `buffer`, or returns nil when more bytes are needed.
    ///
    /// - Throws: ``AMIError`` with code `.lineTooLong` or `.tooManyHeaders`; the stream cannot be
    ///   resynchronised after that and the connection should be closed.
    public mutating func next(from buffer: inout ByteBuffer) throws(AMIError) -> Output? {
        while true {
            let readable = buffer.readableBytes
            let lineStart = scanned
            let newline: Int? = buffer.withUnsafeReadableBytes { raw in
                guard lineStart < raw.count, let base = raw.baseAddress else { return nil }
                guard let hit = memchr(base + lineStart, Int32(AMIASCII.lf), raw.count - lineStart) else { return nil }
                return base.distance(to: UnsafeRawPointer(hit))
            }
            guard let newline else {
                if readable - lineStart > limits.maxLineLength {
                    throw AMIError(.lineTooLong, "a line exceeded \(limits.maxLineLength) bytes without ending")
                }
                return nil
            }
            var contentEnd = newline
            if contentEnd > lineStart, buffer.getInteger(at: buffer.readerIndex + contentEnd - 1, as: UInt8.self) == AMIASCII.cr {
                contentEnd -= 1
            }
            let lineLength = contentEnd - lineStart
            if lineLength > limits.maxLineLength {
                throw AMIError(.lineTooLong, "a line of \(lineLength) bytes exceeded the limit of \(limits.maxLineLength)")
            }
            scanned = newline + 1

            if awaitingBanner {
                awaitingBanner = false
                let text = buffer.getString(at: buffer.readerIndex, length: lineLength) ?? ""
                buffer.moveReaderIndex(forwardBy: scanned)
                scanned = 0
                return .banner(AMIBanner(line: text))
            }

            if lineLength == 0 && legacyBody != .body {
                if fields.isEmpty {
                    // A stray blank line between frames: drop it.
                    buffer.moveReaderIndex(forwardBy: scanned)
                    scanned = 0
                    continue
                }
                let frame = buffer.readSlice(length: scanned)!
                let message = AMIMessage(bytes: frame, fields: fields, kind: AMIMessage.classify(frame, fields.first))
                fields.removeAll(keepingCapacity: true)
                scanned = 0
                legacyBody = .none
                legacyOutputStarted = false
                return .message(message)
            }

            if legacyBody == .body {
                appendLegacyBodyLine(buffer, start: lineStart, end: contentEnd)
            } else {
                appendHeader(buffer, start: lineStart, end: contentEnd)
            }
            if fields.count > limits.maxHeaderCount {
                throw AMIError(.tooManyHeaders, "a frame exceeded \(limits.maxHeaderCount) header lines")
            }
        }
    }

    private mutating func appendHeader(_ buffer: ByteBuffer, start: Int, end: Int) {
        let field: AMIFieldRange = buffer.withUnsafeReadableBytes { raw in
            var colon = start
            while colon < end && raw[colon] != AMIASCII.colon { colon += 1 }
            var nameEnd = colon
            while nameEnd > start && AMIASCII.isBlank(raw[nameEnd - 1]) { nameEnd -= 1 }
            var valueStart = min(colon + 1, end)
            while valueStart < end && AMIASCII.isBlank(raw[valueStart]) { valueStart += 1 }
            var valueEnd = end
            while valueEnd > valueStart && AMIASCII.isBlank(raw[valueEnd - 1]) { valueEnd -= 1 }
            return AMIFieldRange(
                nameStart: UInt32(start), nameLength: UInt32(nameEnd - start),
                valueStart: UInt32(valueStart), valueLength: UInt32(valueEnd - valueStart), isOutputLine: false)
        }
        if fields.isEmpty, isLegacyFollows(buffer, field) {
            legacyBody = .body
        }
        fields.append(field)
    }

    private func isLegacyFollows(_ buffer: ByteBuffer, _ field: AMIFieldRange) -> Bool {
        buffer.withUnsafeReadableBytes { raw in
            let name = raw[Int(field.nameStart)..<Int(field.nameStart + field.nameLength)]
            let value = raw[Int(field.valueStart)..<Int(field.valueStart + field.valueLength)]
            return AMIASCII.equalsIgnoringCase(name, "response") && AMIASCII.equalsIgnoringCase(value, "follows")
        }
    }

    private static let endCommand: [UInt8] = Array("--END COMMAND--".utf8)

    private mutating func appendLegacyBodyLine(_ buffer: ByteBuffer, start: Int, end: Int) {
        let marker = Self.endCommand
        let endsBody: Bool = buffer.withUnsafeReadableBytes { raw in
            guard end - start >= marker.count else { return false }
            return raw[(end - marker.count)..<end].elementsEqual(marker)
        }
        if endsBody {
            legacyBody = .ended
            let outputEnd = end - marker.count
            if outputEnd > start {
                fields.append(AMIFieldRange(
                    nameStart: UInt32(start), nameLength: 0, valueStart: UInt32(start),
                    valueLength: UInt32(outputEnd - start), isOutputLine: true))
            }
            return
        }
        if !legacyOutputStarted && isLegacyPreambleHeader(buffer, start: start, end: end) {
            appendHeader(buffer, start: start, end: end)
            return
        }
        legacyOutputStarted = true
        fields.append(AMIFieldRange(
            nameStart: UInt32(start), nameLength: 0, valueStart: UInt32(start),
            valueLength: UInt32(end - start), isOutputLine: true))
    }

    /// `ActionID:`, `Privilege:` and `Message:` lines that precede a legacy command's output.
    private func isLegacyPreambleHeader(_ buffer: ByteBuffer, start: Int, end: Int) -> Bool {
        buffer.withUnsafeReadableBytes { raw in
            var colon = start
            while colon < end && raw[colon] != AMIASCII.colon { colon += 1 }
            guard colon < end else { return false }
            let name = raw[start..<colon]
            return AMIASCII.equalsIgnoringCase(name, "actionid")
                || AMIASCII.equalsIgnoringCase(name, "privilege")
                || AMIASCII.equalsIgnoringCase(name, "message")
        }
    }
}

/// The greeting Asterisk sends when a client connects.
public struct AMIBanner: Sendable, Hashable, CustomStringConvertible {
    /// The whole line, for example `Asterisk Call Manager/12.0.0`.
    public let line: String
    /// The product part before the slash, for example `Asterisk Call Manager`.
    public let product: String
    /// The AMI protocol version after the slash, for example `12.0.0`; empty when the line has none.
    public let version: String

    /// Parses a banner line.
    public init(line: String) {
        self.line = line
        if let slash = line.lastIndex(of: "/") {
            product = String(line[..<slash])
            version = String(line[line.index(after: slash)...]).trimmingSpaces
        } else {
            product = line
            version = ""
        }
    }

    /// The version's numeric components (`12.0.0` → `[12, 0, 0]`).
    public var versionComponents: [Int] {
        version.split(separator: ".").compactMap { Int($0) }
    }

    /// Whether the peer says it is an Asterisk manager.
    public var isAsteriskManager: Bool { product.contains("Call Manager") }

    /// The banner line.
    public var description: String { line }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
