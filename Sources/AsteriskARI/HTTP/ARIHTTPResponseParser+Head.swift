import AsteriskNIOSupport
import NIOCore

extension ARIHTTPResponseParser {
    /// What a head says about its response.
    struct Head: Equatable {
        /// The status code.
        var status: Int
        /// Whether the server keeps the connection open afterwards.
        var keepAlive: Bool
        /// How the body is framed.
        var framing: Framing
    }

    /// How a response's body is delimited.
    enum Framing: Equatable {
        /// No body (`204`, `304`, `1xx`).
        case none
        /// `Content-Length` bytes.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// Up to the end of the connection.
        case untilClose
    }

    /// The length of the head at the start of `bytes` (up to and including its empty line), or nil
    /// while it has not ended.
    static func headLength(_ bytes: ByteBuffer) -> Int? {
        bytes.withUnsafeReadableBytes { raw -> Int? in
            var index = 0
            let count = raw.count
            while index < count {
                guard raw[index] == UInt8(ascii: "\n") else {
                    index += 1
                    continue
                }
                if index + 1 < count, raw[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < count, raw[index + 1] == UInt8(ascii: "\r"), raw[index + 2] == UInt8(ascii: "\n") { return index + 3 }
                index += 1
            }
            return nil
        }
    }

    /// Reads the status line and headers of a head (its bytes, empty line included).
    static func parseHead(_ head: ByteBuffer) throws(Failure) -> Head {
        let result = head.withUnsafeReadableBytes { raw in Result { () throws(Failure) in try parseHead(raw) } }
        return try result.get()
    }

    /// Reads the status line and headers of a head from its bytes.
    private static func parseHead(_ raw: UnsafeRawBufferPointer) throws(Failure) -> Head {
        var start = 0
        /// The next line without its line end (nil after the last).
        func nextLine() -> Slice<UnsafeRawBufferPointer>? {
            guard start < raw.count, let newline = raw[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            var end = newline
            if end > start, raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            defer { start = newline + 1 }
            return raw[start..<end]
        }
        guard let statusLine = nextLine() else { throw Failure(reason: "the answer has no status line") }
        let (status, isHTTP10) = try parseStatusLine(statusLine)
        var keepAlive = !isHTTP10
        var contentLength: Int?
        var chunked = false
        while let line = nextLine() {
            if line.isEmpty { break }
            guard line.first != UInt8(ascii: " "), line.first != UInt8(ascii: "\t") else {
                throw Failure(reason: "the answer folds a header over several lines")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[line.startIndex..<colon].allSatisfy(HTTPSyntax.isTokenByte)
            else { throw Failure(reason: "the answer has a malformed header line") }
            let value = HTTPSyntax.trimmed(line[(colon + 1)...])
            guard !value.contains(where: { $0 == 0 || $0 == UInt8(ascii: "\r") }) else {
                throw Failure(reason: "a header of the answer holds a control character")
            }
            let name = line[line.startIndex..<colon]
            if equalsIgnoringCase(name, "content-length") {
                guard let length = HTTPSyntax.decimal(value) else { throw Failure(reason: "the answer's Content-Length is not a number") }
                guard contentLength == nil || contentLength == length else {
                    throw Failure(reason: "the answer has two different Content-Length headers")
                }
                contentLength = length
            } else if equalsIgnoringCase(name, "transfer-encoding") {
                guard !chunked, equalsIgnoringCase(value, "chunked") else {
                    throw Failure(reason: "the answer uses a transfer coding other than chunked")
                }
                chunked = true
            } else if equalsIgnoringCase(name, "connection") {
                for token in value.split(separator: UInt8(ascii: ",")) {
                    let option = HTTPSyntax.trimmed(token)
                    if equalsIgnoringCase(option, "close") { keepAlive = false }
                    if equalsIgnoringCase(option, "keep-alive"), isHTTP10 { keepAlive = true }
                }
            }
        }
        if chunked, contentLength != nil { throw Failure(reason: "the answer has both Content-Length and Transfer-Encoding") }
        let framing: Framing
        if status < 200 || status == 204 || status == 304 {
            framing = .none
        } else if chunked {
            framing = .chunked
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .untilClose
            keepAlive = false
        }
        return Head(status: status, keepAlive: keepAlive, framing: framing)
    }

    /// `HTTP/1.1 200 OK` (or 1.0): the status and whether it is HTTP/1.0.
    private static func parseStatusLine(_ line: Slice<UnsafeRawBufferPointer>) throws(Failure) -> (Int, Bool) {
        let bytes = UnsafeRawBufferPointer(rebasing: line)
        let isHTTP10 = bytes.starts(with: "HTTP/1.0 ".utf8)
        guard bytes.count >= 12, isHTTP10 || bytes.starts(with: "HTTP/1.1 ".utf8),
            bytes.count == 12 || bytes[12] == UInt8(ascii: " ")
        else { throw Failure(reason: "the answer does not begin with an HTTP/1.1 status line") }
        var status = 0
        for byte in bytes[9..<12] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw Failure(reason: "the answer's status is not a number")
            }
            status = status * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard (100...599).contains(status) else { throw Failure(reason: "the answer's status \(status) is out of range") }
        if status == 101 { throw Failure(reason: "the server switched protocols on a REST request") }
        return (status, isHTTP10)
    }

    /// A chunk-size line's size (extensions after `;` ignored).
    static func chunkSize(_ line: ByteBuffer) throws(Failure) -> Int {
        guard let size = line.withUnsafeReadableBytes({ HTTPSyntax.chunkSize($0[...]) }) else {
            throw Failure(reason: "a chunk size of the answer is malformed")
        }
        return size
    }

    private static func equalsIgnoringCase<C: Collection<UInt8>>(_ bytes: C, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, want in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == want
            }
        }
    }
}
