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
        ///
        /// Values are clamped to 16 MiB per line and 100,000 headers; a frame that would pass 4 GiB
        /// (its offsets are 32-bit) is refused as too long.
        public init(maxLineLength: Int = 64 * 1024, maxHeaderCount: Int = 1024) {
            self.maxLineLength = min(max(1, maxLineLength), 16 * 1024 * 1024)
            self.maxHeaderCount = min(max(1, maxHeaderCount), 100_000)
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
    /// Where header ranges are written; shared by the messages it produces.
    private var chunk: AMIFieldChunk?
    /// `chunk`'s slots, held as a pointer so the hot loop needs no reference counting.
    nonisolated(unsafe) private var chunkSlots: UnsafeMutablePointer<AMIFieldRange>?
    /// The next free slot of `chunk`.
    private var chunkFill = 0
    /// Unique to this parser value (see ``AMIFieldChunkOwner``).
    private var owner = AMIFieldChunkOwner()
    /// The pending frame's first slot and its number of fields.
    private var frameStart = 0
    private var frameCount = 0
    /// Slots per chunk.
    private static let chunkCapacity = 16384
    private var legacyBody = LegacyCommandBody.none
    private var legacyOutputStarted = false

    /// A parser that holds no state, for swapping in while the real one is borrowed.
    static var placeholder: AMIFrameParser {
        AMIFrameParser(limits: Limits(), expectsBanner: false, reserving: 0)
    }

    private init(limits: Limits, expectsBanner: Bool, reserving: Int) {
        self.limits = limits
        self.awaitingBanner = expectsBanner
    }

    /// Appends one field of the pending frame. Room for a whole frame (up to the header limit) is
    /// reserved when its first field arrives, so later fields are a plain store.
    private mutating func append(_ field: AMIFieldRange) {
        if frameCount == 0 { reserveFrameRoom() }
        (chunkSlots.unsafelyUnwrapped + chunkFill).initialize(to: field)
        chunkFill += 1
        frameCount += 1
    }

    /// Starts a new chunk when this parser value was copied or the chunk cannot hold a maximal frame.
    private mutating func reserveFrameRoom() {
        let needed = limits.maxHeaderCount + 1
        let copied = !isKnownUniquelyReferenced(&owner)
        if copied { owner = AMIFieldChunkOwner() }
        if copied || chunk == nil || chunk!.capacity - chunkFill < needed {
            let fresh = AMIFieldChunk(capacity: max(Self.chunkCapacity, 4 * needed))
            chunk = fresh
            chunkSlots = fresh.fields
            chunkFill = 0
            frameStart = 0
        }
    }

    /// The first field of the pending frame.
    private var firstField: AMIFieldRange? {
        frameCount > 0 ? chunk!.fields[frameStart] : nil
    }

    /// Creates a parser; a client expects the banner first, a server (`expectsBanner: false`) does not.
    public init(limits: Limits = Limits(), expectsBanner: Bool = true) {
        self.limits = limits
        self.awaitingBanner = expectsBanner
    }

    /// Consumes one banner or frame from the front of `buffer`, or returns nil when more bytes are needed.
    ///
    /// - Throws: ``AMIError`` with code `.lineTooLong` or `.tooManyHeaders`; the stream cannot be
    ///   resynchronised after that and the connection should be closed.
    public mutating func next(from buffer: inout ByteBuffer) throws(AMIError) -> Output? {
        if awaitingBanner {
            guard let banner = try readBanner(from: &buffer) else { return nil }
            awaitingBanner = false
            return .banner(banner)
        }
        while true {
            let step = buffer.withUnsafeReadableBytes { raw in scan(raw) }
            switch step {
            case .needMore:
                return nil
            case .skip(let count):
                buffer.moveReaderIndex(forwardBy: count)
                scanned = 0
            case .frame(let length):
                let frame = buffer.readSlice(length: length)!
                let message = AMIMessage(
                    bytes: frame, chunk: chunk!, fieldStart: frameStart, fieldCount: frameCount,
                    kind: AMIMessage.classify(frame, firstField))
                frameStart = chunkFill
                frameCount = 0
                scanned = 0
                legacyBody = .none
                legacyOutputStarted = false
                return .message(message)
            case .lineTooLong(let length, let complete):
                throw AMIError(
                    .lineTooLong,
                    complete
                        ? "a line of \(length) bytes exceeded the limit of \(limits.maxLineLength)"
                        : "a line exceeded \(limits.maxLineLength) bytes without ending")
            case .tooManyHeaders:
                throw AMIError(.tooManyHeaders, "a frame exceeded \(limits.maxHeaderCount) header lines")
            }
        }
    }

    private enum ScanStep {
        case needMore
        case skip(Int)
        case frame(length: Int)
        case lineTooLong(Int, complete: Bool)
        case tooManyHeaders
    }

    /// Splits lines from `scanned` on, appending fields, until a frame ends or the bytes run out.
    private mutating func scan(_ raw: UnsafeRawBufferPointer) -> ScanStep {
        guard let base = raw.baseAddress else { return .needMore }
        let count = raw.count
        while true {
            if legacyBody == .none && frameCount > 0 {
                return scanHeaderLines(base.assumingMemoryBound(to: UInt8.self), count: count)
            }
            let lineStart = scanned
            guard lineStart < count,
                let hit = memchr(base + lineStart, Int32(AMIASCII.lf), count - lineStart)
            else {
                if count - lineStart > limits.maxLineLength { return .lineTooLong(count - lineStart, complete: false) }
                return .needMore
            }
            let newline = base.distance(to: UnsafeRawPointer(hit))
            if newline >= Int(UInt32.max) { return .lineTooLong(newline - lineStart, complete: true) }
            var contentEnd = newline
            if contentEnd > lineStart && raw[contentEnd - 1] == AMIASCII.cr { contentEnd -= 1 }
            if contentEnd - lineStart > limits.maxLineLength { return .lineTooLong(contentEnd - lineStart, complete: true) }
            scanned = newline + 1
            if contentEnd == lineStart && legacyBody != .body {
                if frameCount == 0 { return .skip(scanned) }
                return .frame(length: scanned)
            }
            if legacyBody == .body {
                appendLegacyBodyLine(raw, start: lineStart, end: contentEnd)
            } else {
                appendHeader(raw, start: lineStart, end: contentEnd)
            }
            if frameCount > limits.maxHeaderCount { return .tooManyHeaders }
        }
    }

    /// The hot path: the rest of a frame whose first header is in (so its room is reserved and it is
    /// not a legacy command body). Works on locals and raw pointers, and writes the state back once.
    private mutating func scanHeaderLines(_ bytes: UnsafePointer<UInt8>, count: Int) -> ScanStep {
        let slots = chunkSlots.unsafelyUnwrapped
        let maxLine = limits.maxLineLength
        let maxHeaders = limits.maxHeaderCount
        var position = scanned
        var fill = chunkFill
        var inFrame = frameCount
        defer {
            scanned = position
            chunkFill = fill
            frameCount = inFrame
        }
        while true {
            let lineStart = position
            guard lineStart < count, let hit = memchr(bytes + lineStart, Int32(AMIASCII.lf), count - lineStart) else {
                return count - lineStart > maxLine ? .lineTooLong(count - lineStart, complete: false) : .needMore
            }
            let newline = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - bytes
            if newline >= Int(UInt32.max) { return .lineTooLong(newline - lineStart, complete: true) }
            var end = newline
            if end > lineStart && bytes[end - 1] == AMIASCII.cr { end -= 1 }
            if end - lineStart > maxLine { return .lineTooLong(end - lineStart, complete: true) }
            position = newline + 1
            if end == lineStart { return .frame(length: position) }
            var colon = lineStart
            while colon < end && bytes[colon] != AMIASCII.colon { colon += 1 }
            var nameEnd = colon
            while nameEnd > lineStart && AMIASCII.isBlank(bytes[nameEnd - 1]) { nameEnd -= 1 }
            var valueStart = colon < end ? colon + 1 : end
            while valueStart < end && AMIASCII.isBlank(bytes[valueStart]) { valueStart += 1 }
            var valueEnd = end
            while valueEnd > valueStart && AMIASCII.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
            (slots + fill).initialize(
                to: AMIFieldRange(
                    nameStart: UInt32(truncatingIfNeeded: lineStart), nameLength: UInt32(truncatingIfNeeded: nameEnd - lineStart),
                    valueStart: UInt32(truncatingIfNeeded: valueStart),
                    valueLength: UInt32(truncatingIfNeeded: valueEnd - valueStart), isOutputLine: false))
            fill += 1
            inFrame += 1
            if inFrame > maxHeaders { return .tooManyHeaders }
        }
    }

    private mutating func readBanner(from buffer: inout ByteBuffer) throws(AMIError) -> AMIBanner? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: AMIASCII.lf) else {
            if view.count > limits.maxLineLength {
                throw AMIError(.lineTooLong, "the banner exceeded \(limits.maxLineLength) bytes without ending")
            }
            return nil
        }
        var length = newline - view.startIndex
        if length > 0 && view[newline - 1] == AMIASCII.cr { length -= 1 }
        let text = buffer.getString(at: buffer.readerIndex, length: min(length, limits.maxLineLength)) ?? ""
        buffer.moveReaderIndex(to: newline + 1)
        return AMIBanner(line: text)
    }

    private mutating func appendHeader(_ raw: UnsafeRawBufferPointer, start: Int, end: Int) {
        var colon = start
        while colon < end && raw[colon] != AMIASCII.colon { colon += 1 }
        var nameEnd = colon
        while nameEnd > start && AMIASCII.isBlank(raw[nameEnd - 1]) { nameEnd -= 1 }
        var valueStart = min(colon + 1, end)
        while valueStart < end && AMIASCII.isBlank(raw[valueStart]) { valueStart += 1 }
        var valueEnd = end
        while valueEnd > valueStart && AMIASCII.isBlank(raw[valueEnd - 1]) { valueEnd -= 1 }
        let field = AMIFieldRange(
            nameStart: UInt32(truncatingIfNeeded: start), nameLength: UInt32(truncatingIfNeeded: nameEnd - start),
            valueStart: UInt32(truncatingIfNeeded: valueStart), valueLength: UInt32(truncatingIfNeeded: valueEnd - valueStart),
            isOutputLine: false)
        if frameCount == 0 && nameEnd - start == 8 && valueEnd - valueStart == 7
            && AMIASCII.equalsIgnoringCase(raw[start..<nameEnd], "response")
            && AMIASCII.equalsIgnoringCase(raw[valueStart..<valueEnd], "follows")
        {
            legacyBody = .body
        }
        append(field)
    }

    private static let endCommand: [UInt8] = Array("--END COMMAND--".utf8)

    private mutating func appendLegacyBodyLine(_ raw: UnsafeRawBufferPointer, start: Int, end: Int) {
        let marker = Self.endCommand
        let endsBody = end - start >= marker.count && raw[(end - marker.count)..<end].elementsEqual(marker)
        if endsBody {
            legacyBody = .ended
            let outputEnd = end - marker.count
            if outputEnd > start {
                append(AMIFieldRange(
                    nameStart: UInt32(start), nameLength: 0, valueStart: UInt32(start),
                    valueLength: UInt32(outputEnd - start), isOutputLine: true))
            }
            return
        }
        if !legacyOutputStarted && isLegacyPreambleHeader(raw, start: start, end: end) {
            appendHeader(raw, start: start, end: end)
            return
        }
        legacyOutputStarted = true
        append(AMIFieldRange(
            nameStart: UInt32(start), nameLength: 0, valueStart: UInt32(start),
            valueLength: UInt32(end - start), isOutputLine: true))
    }

    /// `ActionID:`, `Privilege:` and `Message:` lines that precede a legacy command's output.
    private func isLegacyPreambleHeader(_ raw: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        var colon = start
        while colon < end && raw[colon] != AMIASCII.colon { colon += 1 }
        guard colon < end else { return false }
        let name = raw[start..<colon]
        return AMIASCII.equalsIgnoringCase(name, "actionid")
            || AMIASCII.equalsIgnoringCase(name, "privilege")
            || AMIASCII.equalsIgnoringCase(name, "message")
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
