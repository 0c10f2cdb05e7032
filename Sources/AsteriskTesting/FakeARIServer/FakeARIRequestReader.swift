import AsteriskNIOSupport
import NIOCore
import NIOHTTP1

/// Reads HTTP/1.1 requests from the bytes a client sent (sans-IO): the fake ARI server's plain
/// requests, without NIO's HTTP pipeline. A request is read whole — head, then a `Content-Length` or
/// chunked body — and nothing is consumed, so the caller decides what to do with its bytes (an
/// upgrade request is passed on as it came).
struct FakeARIRequestReader {
    /// Why the bytes are not a request the fake answers.
    enum Failure: Error, Equatable {
        /// Not HTTP/1.x, or framed in a way a server must refuse (400).
        case malformed(String)
        /// The head is longer than ``maximumHead`` (431).
        case headTooLarge
        /// The body is longer than ``maximumBody`` (413).
        case bodyTooLarge

        /// The status the fake answers with before closing.
        var status: Int {
            switch self {
            case .malformed: 400
            case .headTooLarge: 431
            case .bodyTooLarge: 413
            }
        }
    }

    /// One complete request.
    struct Request {
        /// Method, target, version and headers.
        var head: HTTPRequestHead
        /// The body (chunks joined).
        var body: ByteBuffer
        /// How many bytes the request took, from the buffer's reader index.
        var length: Int
    }

    /// The longest head read (request line and headers).
    var maximumHead = 64 * 1024
    /// The longest body read.
    var maximumBody = 64 * 1024 * 1024
    /// The most chunks in one chunked body.
    var maximumChunks = 65_536

