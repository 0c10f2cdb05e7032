import AsteriskNIOSupport
import NIOCore
import NIOHTTP1

/// Writes an ``ARIHTTPRequest`` as HTTP/1.1 bytes (sans-IO), refusing anything that would break the
/// request's framing: a target with spaces or control characters, a header name that is not a
/// token, a header value holding CR, LF or NUL. `Content-Length` is always the encoder's own.
enum ARIHTTPRequestEncoder {
    /// Appends `request` to `buffer`, or throws `.invalidRequest` and leaves `buffer` as it was.
    static func encode(_ request: ARIHTTPRequest, into buffer: inout ByteBuffer) throws(ARIError) {
        let method = request.method.rawValue
        guard !method.isEmpty, method.utf8.allSatisfy(HTTPSyntax.isTokenByte) else {
            throw ARIError(.invalidRequest, "\(method.debugDescription) is not an HTTP method")
        }
        guard !request.target.isEmpty, request.target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ARIError(.invalidRequest, "the request target \(request.target.debugDescription) has spaces or control characters")
        }
        try check(request.headers)
        buffer.writeString(method)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(request.target)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        if let block = request.headerBlock { buffer.writeImmutableBuffer(block) }
        write(request.headers, into: &buffer)
        if let body = request.body {
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(body.readableBytes))
            buffer.writeStaticString("\r\n\r\n")
            buffer.writeImmutableBuffer(body)
        } else if request.method != .GET {
            buffer.writeStaticString("Content-Length: 0\r\n\r\n")
        } else {
            buffer.writeStaticString("\r\n")
        }
    }

    /// Header lines checked and encoded once, for the ``ARIHTTPRequest/headerBlock`` of many requests
    /// (a client's `Host`, `Accept` and `Authorization`); `.invalidRequest` as ``encode(_:into:)`` would.
    static func headerBlock(_ headers: HTTPHeaders) throws(ARIError) -> ByteBuffer {
        try check(headers)
        var block = ByteBuffer()
        write(headers, into: &block)
        return block
    }

    /// Throws `.invalidRequest` for a header name that is not a token or a value with CR, LF or NUL.
    private static func check(_ headers: HTTPHeaders) throws(ARIError) {
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(HTTPSyntax.isTokenByte) else {
                throw ARIError(.invalidRequest, "\(name.debugDescription) is not a header name")
            }
            guard !value.utf8.contains(where: { $0 == 0 || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) else {
                throw ARIError(.invalidRequest, "the \(name) header holds a line break or NUL")
            }
        }
    }

    /// The header lines, `Content-Length` left out (the encoder writes its own).
    private static func write(_ headers: HTTPHeaders, into buffer: inout ByteBuffer) {
        for (name, value) in headers where !name.utf8.elementsEqual("content-length".utf8, by: sameLetter) {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Whether two header-name bytes are the same letter in either case (or the same byte).
    private static func sameLetter(_ byte: UInt8, _ lowercase: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == lowercase
    }
}
