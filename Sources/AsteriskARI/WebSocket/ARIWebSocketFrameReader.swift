import NIOCore
import NIOWebSocket

/// Splits the bytes of a WebSocket connection into frames (RFC 6455, section 5.2). Sans-IO: bytes go in
/// with ``append(_:)`` as they are read, whole frames come out of ``next()``.
///
/// A frame that lies whole in the bytes of one read is handed out as a slice of them, without a copy;
/// only a frame split between reads is gathered (its bytes copied once, into a buffer of its own), so
/// a reader never compacts or copies a read buffer that payloads still share. A frame's header is
/// checked as soon as it is complete: a frame longer than the limit is refused before its payload is
/// buffered.
struct ARIWebSocketFrameReader {
    /// One frame, its payload unmasked.
    struct Frame {
        /// Whether this frame ends its message.
        let fin: Bool
        /// What the frame carries.
        let opcode: WebSocketOpcode
        /// The payload (unmasked when the peer masked it).
        let payload: ByteBuffer
    }

    /// Why the bytes are not a WebSocket stream this reader accepts.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// A reserved bit is set, and no extension that would give it a meaning was agreed.
        case reservedBits
        /// An opcode that RFC 6455 reserves.
        case reservedOpcode(UInt8)
        /// A control frame (close, ping, pong) that is fragmented or longer than 125 bytes.
        case invalidControlFrame
        /// A frame whose payload is longer than the limit.
        case frameTooLarge(UInt64)

        /// The close code that tells the peer why.
        var closeCode: WebSocketErrorCode {
            if case .frameTooLarge = self { return .messageTooLarge }
            return .protocolError
        }

