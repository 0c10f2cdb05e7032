import NIOCore

/// One AMI frame as it arrived: its bytes plus the positions of its header lines, decoded lazily.
///
/// Header order and repeated keys are kept; lookups are case-insensitive; values decode lossily
/// (invalid UTF-8 becomes U+FFFD) while the raw bytes stay reachable through ``rawValue(for:)``.
public struct AMIMessage: Sendable, Hashable {
    /// What kind of frame this is, from its first header.
    public enum Kind: UInt8, Sendable {
        /// The frame starts with `Response:`.
        case response
        /// The frame starts with `Event:`.
        case event
        /// Anything else (an action, when the parser runs on the server side, or garbage).
        case other
    }

    /// The frame's bytes, starting at the first header line.
    @usableFromInline let bytes: ByteBuffer
    /// The chunk holding where each header's name and value lie within `bytes`.
    @usableFromInline let chunk: AMIFieldChunk
    /// The first slot of this frame in `chunk`.
    @usableFromInline let fieldStart: Int32
    /// The number of header lines.
    @usableFromInline let fieldCount: Int32
    /// The frame's kind, decided when it was parsed.
    public let kind: Kind

    @usableFromInline
    init(bytes: ByteBuffer, chunk: AMIFieldChunk, fieldStart: Int, fieldCount: Int, kind: Kind) {
        self.bytes = bytes
        self.chunk = chunk
        self.fieldStart = Int32(fieldStart)
        self.fieldCount = Int32(fieldCount)
        self.kind = kind
    }

    /// The header ranges, in order.
    @usableFromInline
    var fields: UnsafeBufferPointer<AMIFieldRange> {
        UnsafeBufferPointer(start: chunk.fields + Int(fieldStart), count: Int(fieldCount))
    }