    /// The first complete request at `buffer`'s reader index; nil while more bytes are needed.
    func request(in buffer: ByteBuffer) throws(Failure) -> Request? {
        try buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(Failure) in try read(bytes) }
        }.get()
    }

    private func read(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Request? {
        guard let (lines, headEnd) = try headLines(bytes) else { return nil }
        var head = try requestLine(bytes, lines[0])
        for line in lines.dropFirst() { try addHeader(bytes, line, to: &head.headers) }
        let contentLengths = head.headers[canonicalForm: "Content-Length"]
        let codings = head.headers[canonicalForm: "Transfer-Encoding"]
        if !codings.isEmpty {
            guard contentLengths.isEmpty else { throw .malformed("both Content-Length and Transfer-Encoding") }
            guard codings.count == 1, codings[0].lowercased() == "chunked" else {
                throw .malformed("a transfer coding other than chunked")
            }
            guard let (body, end) = try chunkedBody(bytes, from: headEnd) else { return nil }
            return Request(head: head, body: body, length: end)
        }
        var length = 0
        if let first = contentLengths.first {
            var text = first
            guard contentLengths.allSatisfy({ $0 == first }), let value = text.withUTF8({ HTTPSyntax.decimal(UnsafeRawBufferPointer($0)[...]) }) else {
                throw .malformed("a bad Content-Length")
            }
            length = value
        }
        guard length <= maximumBody else { throw .bodyTooLarge }
        guard bytes.count - headEnd >= length else { return nil }
        return Request(head: head, body: ByteBuffer(bytes: bytes[headEnd..<(headEnd + length)]), length: headEnd + length)
    }

    /// The head's non-empty lines (without their line ends) and where the head ends, once its
    /// blank line has arrived. Empty lines before the request line are skipped, as RFC 9112 allows.
    private func headLines(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> ([Range<Int>], Int)? {
        var lines: [Range<Int>] = []
        var start = 0
        while true {
            guard let newline = Self.lineEnd(bytes, from: start, within: maximumHead) else {
                guard bytes.count <= maximumHead else { throw .headTooLarge }
                return nil
            }
            guard newline < maximumHead else { throw .headTooLarge }
            let end = newline > start && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
            if end > start {
                lines.append(start..<end)
            } else if !lines.isEmpty {
                return (lines, newline + 1)
            }
            start = newline + 1
        }
    }

    /// `METHOD target HTTP/1.x`.
    private func requestLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(Failure) -> HTTPRequestHead {
        let parts = bytes[line].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(HTTPSyntax.isTokenByte) else {
            throw .malformed("not a request line")
        }
        guard !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .malformed("a bad request target") }
        let version: HTTPVersion
        switch String(decoding: parts[2], as: UTF8.self) {
        case "HTTP/1.1": version = .http1_1
        case "HTTP/1.0": version = .http1_0
        default: throw .malformed("not HTTP/1.0 or HTTP/1.1")
        }
        return HTTPRequestHead(
            version: version, method: HTTPMethod(rawValue: String(decoding: parts[0], as: UTF8.self)),
            uri: String(decoding: parts[1], as: UTF8.self))
    }

    /// `Name: value` (no folded lines, no space before the colon, no NUL in the value).
    private func addHeader(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, to headers: inout HTTPHeaders) throws(Failure) {
        guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")), colon > line.lowerBound,
            bytes[line.lowerBound..<colon].allSatisfy(HTTPSyntax.isTokenByte)
        else { throw .malformed("not a header line") }
        let value = HTTPSyntax.trimmed(bytes[(colon + 1)..<line.upperBound])
        guard !value.contains(where: { $0 == 0 || $0 == UInt8(ascii: "\r") }) else {
            throw .malformed("a control character in a header value")
        }
        headers.add(name: String(decoding: bytes[line.lowerBound..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    /// A chunked body from `start` (chunk extensions and trailers are read and dropped), and where
    /// the request ends; nil while incomplete. The chunks are found first and copied once the body is
    /// whole, and every part is bounded (a size line, the trailers, the number of chunks), so reading
    /// a body that arrives in many pieces never costs more than a walk over its chunk lines.
    private func chunkedBody(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(Failure) -> (ByteBuffer, Int)? {
        var chunks: [Range<Int>] = []
        var total = 0
        var position = start
        while true {
            guard let newline = Self.lineEnd(bytes, from: position, within: Self.maximumChunkLine) else {
                guard bytes.count - position <= Self.maximumChunkLine else { throw .malformed("a chunk size line too long") }
                return nil
            }
            let lineEnd = newline > position && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
            guard let size = HTTPSyntax.chunkSize(bytes[position..<lineEnd]) else { throw .malformed("a bad chunk size") }
            total += size
            guard total <= maximumBody else { throw .bodyTooLarge }
            position = newline + 1
            if size == 0 { return try trailersEnd(bytes, from: position).map { (Self.joined(bytes, chunks, total), $0) } }
            guard chunks.count < maximumChunks else { throw .bodyTooLarge }
            guard bytes.count - position >= size + 1 else { return nil }
            chunks.append(position..<(position + size))
            position += size
            if bytes[position] == UInt8(ascii: "\r") {
                guard bytes.count - position >= 2 else { return nil }
                position += 1
            }
            guard bytes[position] == UInt8(ascii: "\n") else { throw .malformed("a chunk without its line end") }
            position += 1
        }
    }

    /// Where the trailers that start at `start` end (after their empty line), at most ``maximumHead``
    /// bytes of them; nil while incomplete.
    private func trailersEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(Failure) -> Int? {
        var position = start
        while true {
            guard let end = Self.lineEnd(bytes, from: position, within: maximumHead), end - start < maximumHead else {
                guard bytes.count - start <= maximumHead else { throw .headTooLarge }
                return nil
            }
            let blank = end == position || (end == position + 1 && bytes[position] == UInt8(ascii: "\r"))
            position = end + 1
            if blank { return position }
        }
    }

    /// The chunks' bytes, in one buffer.
    private static func joined(_ bytes: UnsafeRawBufferPointer, _ chunks: [Range<Int>], _ total: Int) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(total)
        for chunk in chunks { body.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[chunk])) }
        return body
    }

    /// The longest chunk size line, extensions included.
    static let maximumChunkLine = 4096

    /// The next `\n` at or after `start`, looking no further than `limit` bytes past it.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, within limit: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes[start..<min(bytes.count, start + limit + 1)].firstIndex(of: UInt8(ascii: "\n"))
    }
}
