import NIOCore

/// Reads HTTP/1.1 responses from the bytes of one connection (sans-IO): status line, headers, and a
/// body framed by `Content-Length`, by chunks, or by the end of the connection.
///
/// Bytes go in with ``append(_:)``; ``next()`` hands out each whole response once its last byte is
/// there. A body that arrived in one read is a slice of that read, not a copy. Nothing grows without
/// bound: the head is refused past ``maxHeadBytes`` and a body past `maxBodyBytes` (a declared length
/// is refused before any of it is buffered). Interim `1xx` answers are skipped.
struct ARIHTTPResponseParser {
    /// Why the bytes are not a response this client can read.
    struct Failure: Error, Equatable {
        /// What was wrong, for the error message.
        var reason: String
        /// Whether a size limit was exceeded (rather than the syntax broken).
        var isTooLarge = false
    }

    /// The longest head (status line and headers) accepted.
    static let maxHeadBytes = 64 * 1024

    private enum Stage {
        /// Waiting for a whole head.
        case head
        /// A body of a known length: this many bytes still to come.
        case fixed(remaining: Int)
        /// Before a chunk's size line.
        case chunkSize
        /// Inside a chunk: this many data bytes to come, then its CRLF.
        case chunkData(remaining: Int)
        /// After the last chunk: trailer lines up to an empty one.
        case trailers
        /// A body that ends with the connection.
        case untilClose
    }

    private let maxBodyBytes: Int
    private var stage = Stage.head
    /// Bytes received and not yet used.
    private var buffer = ByteBuffer()
    private var status = 0
    private var keepAlive = true
    /// The body so far, when it is not one slice of the input (chunks, or a body split between reads).
    private var body: ByteBuffer?

    /// Creates a parser that refuses bodies longer than `maxBodyBytes`.
    init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    /// Whether a response has begun and not ended (bytes of it have arrived).
    var isInsideResponse: Bool {
        if case .head = stage { return buffer.readableBytes > 0 }
        return true
    }

    /// Whether the response being read ends with the connection.
    var readsUntilClose: Bool {
        if case .untilClose = stage { return true }
        return false
    }

    /// Adds bytes read from the connection.
    mutating func append(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        }
    }

    /// The next whole response, or nil until more bytes arrive.
    mutating func next() throws(Failure) -> ARIHTTPResponse? {
        while true {
            switch stage {
            case .head:
                guard try readHead() else { return nil }
            case .fixed(let remaining):
                guard buffer.readableBytes >= remaining else {
                    // A body split between reads is gathered in its own buffer, so the read's storage is not kept.
                    if buffer.readableBytes > 0 {
                        take(buffer.readableBytes)
                        stage = .fixed(remaining: remaining - buffer.readableBytes)
                        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                    }
                    return nil
                }
                take(remaining)
                buffer.moveReaderIndex(forwardBy: remaining)
                return complete()
            case .chunkSize:
                guard let line = try readLine() else { return nil }
                let size = try Self.chunkSize(line)
                if (body?.readableBytes ?? 0) + size > maxBodyBytes {
                    throw Failure(reason: "the answer's body is larger than \(maxBodyBytes) bytes", isTooLarge: true)
                }
                stage = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return nil }
                let count = min(remaining, buffer.readableBytes)
                take(count)
                buffer.moveReaderIndex(forwardBy: count)
                if count < remaining {
                    stage = .chunkData(remaining: remaining - count)
                    return nil
                }
                // The chunk's own line end.
                guard let line = try readLine() else {
                    stage = .chunkData(remaining: 0)
                    return nil
                }
                guard line.readableBytes == 0 else { throw Failure(reason: "a chunk is longer than its size says") }
                stage = .chunkSize
            case .trailers:
                guard let line = try readLine() else { return nil }
                if line.readableBytes == 0 { return complete() }
            case .untilClose:
                if buffer.readableBytes > 0 {
                    guard (body?.readableBytes ?? 0) + buffer.readableBytes <= maxBodyBytes else {
                        throw Failure(reason: "the answer's body is larger than \(maxBodyBytes) bytes", isTooLarge: true)
                    }
                    take(buffer.readableBytes)
                    buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                }
                return nil
            }
        }
    }

    /// The connection ended: the response that the end completes, if one was being read up to it.
    mutating func endOfInput() -> ARIHTTPResponse? {
        guard readsUntilClose else { return nil }
        return complete()
    }

    /// Reads a whole head, if there is one, and sets up for its body; false until one has arrived.
    /// Interim (`1xx`) heads are read and dropped.
    private mutating func readHead() throws(Failure) -> Bool {
        guard let length = Self.headLength(buffer) else {
            if buffer.readableBytes > Self.maxHeadBytes {
                throw Failure(reason: "the answer's head is longer than \(Self.maxHeadBytes) bytes", isTooLarge: true)
            }
            return false
        }
        guard length <= Self.maxHeadBytes else {
            throw Failure(reason: "the answer's head is longer than \(Self.maxHeadBytes) bytes", isTooLarge: true)
        }
        let head = try Self.parseHead(buffer.readSlice(length: length)!)
        if head.status < 200 { return true }  // stays at .head: the real answer follows
        status = head.status
        keepAlive = head.keepAlive
        body = nil
        switch head.framing {
        case .none: stage = .fixed(remaining: 0)
        case .length(let length):
            guard length <= maxBodyBytes else {
                throw Failure(reason: "the answer's body (\(length) bytes) is larger than \(maxBodyBytes) bytes", isTooLarge: true)
            }
            stage = .fixed(remaining: length)
        case .chunked: stage = .chunkSize
        case .untilClose: stage = .untilClose
        }
        return true
    }

    /// Adds the next `count` bytes of the buffer to the body (as a slice when they are all of it).
    private mutating func take(_ count: Int) {
        var slice = buffer.getSlice(at: buffer.readerIndex, length: count)!
        if body == nil, case .fixed(let remaining) = stage, remaining == count {
            body = slice
        } else if body == nil {
            var gathered = ByteBuffer()
            gathered.reserveCapacity(minimumWritableBytes: min(count, 64 * 1024))
            gathered.writeBuffer(&slice)
            body = gathered
        } else {
            body!.writeBuffer(&slice)
        }
    }

    /// Ends the response being read and makes ready for the next.
    private mutating func complete() -> ARIHTTPResponse {
        let response = ARIHTTPResponse(status: status, body: body ?? ByteBuffer(), keepAlive: keepAlive)
        body = nil
        stage = .head
        if buffer.readableBytes == 0 { buffer = ByteBuffer() }
        return response
    }

    /// One line (without its CRLF or LF), or nil until it has ended; refuses lines past the head limit.
    private mutating func readLine() throws(Failure) -> ByteBuffer? {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxHeadBytes { throw Failure(reason: "a line of the answer is too long", isTooLarge: true) }
            return nil
        }
        var length = newline - buffer.readerIndex
        let line = buffer.readSlice(length: length + 1)!
        if length > 0, line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") { length -= 1 }
        return line.getSlice(at: line.readerIndex, length: length)
    }
}