    /// Builds a message from ordered header pairs (used by the fake server and by tests).
    public init(headers: [(name: String, value: String)]) {
        var buffer = ByteBuffer()
        var fields: [AMIFieldRange] = []
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            let nameStart = buffer.writerIndex
            let nameLength = buffer.writeString(name)
            buffer.writeStaticString(": ")
            let valueStart = buffer.writerIndex
            let valueLength = buffer.writeString(value)
            buffer.writeStaticString("\r\n")
            fields.append(AMIFieldRange(
                nameStart: UInt32(nameStart), nameLength: UInt32(nameLength),
                valueStart: UInt32(valueStart), valueLength: UInt32(valueLength), isOutputLine: false))
        }
        self.init(
            bytes: buffer, chunk: AMIFieldChunk(fields), fieldStart: 0, fieldCount: fields.count,
            kind: AMIMessage.classify(buffer, fields.first))
    }

    /// The number of header lines (legacy command output lines included).
    public var count: Int { Int(fieldCount) }

    /// All headers in arrival order, decoded.
    public var headers: [AMIHeader] {
        fields.map { AMIHeader(name: name(of: $0), value: value(of: $0)) }
    }

    /// The first value of the header `name` (case-insensitive), or nil when absent.
    @inlinable
    public subscript(name: String) -> String? {
        guard let index = firstIndex(of: name) else { return nil }
        return value(of: fields[index])
    }

    /// Every value of the header `name` in order (for repeated keys such as `Variable` or `Output`).
    public func values(for name: String) -> [String] {
        var result: [String] = []
        forEachIndex(of: name) { result.append(value(of: fields[$0])) }
        return result
    }

    /// The raw bytes of the first value of `name`, undecoded.
    public func rawValue(for name: String) -> ByteBuffer? {
        guard let index = firstIndex(of: name) else { return nil }
        let field = fields[index]
        return bytes.getSlice(at: bytes.readerIndex + Int(field.valueStart), length: Int(field.valueLength))
    }

    /// Whether the header `name` is present.
    @inlinable
    public func contains(_ name: String) -> Bool { firstIndex(of: name) != nil }

    /// Whether the first value of `name` equals `value`, compared ASCII case-insensitively without decoding.
    @inlinable
    public func has(_ name: String, equalTo value: String) -> Bool {
        guard let index = firstIndex(of: name) else { return false }
        let field = fields[index]
        return equalsIgnoringCase(start: field.valueStart, length: field.valueLength, value)
    }

    /// The frame as AMI text (`Key: Value` lines and the closing blank line), for logs and tools.
    public var wireText: String {
        var text = ""
        for field in fields {
            if field.isOutputLine {
                text += "Output: " + value(of: field) + "\r\n"
            } else {
                text += name(of: field) + ": " + value(of: field) + "\r\n"
            }
        }
        return text + "\r\n"
    }

    /// Two messages are equal when their headers are, in order.
    public static func == (lhs: AMIMessage, rhs: AMIMessage) -> Bool {
        lhs.headers == rhs.headers
    }

    /// Hashes the headers, as `==` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(headers)
    }

    // MARK: - internals

    @inlinable
    func name(of field: AMIFieldRange) -> String {
        if field.isOutputLine { return "Output" }
        return bytes.getString(at: bytes.readerIndex + Int(field.nameStart), length: Int(field.nameLength)) ?? ""
    }

    @inlinable
    func value(of field: AMIFieldRange) -> String {
        bytes.withUnsafeReadableBytes { raw in
            let start = Int(field.valueStart)
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<start + Int(field.valueLength)]), as: UTF8.self)
        }
    }

    @inlinable
    func firstIndex(of name: String) -> Int? {
        var found: Int?
        var name = name
        let fields = self.fields
        name.withUTF8 { key in
            for index in fields.indices where matches(fields[index], key) {
                found = index
                return
            }
        }
        return withExtendedLifetime(chunk) { found }
    }

    @inlinable
    func forEachIndex(of name: String, _ body: (Int) -> Void) {
        var name = name
        var indices: [Int] = []
        let fields = self.fields
        name.withUTF8 { key in
            for index in fields.indices where matches(fields[index], key) { indices.append(index) }
        }
        withExtendedLifetime(chunk) { indices.forEach(body) }
    }

    @inlinable
    func matches(_ field: AMIFieldRange, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.isOutputLine {
            return key.count == 6 && AMIASCII.equalsIgnoringCase(key, "output")
        }
        guard Int(field.nameLength) == key.count else { return false }
        return bytes.withUnsafeReadableBytes { raw in
            let start = Int(field.nameStart)
            for offset in 0..<key.count where AMIASCII.lower(raw[start + offset]) != AMIASCII.lower(key[offset]) {
                return false
            }
            return true
        }
    }

    @inlinable
    func equalsIgnoringCase(start: UInt32, length: UInt32, _ other: String) -> Bool {
        var other = other
        return other.withUTF8 { key in
            guard key.count == Int(length) else { return false }
            return bytes.withUnsafeReadableBytes { raw in
                let base = Int(start)
                for offset in 0..<key.count where AMIASCII.lower(raw[base + offset]) != AMIASCII.lower(key[offset]) {
                    return false
                }
                return true
            }
        }
    }

    static func classify(_ bytes: ByteBuffer, _ first: AMIFieldRange?) -> Kind {
        guard let first, !first.isOutputLine else { return .other }
        return bytes.withUnsafeReadableBytes { raw in
            let name = UnsafeRawBufferPointer(rebasing: raw[Int(first.nameStart)..<Int(first.nameStart + first.nameLength)])
            if AMIASCII.equalsIgnoringCase(name, "event") { return .event }
            if AMIASCII.equalsIgnoringCase(name, "response") { return .response }
            return .other
        }
    }
}

/// One decoded header line.
public struct AMIHeader: Sendable, Hashable, CustomStringConvertible {
    /// The header's name as sent (`Channel`, `ChanVariable(FOO)`).
    public var name: String
    /// The header's value, trimmed of surrounding spaces.
    public var value: String

    /// Creates a header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `Name: Value`.
    public var description: String { "\(name): \(value)" }
}

/// Offsets of one header line within a frame's bytes, relative to the frame's start.
public struct AMIFieldRange: Sendable, Hashable {
    @usableFromInline let nameStart: UInt32
    @usableFromInline let nameLength: UInt32
    @usableFromInline let valueStart: UInt32
    @usableFromInline let valueLength: UInt32
    /// A line of legacy `Response: Follows` command output rather than a `Key: Value` header.
    @usableFromInline let isOutputLine: Bool

    @usableFromInline
    init(nameStart: UInt32, nameLength: UInt32, valueStart: UInt32, valueLength: UInt32, isOutputLine: Bool) {
        self.nameStart = nameStart
        self.nameLength = nameLength
        self.valueStart = valueStart
        self.valueLength = valueLength
        self.isOutputLine = isOutputLine
    }
}