        var description: String {
            switch self {
            case .reservedBits: "a WebSocket frame has a reserved bit set"
            case .reservedOpcode(let code): "a WebSocket frame has the reserved opcode \(code)"
            case .invalidControlFrame: "a WebSocket control frame is fragmented or longer than 125 bytes"
            case .frameTooLarge(let length): "a WebSocket frame announces \(length) bytes, over the limit"
            }
        }
    }

    /// What a frame's header says.
    private struct Header {
        let fin: Bool
        let opcode: WebSocketOpcode
        let maskKey: WebSocketMaskingKey?
        let headerLength: Int
        let payloadLength: Int
        var frameLength: Int { headerLength + payloadLength }
    }

    /// The longest payload accepted.
    let maxFrameSize: Int
    /// The most a split frame's buffer reserves before its bytes arrive (a header alone cannot make
    /// the reader allocate its announced length; the buffer grows as the bytes come).
    static let upfrontCapacity = 64 * 1024
    /// The unread bytes of the latest read.
    private var current = ByteBuffer()
    /// The first bytes of a frame that the latest read did not complete (a buffer of its own).
    private var partial = ByteBuffer()

    /// How many bytes the buffer of a split frame holds room for.
    var heldCapacity: Int { partial.capacity }

    /// A reader that accepts frames of up to `maxFrameSize` payload bytes.
    init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    /// Adds the bytes of one read.
    mutating func append(_ bytes: ByteBuffer) {
        if current.readableBytes == 0 {
            current = bytes
        } else {
            current.writeImmutableBuffer(bytes)
        }
    }

    /// The next whole frame, or nil until more bytes arrive.
    mutating func next() throws(Failure) -> Frame? {
        if partial.readableBytes > 0 { return try completePartial() }
        guard let header = try header(in: current) else {
            keepPartial(frameLength: nil)
            return nil
        }
        guard current.readableBytes >= header.frameLength else {
            keepPartial(frameLength: header.frameLength)
            return nil
        }
        let frame = Self.frame(header, from: current)
        current.moveReaderIndex(forwardBy: header.frameLength)
        return frame
    }

    /// Gathers a split frame from the bytes of the latest read, and hands it out once whole.
    private mutating func completePartial() throws(Failure) -> Frame? {
        guard gather(upTo: 2) else { return nil }
        // Checked as soon as its first two bytes are here, whole or not (as in a single read).
        let headerIsHere = gather(upTo: Self.headerLength(in: partial))
        guard let header = try header(in: partial), headerIsHere else { return nil }
        partial.reserveCapacity(min(header.frameLength, Self.upfrontCapacity))
        guard gather(upTo: header.frameLength) else { return nil }
        let frame = Self.frame(header, from: partial)
        partial = ByteBuffer()
        return frame
    }

    /// Moves bytes of the latest read into the split frame until it has `count`; whether it has.
    private mutating func gather(upTo count: Int) -> Bool {
        let missing = count - partial.readableBytes
        if missing > 0, let bytes = current.readSlice(length: min(missing, current.readableBytes)) {
            partial.writeImmutableBuffer(bytes)
        }
        return partial.readableBytes >= count
    }

    /// Copies what is left of the latest read (the start of a frame) into a buffer of its own, so the
    /// read buffer, shared with payloads handed out, is let go.
    private mutating func keepPartial(frameLength: Int?) {
        guard current.readableBytes > 0 else {
            current = ByteBuffer()
            return
        }
        var own = ByteBufferAllocator().buffer(capacity: min(frameLength ?? 14, Self.upfrontCapacity))
        own.writeBuffer(&current)
        partial = own
        current = ByteBuffer()
    }

    /// How long the header beginning at the reader index of `bytes` is (at least two bytes readable).
    private static func headerLength(in bytes: ByteBuffer) -> Int {
        let second = bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self)!
        let lengthBytes = switch second & 0x7F {
        case 126: 2
        case 127: 8
        default: 0
        }
        return 2 + lengthBytes + (second & 0x80 != 0 ? 4 : 0)
    }

    /// The header at the reader index of `bytes`, checked; nil when it is not complete yet.
    private func header(in bytes: ByteBuffer) throws(Failure) -> Header? {
        guard bytes.readableBytes >= 2 else { return nil }
        let start = bytes.readerIndex
        let first = bytes.getInteger(at: start, as: UInt8.self)!
        let second = bytes.getInteger(at: start + 1, as: UInt8.self)!
        guard first & 0x70 == 0 else { throw .reservedBits }
        let code = first & 0x0F
        guard (0x0...0x2).contains(code) || (0x8...0xA).contains(code), let opcode = WebSocketOpcode(encodedWebSocketOpcode: code)
        else { throw .reservedOpcode(code) }
        let fin = first & 0x80 != 0
        let shortLength = second & 0x7F
        if code >= 0x8 && (!fin || shortLength > 125) { throw .invalidControlFrame }
        let headerLength = Self.headerLength(in: bytes)
        guard bytes.readableBytes >= headerLength else { return nil }
        let length: UInt64 = switch shortLength {
        case 126: UInt64(bytes.getInteger(at: start + 2, as: UInt16.self)!)
        case 127: bytes.getInteger(at: start + 2, as: UInt64.self)!
        default: UInt64(shortLength)
        }
        guard length <= UInt64(maxFrameSize) else { throw .frameTooLarge(length) }
        let maskKey = second & 0x80 != 0
            ? WebSocketMaskingKey(bytes.getBytes(at: start + headerLength - 4, length: 4)!) : nil
        return Header(fin: fin, opcode: opcode, maskKey: maskKey, headerLength: headerLength, payloadLength: Int(length))
    }

    /// The frame of `header`, whose bytes are all at the reader index of `bytes`.
    private static func frame(_ header: Header, from bytes: ByteBuffer) -> Frame {
        var payload = bytes.getSlice(at: bytes.readerIndex + header.headerLength, length: header.payloadLength)!
        if let maskKey = header.maskKey { payload.webSocketUnmask(maskKey) }
        return Frame(fin: header.fin, opcode: header.opcode, payload: payload)
    }
}
